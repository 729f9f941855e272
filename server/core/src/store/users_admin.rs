//! Instance administration: listing accounts and servers (reads), account flags and
//! deletion, session revocation and the instance audit log (writes, inside a
//! [`super::WriteTx`]).

use async_trait::async_trait;

use crate::{error::Result, id::Id, model::AdminAction};

/// A row of the instance audit log (`admin_audit_log`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdminAuditRecord {
    /// Snowflake id.
    pub id: i64,
    /// What was done.
    pub action: AdminAction,
    /// The admin who did it.
    pub actor_id: i64,
    /// The account or server it was done to.
    pub target_id: Option<i64>,
    /// JSON array of `{key, old_value, new_value}`.
    pub changes: String,
    /// Unix ms.
    pub created_at: i64,
}

/// A server as instance admins see it.
#[derive(Debug, Clone)]
pub struct AdminServerRecord {
    /// The server (with its member count).
    pub server: super::ServerRecord,
    /// The owner's username.
    pub owner_username: String,
}

/// Flag changes of [`UserAdminStore::set_user_flags`]; `None` keeps a flag.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserFlags {
    /// Disabled accounts cannot sign in.
    pub disabled: Option<bool>,
    /// Instance admin.
    pub is_admin: Option<bool>,
    /// Address verified.
    pub email_verified: Option<bool>,
}

/// Why a flag change or deletion was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRefusal {
    /// It would leave the instance without an enabled admin.
    LastAdmin,
    /// The user owns servers (deletion).
    OwnsServers,
}

/// Result of a change the store checks atomically.
#[derive(Debug, Clone)]
pub enum AdminOutcome<T> {
    /// Done.
    Done(T),
    /// No such user.
    NotFound,
    /// Refused; nothing was written.
    Refused(AdminRefusal),
}

/// Accounts and servers as instance admins see them.
#[async_trait]
pub trait UserAdminStore: Send + Sync {
    /// Users (bots included) by id, oldest first, after `after`; `query` filters on a
    /// lower-cased substring of username, display name or e-mail.
    async fn list_users(
        &self,
        query: Option<&str>,
        after: Option<Id>,
        limit: u32,
    ) -> Result<Vec<super::UserRecord>>;
    /// Every server by id, oldest first, after `after`, with its owner's username and member
    /// count; `query` filters on a lower-cased substring of the server's name.
    async fn list_servers_admin(
        &self,
        query: Option<&str>,
        after: Option<Id>,
        limit: u32,
    ) -> Result<Vec<AdminServerRecord>>;
    /// The instance audit log, newest first.
    async fn admin_audit_log(&self, limit: u32) -> Result<Vec<AdminAuditRecord>>;
}

/// Instance-administration writes, made inside one [`super::WriteTx`].
#[async_trait]
pub trait UserAdminWrites: Send {
    /// Changes flags, refusing to leave no enabled admin (checked in this transaction).
    async fn set_user_flags(
        &mut self,
        user: Id,
        flags: UserFlags,
    ) -> Result<AdminOutcome<super::UserRecord>>;
    /// Deletes an account and (by cascade) everything it authored, refusing the last enabled
    /// admin and owners of servers; returns the sessions that were live.
    async fn delete_user(&mut self, user: Id) -> Result<AdminOutcome<Vec<Id>>>;
    /// Revokes every live session of `user`; returns their ids.
    async fn revoke_sessions_of(&mut self, user: Id, now: i64) -> Result<Vec<Id>>;
    /// Appends to the instance audit log.
    async fn add_admin_audit(&mut self, entry: &AdminAuditRecord) -> Result<()>;
}
