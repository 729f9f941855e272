//! Instance administration of accounts and the SMTP test mail. Admin only.

use std::sync::Arc;

use tracing::instrument;

use crate::{
    admin::AdminService,
    bots::{BotService, retire_owned},
    change::Change,
    error::{Error, Result},
    id::{Id, now_ms},
    mail::{smtp, templates},
    model::{AdminAction, AuditChange, User},
    principal::Principal,
    store::{AdminOutcome, AdminRefusal, UserFlags},
    validate::{self, Page},
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
        let page = Page::parse(page_size, page_token)?;
        let query = validate::search_query(query)?;
        let rows = self
            .ctx
            .store
            .list_users(query, page.from, page.limit)
            .await?;
        let next = page.next_token(&rows, |u| u.id);
        Ok((rows.into_iter().map(User::from).collect(), next))
    }

    /// Disables/enables an account, grants/removes admin, marks the address verified.
    /// Disabling signs the user out everywhere at once; the last enabled admin stays one.
    /// Audited in the instance audit log.
    #[instrument(skip_all, fields(user_id = %who.user_id, target = %user))]
    pub async fn update_user(&self, who: &Principal, user: Id, flags: UserFlags) -> Result<User> {
        self.require_admin(who).await?;
        if user == who.user_id && flags.disabled == Some(true) {
            return Err(Error::FailedPrecondition(
                "you cannot disable your own account".to_owned(),
            ));
        }
        let before = self
            .ctx
            .store
            .user_by_id(user)
            .await?
            .ok_or(Error::NotFound("user"))?;
        let mut change = Change::begin(&self.ctx).await?;
        let record = match change.tx().set_user_flags(user, flags).await? {
            AdminOutcome::Done(r) => r,
            AdminOutcome::NotFound => return Err(Error::NotFound("user")),
            AdminOutcome::Refused(why) => return Err(refusal(why)),
        };
        if record.disabled {
            let sessions = change.tx().revoke_sessions_of(user, now_ms()).await?;
            change.end_sessions(sessions);
        }
        let changes = [
            AuditChange::diff("disabled", before.disabled, record.disabled),
            AuditChange::diff("is_admin", before.is_admin, record.is_admin),
            AuditChange::diff(
                "email_verified",
                before.email_verified,
                record.email_verified,
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        change.audit_instance(who.user_id, AdminAction::UserUpdate, Some(user), changes)?;
        change.commit().await?;
        tracing::info!(
            disabled = record.disabled,
            is_admin = record.is_admin,
            "account updated by an admin"
        );
        Ok(User::from(record))
    }

    /// Deletes an account with everything it authored (messages, reactions, attachments,
    /// memberships, relationships, sessions) and retires its bots, in one change; its streams
    /// end at once. Owners of servers and the last enabled admin are refused. Audited in the
    /// instance audit log.
    #[instrument(skip_all, fields(user_id = %who.user_id, target = %user))]
    pub async fn delete_user(&self, who: &Principal, user: Id) -> Result<()> {
        self.require_admin(who).await?;
        if user == who.user_id {
            return Err(Error::FailedPrecondition(
                "you cannot delete your own account here".to_owned(),
            ));
        }
        let servers = self.ctx.store.servers_of_user(user).await?;
        // Refused before the bots are touched (the store checks again in the change).
        if servers.iter().any(|s| s.owner_id == user.0) {
            return Err(refusal(AdminRefusal::OwnsServers));
        }
        // Their bots go in the same change, first (while `bots.owner_id` still finds them:
        // deleting the account cascades that row away).
        let bots = BotService::new(Arc::clone(&self.ctx))
            .owned_by(user)
            .await?;
        let mut change = Change::begin(&self.ctx).await?;
        retire_owned(&mut change, &bots).await?;
        let sessions = match change.tx().delete_user(user).await? {
            AdminOutcome::Done(s) => s,
            AdminOutcome::NotFound => return Err(Error::NotFound("user")),
            AdminOutcome::Refused(why) => return Err(refusal(why)),
        };
        change.end_sessions(sessions);
        // Their memberships went with the account: drop the servers' permission snapshots.
        for s in &servers {
            change.invalidate(Id(s.id));
        }
        change.audit_instance(who.user_id, AdminAction::UserDelete, Some(user), Vec::new())?;
        change.commit().await?;
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
