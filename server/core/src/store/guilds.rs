//! Server (guild) persistence: servers, roles, members, channels, overwrites, bans, server
//! invites, the audit log, and DM channel participants.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

use super::UserRecord;
pub use crate::model::rows::{
    BanRecord, ChannelRecord, MemberRecord, OverwriteRecord, RoleRecord, ServerInviteRecord,
    ServerRecord,
};

/// An audit log row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRecord {
    /// Snowflake id.
    pub id: i64,
    /// Server.
    pub server_id: i64,
    /// `AuditLogAction` value.
    pub action: i64,
    /// Who did it.
    pub actor_id: i64,
    /// What it was done to (user, channel, role, …).
    pub target_id: Option<i64>,
    /// Reason given.
    pub reason: String,
    /// JSON array of `{key, old_value, new_value}`.
    pub changes: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Everything a new server starts with, inserted in one transaction.
#[derive(Debug, Clone)]
pub struct NewServer {
    /// The server (member_count ignored).
    pub server: ServerRecord,
    /// The @everyone role.
    pub everyone: RoleRecord,
    /// Default categories and channels, parents first.
    pub channels: Vec<ChannelRecord>,
}

/// Outcome of [`GuildStore::join_by_invite`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinOutcome {
    /// Joined; the invite use was counted.
    Joined {
        /// The server joined.
        server_id: i64,
    },
    /// Already a member; nothing counted.
    AlreadyMember {
        /// The server.
        server_id: i64,
    },
    /// The user is banned from the server.
    Banned,
    /// No invite has this code.
    UnknownInvite,
    /// The invite was revoked, expired or used up.
    UnusableInvite,
}

/// Every row the permission cache needs for one server.
#[derive(Debug, Clone)]
pub struct PermissionRows {
    /// The server.
    pub server: ServerRecord,
    /// All roles.
    pub roles: Vec<RoleRecord>,
    /// All channels.
    pub channels: Vec<ChannelRecord>,
    /// All overwrites of its channels.
    pub overwrites: Vec<OverwriteRecord>,
    /// Member user ids.
    pub members: Vec<i64>,
    /// (user id, role id) for every role assignment.
    pub member_roles: Vec<(i64, i64)>,
}

/// Server persistence.
#[async_trait]
pub trait GuildStore: Send + Sync {
    /// A server with its member count.
    async fn server(&self, id: Id) -> Result<Option<ServerRecord>>;
    /// Whether `user` participates in the DM or group DM `channel`.
    async fn is_recipient(&self, channel: Id, user: Id) -> Result<bool>;
    /// Participants of a DM or group DM.
    async fn recipients(&self, channel: Id) -> Result<Vec<UserRecord>>;
    /// Servers the user is a member of, oldest first.
    async fn servers_of_user(&self, user: Id) -> Result<Vec<ServerRecord>>;
    /// How many servers the user owns.
    async fn owned_server_count(&self, user: Id) -> Result<i64>;
    /// All rows the permission cache needs.
    async fn permission_rows(&self, server: Id) -> Result<Option<PermissionRows>>;

    /// One member.
    async fn member(&self, server: Id, user: Id) -> Result<Option<MemberRecord>>;
    /// Members with their user rows, ordered by user id, after `after` if given.
    async fn members(
        &self,
        server: Id,
        after: Option<Id>,
        limit: u32,
        query_lower: Option<&str>,
    ) -> Result<Vec<(MemberRecord, UserRecord)>>;
    /// Role ids of several members of a server, as (user id, role id).
    async fn member_role_pairs(&self, server: Id, users: &[i64]) -> Result<Vec<(i64, i64)>>;

    /// All roles of a server.
    async fn roles(&self, server: Id) -> Result<Vec<RoleRecord>>;

    /// One channel.
    async fn channel(&self, id: Id) -> Result<Option<ChannelRecord>>;
    /// All channels of a server.
    async fn channels(&self, server: Id) -> Result<Vec<ChannelRecord>>;
    /// Overwrites of every channel of a server.
    async fn server_overwrites(&self, server: Id) -> Result<Vec<OverwriteRecord>>;
    /// Overwrites of one channel.
    async fn channel_overwrites(&self, channel: Id) -> Result<Vec<OverwriteRecord>>;

    /// One ban.
    async fn ban_of(&self, server: Id, user: Id) -> Result<Option<BanRecord>>;
    /// Bans ordered by user id after `after`.
    async fn bans(&self, server: Id, after: Option<Id>, limit: u32) -> Result<Vec<BanRecord>>;

