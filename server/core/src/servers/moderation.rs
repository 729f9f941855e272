//! Kicks, bans and the ban list. Acting on a member needs a higher role than theirs.

use tracing::instrument;

use super::{MAX_REASON, ServerService, announce_removed, remove};
use crate::{
    access::ServerAccess,
    change::Change,
    error::{Error, Result},
    events::{Audience, Event},
    id::{Id, now_ms},
    model::AuditAction,
    model::Ban,
    model::User,
    permissions::Permissions,
    principal::Principal,
    store::BanRecord,
    validate,
};

impl ServerService {
    fn check_target(&self, access: &ServerAccess, target: Id, verb: &str) -> Result<()> {
        if target == access.user {
            return Err(Error::invalid(
                "user_id",
                format!("you cannot {verb} yourself"),
            ));
        }
        if !access.perms.outranks(access.user, target) {
            return Err(Error::PermissionDenied(format!(
                "you cannot {verb} a member whose highest role is equal to or above yours"
            )));
        }
        Ok(())
    }

    /// Removes a member (KICK_MEMBERS, higher role than the target).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn kick(&self, who: &Principal, server: Id, user: Id, reason: &str) -> Result<()> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::KICK_MEMBERS)?;
        let reason = validate::text("reason", reason, MAX_REASON)?;
        if !access.perms.is_member(user) {
            return Err(Error::NotFound("member"));
        }
        self.check_target(&access, user, "kick")?;
        let mut change = Change::begin(&self.ctx).await?;
        remove(&mut change, server, user).await?;
        change.audit(
            server,
            who.user_id,
            AuditAction::MemberKick,
            Some(user),
            &reason,
            Vec::new(),
        );
        change.commit().await
    }

    /// Bans a user — member or not — (BAN_MEMBERS, higher role than a member target).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn ban(&self, who: &Principal, server: Id, user: Id, reason: &str) -> Result<Ban> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::BAN_MEMBERS)?;
        let reason = validate::text("reason", reason, MAX_REASON)?;
        let target = self
            .ctx
            .store
            .user_by_id(user)
            .await?
            .ok_or(Error::NotFound("user"))?;
        let was_member = access.perms.is_member(user);
        if was_member || user == who.user_id {
            self.check_target(&access, user, "ban")?;
        }
        let record = BanRecord {
            server_id: server.0,
            user_id: user.0,
            reason: reason.clone(),
            banned_by: Some(who.user_id.0),
            created_at: now_ms(),
        };
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().ban(&record).await?;
        change.invalidate(server);
        let ban = Ban {
            record,
            user: User::from(target).public(),
        };
        change.audit(
            server,
            who.user_id,
            AuditAction::MemberBanAdd,
            Some(user),
            &reason,
            Vec::new(),
        );
        if was_member {
            announce_removed(&mut change, server, user);
        }
        change.publish(
            Audience::server_with(server, Permissions::BAN_MEMBERS),
            Event::BanAdded(Box::new(ban.clone())),
        );
        change.commit().await?;
        Ok(ban)
    }

    /// Lifts a ban (BAN_MEMBERS).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn unban(&self, who: &Principal, server: Id, user: Id, reason: &str) -> Result<()> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::BAN_MEMBERS)?;
        let reason = validate::text("reason", reason, MAX_REASON)?;
        let mut change = Change::begin(&self.ctx).await?;
        if !change.tx().unban(server, user).await? {
            return Err(Error::NotFound("ban"));
        }
        change.audit(
            server,
            who.user_id,
            AuditAction::MemberBanRemove,
            Some(user),
            &reason,
            Vec::new(),
        );
        change.publish(
            Audience::server_with(server, Permissions::BAN_MEMBERS),
            Event::BanRemoved {
                server_id: server,
                user_id: user,
            },
        );
        change.commit().await
    }

    /// Bans ordered by user id (BAN_MEMBERS).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn bans(
        &self,
        who: &Principal,
        server: Id,
        page_size: u32,
        page_token: &str,
    ) -> Result<(Vec<Ban>, Option<String>)> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::BAN_MEMBERS)?;
        let limit = validate::page_size(page_size, 100, 1000);
        let after = match page_token.trim() {
            "" => None,
            t => Some(Id::parse("page_token", t)?),
        };
        let rows = self.ctx.store.bans(server, after, limit).await?;
        let next = (rows.len() == limit as usize)
            .then(|| rows.last().map(|b| b.user_id.to_string()))
            .flatten();
        let mut bans = Vec::with_capacity(rows.len());
        for record in rows {
            if let Some(u) = self.ctx.store.user_by_id(Id(record.user_id)).await? {
                bans.push(Ban {
                    record,
                    user: User::from(u).public(),
                });
            }
        }
        Ok((bans, next))
    }
}
