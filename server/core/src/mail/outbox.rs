//! The outbox worker: sends queued mail with retries and exponential backoff.
//!
//! Rows are claimed with a lease (their `next_attempt_at` moves past the lease), so several
//! nodes can run a worker on one database and a worker that dies mid-send only delays its
//! mail until the lease ends. The worker sleeps until the next mail is due, or until
//! [`super::config::MailSignals::wake`] says a new mail was queued or the settings changed.
//!
//! A stopping worker (a graceful shutdown or restart) never leaves a lease behind: it lets a
//! send in flight finish for [`STOP_GRACE`] and records its outcome, or gives the mail back
//! (due at once, no attempt counted); [`crate::Services::stop_workers`] waits for that, so
//! the next start finds the mail claimable instead of leased for minutes.

use std::{sync::Arc, time::Duration};

use super::{Rendered, smtp};
use crate::{context::Context, id::now_ms, store::OutboxMail};

/// How long a claimed mail is leased to its worker (longer than one SMTP conversation).
const LEASE_MS: i64 = 120_000;
/// A worker with nothing due looks again after this long (another node may queue mail).
const IDLE_POLL: Duration = Duration::from_secs(30);
/// After this many failed attempts a mail is given up (kept in the table with its error).
pub const MAX_ATTEMPTS: i32 = 25;
/// How long a stopping worker lets a send in flight finish before giving the mail back.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// Starts the worker on the runtime.
pub(crate) fn spawn_worker(ctx: Arc<Context>) {
    tokio::spawn(async move { run(ctx).await });
}

async fn run(ctx: Arc<Context>) {
    work(&ctx).await;
    ctx.mail.mark_exited();
}

async fn work(ctx: &Arc<Context>) {
    while !ctx.mail.stopped() {
        loop {
            if ctx.mail.stopped() {
                return;
            }
            let now = now_ms();
            match ctx.store.claim_due_mail(now, now + LEASE_MS).await {
                Ok(Some(mail)) => deliver(ctx, mail).await,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e.report(), "mail outbox cannot be read");
                    break;
                }
            }
        }
        let wait = match ctx.store.next_mail_due().await {
            Ok(Some(due)) => {
                Duration::from_millis(u64::try_from(due - now_ms()).unwrap_or(0)).min(IDLE_POLL)
            }
            Ok(None) => IDLE_POLL,
            Err(_) => IDLE_POLL,
        };
        tokio::select! {
            () = ctx.mail.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

async fn deliver(ctx: &Context, mail: OutboxMail) {
    let settings = ctx.settings();
    let rendered = Rendered {
        subject: mail.subject.clone(),
        text: mail.body_text.clone(),
        html: mail.body_html.clone(),
    };
    let stopping = async {
        ctx.mail.until_stopped().await;
        tokio::time::sleep(STOP_GRACE).await;
    };
    let outcome = tokio::select! {
        outcome = smtp::send(&settings.smtp, &mail.recipient, &rendered) => outcome,
        () = stopping => {
            // Shutting down mid-send: give the mail back rather than leave it leased.
            tracing::info!(mail_id = mail.id, "mail worker stopping: mail handed back");
            if let Err(e) = ctx.store.release_mail(mail.id, now_ms()).await {
                tracing::warn!(mail_id = mail.id, error = %e.report(), "mail lease not released");
            }
            return;
        }
    };
    let now = now_ms();
    let result = match outcome {
        Ok(reply) => {
            tracing::info!(mail_id = mail.id, %reply, "mail sent");
            ctx.store.mark_mail_sent(mail.id, now).await
        }
        Err(e) => {
            let attempts = mail.attempts + 1;
            let next = if attempts >= MAX_ATTEMPTS {
                tracing::error!(mail_id = mail.id, attempts, error = %e, "mail given up");
                i64::MAX
            } else {
                let delay = ctx.mail_config.backoff(attempts);
                tracing::warn!(
                    mail_id = mail.id,
                    attempts,
                    retry_in_ms = delay.as_millis() as u64,
                    error = %e,
                    "mail not sent; will retry"
                );
                now + delay.as_millis() as i64
            };
            ctx.store
                .mark_mail_failed(mail.id, next, &e.to_string())
                .await
        }
    };
    if let Err(e) = result {
        tracing::warn!(mail_id = mail.id, error = %e.report(), "mail outbox cannot be updated");
    }
}
