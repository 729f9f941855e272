//! Instance administration of accounts and the SMTP test mail. Admin only.

use std::sync::Arc;

use tracing::instrument;

use crate::{
    admin::AdminService,
    auth::{mark_revoked, revoke_all_sessions},
    change::Change,
    error::{Error, Result},
    id::Id,
    mail::{smtp, templates},
    model::User,
    principal::Principal,
    store::{AdminOutcome, AdminRefusal, UserFlags},
    validate,
};

/// Answer of [`AdminService::send_test_email`].
#[derive(Debug, Clone)]
pub struct TestEmailOutcome {
    /// Whether the SMTP server accepted the mail.
    pub accepted: bool,
    /// Its answer, or why the conversation failed (never the password).
    pub server_reply: String,
}

impl AdminService {
    /// Users by id, oldest first, filtered by a substring of username, display name or
    /// address; `page_token` is the last id of the previous page.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list_users(
        &self,
        who: &Principal,
        query: &str,
        page_size: u32,
        page_token: &str,
    ) -> Result<(Vec<User>, Option<String>)> {
        self.require_admin(who).await?;
        let limit = validate::page_size(page_size, 50, 100);
        let after = match page_token.trim() {
            "" => None,
            t => Some(Id::parse("page_token", t)?),
        };
        let query = query.trim();
        if query.chars().count() > 100 {
            return Err(Error::invalid("query", "must be at most 100 characters"));
        }
        let page = self
            .ctx
            .store
            .list_users((!query.is_empty()).then_some(query), after, limit)
            .await?;
        let next = (page.len() == limit as usize)
            .then(|| page.last().map(|u| u.id.to_string()))
            .flatten();
        Ok((page.into_iter().map(User::from).collect(), next))
    }

    /// Disables/enables an account, grants/removes admin, marks the address verified.
    /// Disabling signs the user out everywhere at once; the last enabled admin stays one.
    #[instrument(skip_all, fields(user_id = %who.user_id, target = %user))]
    pub async fn update_user(&self, who: &Principal, user: Id, flags: UserFlags) -> Result<User> {
        self.require_admin(who).await?;
        if user == who.user_id && flags.disabled == Some(true) {
            return Err(Error::FailedPrecondition(
                "you cannot disable your own account".to_owned(),
            ));
        }
        let record = match self.ctx.store.set_user_flags(user, flags).await? {
            AdminOutcome::Done(r) => r,
            AdminOutcome::NotFound => return Err(Error::NotFound("user")),
            AdminOutcome::Refused(why) => return Err(refusal(why)),
        };
        if record.disabled {
            revoke_all_sessions(&self.ctx, user).await?;
        }
        tracing::info!(
            disabled = record.disabled,
            is_admin = record.is_admin,
            "account updated by an admin"
        );
        Ok(User::from(record))
    }

    /// Deletes an account with everything it authored (messages, reactions, attachments,
    /// memberships, relationships, sessions); its streams end at once. Owners of servers and
    /// the last enabled admin are refused.
    #[instrument(skip_all, fields(user_id = %who.user_id, target = %user))]
    pub async fn delete_user(&self, who: &Principal, user: Id) -> Result<()> {
        self.require_admin(who).await?;
        if user == who.user_id {
            return Err(Error::FailedPrecondition(
                "you cannot delete your own account here".to_owned(),
            ));
        }
        let servers = self.ctx.store.servers_of_user(user).await?;
        // Their bots go first (while `bots.owner_id` still finds them: deleting the account
        // cascades that row away), so the refusal the store would give an owner is checked
        // here before anything is deleted.
        if servers.iter().any(|s| s.owner_id == user.0) {
            return Err(refusal(AdminRefusal::OwnsServers));
        }
        crate::bots::BotService::new(Arc::clone(&self.ctx))
            .delete_owned_by(user)
            .await?;
        let sessions = match self.ctx.store.delete_user(user).await? {
            AdminOutcome::Done(s) => s,
            AdminOutcome::NotFound => return Err(Error::NotFound("user")),
            AdminOutcome::Refused(why) => return Err(refusal(why)),
        };
        for session in sessions {
            mark_revoked(&self.ctx, session);
        }
        // Their memberships went with the account: drop the servers' permission snapshots.
        if !servers.is_empty() {
            let mut change = Change::begin(&self.ctx).await?;
            for s in &servers {
                change.invalidate(Id(s.id));
            }
            change.commit().await?;
        }
        tracing::info!("account deleted by an admin");
        Ok(())
    }

    /// Sends a test mail now with the current SMTP settings and reports the server's answer.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn send_test_email(&self, who: &Principal, to: &str) -> Result<TestEmailOutcome> {
        self.require_admin(who).await?;
        let to = validate::email(to)
            .map_err(|_| Error::invalid("to", "must be a valid e-mail address"))?;
        let settings = self.ctx.settings();
        if !settings.smtp.enabled || settings.smtp.host.is_empty() {
            return Err(Error::FailedPrecondition(
                "enable SMTP and set its host and sender address first".to_owned(),
            ));
        }
        let mail = templates::test(&settings.instance_name);
        match smtp::send(&settings.smtp, &to, &mail).await {
            Ok(reply) => Ok(TestEmailOutcome {
                accepted: true,
                server_reply: reply,
            }),
            Err(smtp::SendError::Invalid(m)) => Err(Error::FailedPrecondition(m)),
            Err(smtp::SendError::Smtp(m)) => {
                tracing::warn!(error = %m, "test e-mail refused");
                Ok(TestEmailOutcome {
                    accepted: false,
                    server_reply: m,
                })
            }
        }
    }
}

fn refusal(why: AdminRefusal) -> Error {
    match why {
        AdminRefusal::LastAdmin => Error::FailedPrecondition(
            "the instance must keep at least one enabled administrator".to_owned(),
        ),
        AdminRefusal::OwnsServers => Error::FailedPrecondition(
            "the user owns servers: transfer or delete them first".to_owned(),
        ),
    }
}
