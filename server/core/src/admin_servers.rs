//! Instance administration of servers: every server with its owner and member count, and
//! deleting one. Admin only.

use tracing::instrument;

use crate::{
    admin::AdminService,
    change::Change,
    error::{Error, Result},
    events::{Audience, Event},
    id::Id,
    model::{AdminAction, AuditChange},
    principal::Principal,
    store::AdminServerRecord,
    validate::{self, Page},
};

impl AdminService {
    /// Servers by id, oldest first, filtered by a substring of their name; `page_token` is
    /// the last id of the previous page.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list_servers(
        &self,
        who: &Principal,
        query: &str,
        page_size: u32,
        page_token: &str,
    ) -> Result<(Vec<AdminServerRecord>, Option<String>)> {
        self.require_admin(who).await?;
        let page = Page::parse(page_size, page_token)?;
        let query = validate::search_query(query)?;
        let rows = self
            .ctx
            .store
            .list_servers_admin(query, page.from, page.limit)
            .await?;
        let next = page.next_token(&rows, |s| s.server.id);
        Ok((rows, next))
    }

    /// Deletes a server and everything in it, as its owner's delete does (members receive
    /// `ServerDeleted`); recorded in the instance audit log with the server's name and owner.
    #[instrument(skip_all, fields(user_id = %who.user_id, server_id = %server))]
    pub async fn delete_server(&self, who: &Principal, server: Id) -> Result<()> {
        self.require_admin(who).await?;
        let record = self
            .ctx
            .store
            .server(server)
            .await?
            .ok_or(Error::NotFound("server"))?;
        let members: Vec<Id> = match self.ctx.perms.get(server).await? {
            Some(perms) => perms.member_ids().collect(),
            None => Vec::new(),
        };
        let changes = [
            AuditChange::diff("name", &record.name, ""),
            AuditChange::diff("owner_id", record.owner_id, ""),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().delete_server(server).await?;
        change.forget_server(server);
        change.publish(
            Audience::users(members),
            Event::ServerDeleted { server_id: server },
        );
        change.audit_instance(
            who.user_id,
            AdminAction::ServerDelete,
            Some(server),
            changes,
        )?;
        change.commit().await?;
        tracing::info!(name = %record.name, "server deleted by an admin");
        Ok(())
    }
}
