//! The e-mail verification gate: while the instance requires verified addresses, an account
//! whose address is not verified may sign in and read, but not send messages, create servers
//! or join them. Instance admins are never gated (they run the instance, SMTP included).

use crate::{
    context::Context,
    error::{Error, Result},
    id::Id,
};

/// Refuses an unverified account when the instance requires verification.
pub(crate) async fn require_verified_email(ctx: &Context, user: Id) -> Result<()> {
    if !ctx.settings().require_email_verification {
        return Ok(());
    }
    match ctx.store.user_by_id(user).await? {
        Some(u) if u.email_verified || u.is_admin || u.is_bot => Ok(()),
        Some(_) => Err(Error::FailedPrecondition(
            "verify your e-mail address first (see the mail we sent, or ask for a new one)"
                .to_owned(),
        )),
        None => Err(Error::Unauthenticated(
            "account no longer exists".to_owned(),
        )),
    }
}
