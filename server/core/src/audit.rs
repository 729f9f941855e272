//! The audit log: its vocabulary (what an entry says was done, which fields changed) and
//! its listing. Entries are written only by a unit of work ([`crate::change::Change`]), in
//! the transaction of the change they describe.

use serde::{Deserialize, Serialize};
use tracing::instrument;

use crate::{
    error::Result, id::Id, permissions::Permissions, principal::Principal, servers::ServerService,
    store::AuditRecord, users::User, validate,
};

/// Audit log actions (values of `AuditLogAction` in the API).
pub mod action {
    /// Server settings changed.
    pub const SERVER_UPDATE: i64 = 1;
    /// Ownership transferred.
    pub const OWNERSHIP_TRANSFER: i64 = 2;
    /// Channel created.
    pub const CHANNEL_CREATE: i64 = 3;
    /// Channel changed.
    pub const CHANNEL_UPDATE: i64 = 4;
    /// Channel deleted.
    pub const CHANNEL_DELETE: i64 = 5;
    /// Overwrite set.
    pub const CHANNEL_OVERWRITE_UPDATE: i64 = 6;
    /// Overwrite removed.
    pub const CHANNEL_OVERWRITE_DELETE: i64 = 7;
    /// Member kicked.
    pub const MEMBER_KICK: i64 = 8;
    /// Member banned.
    pub const MEMBER_BAN_ADD: i64 = 9;
    /// Ban lifted.
    pub const MEMBER_BAN_REMOVE: i64 = 10;
    /// Nickname / voice moderation changed.
    pub const MEMBER_UPDATE: i64 = 11;
    /// Roles of a member changed.
    pub const MEMBER_ROLE_UPDATE: i64 = 12;
    /// Role created.
    pub const ROLE_CREATE: i64 = 14;
    /// Role changed.
    pub const ROLE_UPDATE: i64 = 15;
    /// Role deleted.
    pub const ROLE_DELETE: i64 = 16;
    /// Invite created.
    pub const INVITE_CREATE: i64 = 17;
    /// Invite revoked.
    pub const INVITE_DELETE: i64 = 18;
    /// A moderator deleted someone's message.
    pub const MESSAGE_DELETE: i64 = 19;
    /// Message pinned.
    pub const MESSAGE_PIN: i64 = 20;
    /// Message unpinned.
    pub const MESSAGE_UNPIN: i64 = 21;
}

/// One changed field in an audit entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditChange {
    /// Field name.
    pub key: String,
    /// Value before.
    pub old_value: String,
    /// Value after.
    pub new_value: String,
}

impl AuditChange {
    /// A change record, if the value actually changed.
    pub fn diff(key: &str, old: impl ToString, new: impl ToString) -> Option<Self> {
        let (old_value, new_value) = (old.to_string(), new.to_string());
        (old_value != new_value).then(|| Self {
            key: key.to_owned(),
            old_value,
            new_value,
        })
    }
}

impl ServerService {
    /// Audit entries newest first (MANAGE_SERVER or VIEW_AUDIT_LOG).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn audit_log(
        &self,
        who: &Principal,
        server: Id,
        page_size: u32,
        page_token: &str,
        action: Option<i64>,
        actor: Option<Id>,
    ) -> Result<(Vec<AuditRecord>, Vec<User>, Option<String>)> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        if !access
            .base
            .intersects(Permissions::MANAGE_SERVER | Permissions::VIEW_AUDIT_LOG)
        {
            access.require(Permissions::MANAGE_SERVER)?;
        }
        let limit = validate::page_size(page_size, 50, 100);
        let before = match page_token.trim() {
            "" => None,
            t => Some(Id::parse("page_token", t)?),
        };
        let entries = self
            .ctx
            .store
            .audit_log(server, before, limit, action, actor)
            .await?;
        let next = (entries.len() == limit as usize)
            .then(|| entries.last().map(|e| e.id.to_string()))
            .flatten();
        let mut user_ids: Vec<i64> = entries.iter().map(|e| e.actor_id).collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let mut users = Vec::new();
        for id in user_ids {
            if let Some(u) = self.ctx.store.user_by_id(Id(id)).await? {
                users.push(User::from(u).public());
            }
        }
        Ok((entries, users, next))
    }
}
