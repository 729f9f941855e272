//! The audit log: its vocabulary (what an entry says was done, which fields changed) and
//! its listing. Entries are written only by a unit of work ([`crate::change::Change`]), in
//! the transaction of the change they describe.

use tracing::instrument;

use crate::{
    error::Result, id::Id, model::User, permissions::Permissions, principal::Principal,
    servers::ServerService, store::AuditRecord, validate::Page,
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
        let page = Page::parse(page_size, page_token)?;
        let entries = self
            .ctx
            .store
            .audit_log(server, page.from, page.limit, action, actor)
            .await?;
        let next = page.next_token(&entries, |e| e.id);
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
