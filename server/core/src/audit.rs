//! The audit log: its vocabulary (what an entry says was done, which fields changed) and
//! its listing. Entries are written only by a unit of work ([`crate::change::Change`]), in
//! the transaction of the change they describe.

use tracing::instrument;

use crate::{
    error::Result, id::Id, model::User, permissions::Permissions, principal::Principal,
    servers::ServerService, store::AuditRecord, validate,
};

pub use crate::model::{AuditAction, AuditChange};

impl ServerService {
    /// Audit entries newest first (MANAGE_SERVER or VIEW_AUDIT_LOG).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn audit_log(
        &self,
        who: &Principal,
        server: Id,
        page_size: u32,
        page_token: &str,
        action: Option<AuditAction>,
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
