//! Outgoing e-mail: templates, the durable outbox and its worker, and the SMTP transport.
//!
//! Services never talk to SMTP on a user's request: they queue a mail ([`enqueue`]) in the
//! outbox table, inside the unit of work that sends it (the mail exists if and only if the
//! change committed), which wakes the worker ([`outbox`]) after commit. It sends with retries and exponential
//! backoff. An SMTP server that is down delays mail; it never fails or slows the request, and
//! queued mail survives restarts. Only the admin's "send test e-mail" talks to SMTP directly.

pub mod config;
pub mod outbox;
pub mod smtp;
pub mod templates;

use crate::{change::Change, context::Context, error::Result, id::now_ms, store::OutboxMail};

pub use templates::Rendered;

/// Queues a mail for `to` in `change`; the worker wakes once it commits.
pub(crate) async fn enqueue(
    ctx: &Context,
    change: &mut Change,
    to: &str,
    mail: Rendered,
) -> Result<()> {
    let now = now_ms();
    change
        .tx()
        .enqueue_mail(&OutboxMail {
            id: ctx.ids.next().0,
            recipient: to.to_owned(),
            subject: mail.subject,
            body_text: mail.text,
            body_html: mail.html,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        })
        .await?;
    change.wake_mail();
    Ok(())
}

/// A link into the web app: the public URL, a path and a token.
pub(crate) fn link(ctx: &Context, path: &str, token: &str) -> String {
    format!(
        "{}/{path}?token={token}",
        ctx.mail_config.public_url.trim_end_matches('/')
    )
}
