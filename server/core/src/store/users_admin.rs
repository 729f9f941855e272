//! Instance administration of accounts: listing, flags, deletion.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

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

/// Accounts as instance admins see them.
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
    /// Changes flags in one transaction, refusing to leave no enabled admin.
    async fn set_user_flags(
        &self,
        user: Id,
        flags: UserFlags,
    ) -> Result<AdminOutcome<super::UserRecord>>;
    /// Deletes an account and (by cascade) everything it authored, refusing the last enabled
    /// admin and owners of servers; returns the sessions that were live.
    async fn delete_user(&self, user: Id) -> Result<AdminOutcome<Vec<Id>>>;
}
