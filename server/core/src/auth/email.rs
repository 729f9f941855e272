//! The account flows that go through e-mail: address verification, password reset, and
//! changing the address. Tokens are random, stored as SHA-256 hashes, single-use and
//! expiring; mail goes through the outbox ([`crate::mail`]), never inline.

use std::{sync::Arc, time::Duration};

use tracing::instrument;

use super::{AuthService, tokens};
use crate::{
    change::Change,
    context::Context,
    error::{Error, Result},
    id::{Id, now_ms},
    mail::{self, templates},
    model::User,
    principal::{ClientMeta, Principal},
    store::{NewEmailToken, TokenPurpose, UserRecord},
    validate,
};

/// How long a verification link works.
pub const VERIFY_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a reset link works.
pub const RESET_TTL: Duration = Duration::from_secs(3600);
/// At most one verification mail per user this often.
pub const RESEND_INTERVAL: Duration = Duration::from_secs(60);

impl AuthService {
    /// Marks the address verified with the token from the verification mail.
    #[instrument(skip_all)]
    pub async fn verify_email(&self, token: &str) -> Result<()> {
        let hash = tokens::hash_refresh_token(token.trim());
        let mut change = Change::begin(&self.ctx).await?;
        let verified = change.tx().use_verify_token(&hash, now_ms()).await?;
        // Committed either way: a token whose address changed since is spent.
        change.commit().await?;
        match verified {
            Some(user) => {
                tracing::info!(user_id = %user, "e-mail address verified");
                Ok(())
            }
            None => Err(Error::NotFound("verification token")),
        }
    }

    /// Turns the account's notification e-mails off with the token from a notification
    /// mail's unsubscribe link (no sign-in: the token is the proof). A token works once.
    #[instrument(skip_all)]
    pub async fn unsubscribe_email_notifications(&self, token: &str) -> Result<()> {
        let token = token.trim();
        if token.is_empty() {
            return Err(Error::invalid("token", "must not be empty"));
        }
        let hash = tokens::hash_refresh_token(token);
        let mut change = Change::begin(&self.ctx).await?;
        let user = change
            .tx()
            .use_unsubscribe_token(&hash, now_ms())
            .await?
            .ok_or(Error::NotFound("unsubscribe token"))?;
        change.commit().await?;
        tracing::info!(user_id = %user, "notification e-mails turned off by unsubscribe link");
        Ok(())
    }

    /// Mails a reset link if an account has this address. The answer and its timing do not
    /// depend on whether it does: after the checks that do not look at accounts, the lookup
    /// and the mail run in the background.
    #[instrument(skip_all)]
    pub async fn request_password_reset(&self, meta: ClientMeta, email: &str) -> Result<()> {
        let email = validate::email(email)?.to_lowercase();
        if !self.ctx.settings().smtp.enabled {
            return Err(Error::FailedPrecondition(
                "this instance does not send e-mail; ask an administrator".to_owned(),
            ));
        }
        self.ctx
            .rate_limiter
            .check(meta.ip, &format!("password-reset:{email}"))
            .await?;
        let ctx = Arc::clone(&self.ctx);
        tokio::spawn(async move {
            if let Err(e) = mail_reset_link(&ctx, &email).await {
                tracing::warn!(error = %e.report(), "password reset mail not queued");
            }
        });
        Ok(())
    }

    /// Sets a new password with a reset token (once) and signs the account out everywhere.
    #[instrument(skip_all)]
    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<()> {
        validate::password("new_password", new_password)?;
        let hash = tokens::hash_refresh_token(token.trim());
        let password_hash = self.ctx.passwords.hash(new_password.to_owned()).await?;
        let mut change = Change::begin(&self.ctx).await?;
        let user = change
            .tx()
            .use_reset_token(&hash, now_ms(), &password_hash)
            .await?
            .ok_or(Error::NotFound("reset token"))?;
        let sessions = change.tx().revoke_sessions_of(user, now_ms()).await?;
        change.end_sessions(sessions);
        change.commit().await?;
        tracing::info!(user_id = %user, "password reset by e-mail: every session revoked");
        Ok(())
    }

