//! Who gets into a server: invites and bans (joining by invite checks both in one transaction).

use async_trait::async_trait;

use crate::{error::Result, id::Id};

use super::{BanRecord, ServerInviteRecord};

/// Outcome of [`AdmissionWrites::join_by_invite`].
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

/// Invite and ban persistence.
#[async_trait]
pub trait AdmissionStore: Send + Sync {
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
}

/// Invite and ban writes, made inside one [`super::WriteTx`] (a unit of work's transaction).
#[async_trait]
pub trait AdmissionWrites: Send {
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

    /// of a live invite and add the member.
    async fn join_by_invite(&mut self, code: &str, user: Id, now: i64) -> Result<JoinOutcome>;
}