    /// One invite by code.
    async fn server_invite(&self, code: &str) -> Result<Option<ServerInviteRecord>>;
    /// Invites of a server, newest first, older than `before`.
    async fn server_invites(
        &self,
        server: Id,
        before: Option<Id>,
        limit: u32,
    ) -> Result<Vec<ServerInviteRecord>>;

    /// Audit entries newest first, older than `before`, optionally filtered.
    async fn audit_log(
        &self,
        server: Id,
        before: Option<Id>,
        limit: u32,
        action: Option<i64>,
        actor: Option<Id>,
    ) -> Result<Vec<AuditRecord>>;
}

/// Server writes, made inside one [`super::WriteTx`] (a unit of work's transaction).
#[async_trait]
pub trait GuildWrites: Send {
    /// Inserts a server, its @everyone role, default channels and the owner as member.
    async fn create_server(&mut self, new: &NewServer) -> Result<()>;
    /// Saves name, icon, description and system channel.
    async fn update_server(&mut self, server: &ServerRecord) -> Result<()>;
    /// Deletes a server and, by cascade, everything in it.
    async fn delete_server(&mut self, id: Id) -> Result<()>;
    /// Sets a new owner (who must be a member).
    async fn set_server_owner(&mut self, server: Id, owner: Id) -> Result<()>;
    /// Adds a member unless banned; false if already a member.
    async fn add_member(&mut self, server: Id, user: Id, now: i64) -> Result<bool>;
    /// Removes a member (and their role assignments); false if they were not one.
    async fn remove_member(&mut self, server: Id, user: Id) -> Result<bool>;
    /// Saves nickname, mute and deaf.
    async fn update_member(&mut self, member: &MemberRecord) -> Result<()>;
    /// Assigns (or with `add == false` removes) a role; returns whether anything changed.
    async fn set_member_role(&mut self, server: Id, user: Id, role: Id, add: bool) -> Result<bool>;
    /// Inserts a role at `role.position`, moving every other role (not @everyone) at or above
    /// that position up by one, in one transaction.
    async fn create_role(&mut self, role: &RoleRecord) -> Result<()>;
    /// Saves a role's name, permissions, colour, hoist, mentionable.
    async fn update_role(&mut self, role: &RoleRecord) -> Result<()>;
    /// Deletes a role (assignments cascade).
    async fn delete_role(&mut self, role: Id) -> Result<()>;
    /// Sets positions of several roles in one transaction.
    async fn set_role_positions(&mut self, positions: &[(i64, i64)]) -> Result<()>;
    /// Inserts a channel with its overwrites.
    async fn create_channel(
        &mut self,
        channel: &ChannelRecord,
        overwrites: &[OverwriteRecord],
    ) -> Result<()>;
    /// Saves a channel's editable fields.
    async fn update_channel(&mut self, channel: &ChannelRecord) -> Result<()>;
    /// Deletes a channel (messages and overwrites cascade; children lose their parent).
    async fn delete_channel(&mut self, id: Id) -> Result<()>;
    /// Sets (position, parent) of several channels in one transaction.
    async fn set_channel_positions(&mut self, positions: &[(i64, i64, Option<i64>)]) -> Result<()>;
    /// Inserts or replaces one overwrite.
    async fn upsert_overwrite(&mut self, overwrite: &OverwriteRecord) -> Result<()>;
    /// Deletes one overwrite; false if there was none.
    async fn delete_overwrite(&mut self, channel: Id, target: Id) -> Result<bool>;
    /// Replaces all overwrites of a channel (sync with category).
    async fn replace_overwrites(
        &mut self,
        channel: Id,
        overwrites: &[OverwriteRecord],
    ) -> Result<()>;
    /// Bans a user (removing their membership) in one transaction.
    async fn ban(&mut self, ban: &BanRecord) -> Result<()>;
    /// Lifts a ban; false if there was none.
    async fn unban(&mut self, server: Id, user: Id) -> Result<bool>;
    /// Inserts a server invite.
    async fn create_server_invite(&mut self, invite: &ServerInviteRecord) -> Result<()>;
    /// Marks an invite revoked; returns it.
    async fn revoke_server_invite(
        &mut self,
        code: &str,
        now: i64,
    ) -> Result<Option<ServerInviteRecord>>;
    /// Atomically: refuse if banned, return early if already a member, else consume one use
    /// of a live invite and add the member.
    async fn join_by_invite(&mut self, code: &str, user: Id, now: i64) -> Result<JoinOutcome>;
    /// Appends to the audit log.
    async fn add_audit(&mut self, entry: &AuditRecord) -> Result<()>;
}