    /// Sends the caller a new verification mail (at most one a minute).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn resend_verification(&self, who: &Principal) -> Result<()> {
        let user = self
            .ctx
            .store
            .user_by_id(who.user_id)
            .await?
            .ok_or(Error::NotFound("user"))?;
        if user.email.is_none() {
            return Err(Error::FailedPrecondition(
                "the account has no e-mail address".to_owned(),
            ));
        }
        if user.email_verified {
            return Err(Error::FailedPrecondition(
                "the e-mail address is already verified".to_owned(),
            ));
        }
        if !self.ctx.settings().smtp.enabled {
            return Err(Error::FailedPrecondition(
                "this instance does not send e-mail; ask an administrator".to_owned(),
            ));
        }
        if let Some(last) = self
            .ctx
            .store
            .last_email_token_at(who.user_id, TokenPurpose::Verify)
            .await?
        {
            let next = last + RESEND_INTERVAL.as_millis() as i64;
            let now = now_ms();
            if next > now {
                return Err(Error::RateLimited {
                    retry_after: Duration::from_millis(u64::try_from(next - now).unwrap_or(0)),
                });
            }
        }
        let mut change = Change::begin(&self.ctx).await?;
        mail_verification_link(&self.ctx, &mut change, &user).await?;
        change.commit().await
    }

    /// Replaces the caller's address after checking their password; the new address must be
    /// verified again (a link is mailed when the instance sends mail).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn change_email(
        &self,
        who: &Principal,
        current_password: &str,
        email: &str,
    ) -> Result<User> {
        let email = validate::email(email)?;
        let user = self
            .ctx
            .store
            .user_by_id(who.user_id)
            .await?
            .ok_or(Error::NotFound("user"))?;
        if !self
            .ctx
            .passwords
            .verify(current_password.to_owned(), Some(user.password_hash))
            .await?
        {
            return Err(Error::PermissionDenied(
                "current password is incorrect".to_owned(),
            ));
        }
        let mut change = Change::begin(&self.ctx).await?;
        let user = change
            .tx()
            .set_email(who.user_id, &email)
            .await?
            .ok_or(Error::NotFound("user"))?;
        if self.ctx.settings().smtp.enabled {
            mail_verification_link(&self.ctx, &mut change, &user).await?;
        }
        change.commit().await?;
        Ok(User::from(user))
    }

    /// After registration: mails a verification link when the account has an address and the
    /// instance sends mail. Queuing never fails the registration.
    pub(super) async fn after_registration(&self, user: &UserRecord) {
        if user.email.is_some()
            && self.ctx.settings().smtp.enabled
            && let Err(e) = queue_verification_link(&self.ctx, user).await
        {
            tracing::warn!(error = %e.report(), "verification mail not queued");
        }
    }
}

/// [`mail_verification_link`] in a change of its own.
async fn queue_verification_link(ctx: &Arc<Context>, user: &UserRecord) -> Result<()> {
    let mut change = Change::begin(ctx).await?;
    mail_verification_link(ctx, &mut change, user).await?;
    change.commit().await
}

/// A fresh verification token for the user's current address, mailed through the outbox:
/// both written in `change`.
async fn mail_verification_link(
    ctx: &Context,
    change: &mut Change,
    user: &UserRecord,
) -> Result<()> {
    let Some(email) = user.email.clone() else {
        return Ok(());
    };
    let (token, hash) = tokens::new_refresh_token();
    let now = now_ms();
    change
        .tx()
        .replace_email_token(&NewEmailToken {
            hash,
            user_id: Id(user.id),
            purpose: TokenPurpose::Verify,
            email: email.clone(),
            created_at: now,
            expires_at: now + VERIFY_TTL.as_millis() as i64,
        })
        .await?;
    let link = mail::link(ctx, "verify-email", &token);
    let rendered = templates::verify(&ctx.settings().instance_name, &user.username, &link);
    mail::enqueue(ctx, change, &email, rendered).await
}

/// The background half of a reset request.
async fn mail_reset_link(ctx: &Arc<Context>, email_lower: &str) -> Result<()> {
    let Some(user) = ctx.store.user_by_email(email_lower).await? else {
        return Ok(());
    };
    let Some(email) = user.email.clone() else {
        return Ok(());
    };
    if user.disabled || user.is_bot {
        return Ok(());
    }
    let (token, hash) = tokens::new_refresh_token();
    let now = now_ms();
    let mut change = Change::begin(ctx).await?;
    change
        .tx()
        .replace_email_token(&NewEmailToken {
            hash,
            user_id: Id(user.id),
            purpose: TokenPurpose::Reset,
            email: email.clone(),
            created_at: now,
            expires_at: now + RESET_TTL.as_millis() as i64,
        })
        .await?;
    let link = mail::link(ctx, "reset-password", &token);
    let rendered = templates::reset(&ctx.settings().instance_name, &user.username, &link);
    mail::enqueue(ctx, &mut change, &email, rendered).await?;
    change.commit().await
}
