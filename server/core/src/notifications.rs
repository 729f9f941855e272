//! Notification e-mails: a DM, or a message mentioning the user by name, while the user has
//! no open event stream. Off unless the instance enables them
//! ([`InstanceSettings::email_notifications`]) and the user opts in (with a verified address).
//!
//! The send path pays nothing for users who are online: [`after_send`] keeps the recipients
//! without a stream on this node (an in-memory look-up) and, only if there are any, writes one
//! `mail_notifications` row per opted-in recipient who has none yet, in one statement that
//! skips the others. That row is the user's offline period: the worker ([`spawn_worker`])
//! mails it once it is due (the admin's delay after the message) if the user is still offline
//! and may still see the channel, stamping it mailed in the same transaction as the queued
//! mail; later messages of the period find the row and write nothing. Opening an event stream
//! ends the period ([`end_period`]). The rows are durable, so a restart loses nothing.
//!
//! Role and `@everyone`/`@here` mentions do not mail: the mention rules keep them as one row
//! each (not resolved to users), and mailing a whole server for one message is not what a
//! person opting in to "mentions" expects.

use std::{sync::Arc, time::Duration};

use crate::{
    change::Change,
    context::Context,
    error::{Error, Result},
    id::{Id, now_ms},
    mail::{self, templates},
    model::ChannelKind,
    settings::InstanceSettings,
    store::{NewEmailToken, PendingNotification, TokenPurpose},
};

/// How long an unsubscribe link works.
pub const UNSUBSCRIBE_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// A worker with nothing due looks again after this long (another node may add rows, an
/// admin may enable the mails).
const IDLE_POLL: Duration = Duration::from_secs(30);
/// Rows handled per look.
const BATCH: u32 = 100;

/// A message just published, as far as notifications care.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sent {
    /// The message.
    pub message: Id,
    /// Its channel.
    pub channel: Id,
    /// Its author (never notified).
    pub author: Id,
}

/// Whether notification mails go out at all.
pub(crate) fn enabled(s: &InstanceSettings) -> bool {
    s.email_notifications && s.smtp.enabled
}

/// The delay between a message and its mail.
fn delay(ctx: &Context, s: &InstanceSettings) -> Duration {
    ctx.mail_config
        .notify_delay
        .unwrap_or_else(|| Duration::from_secs(u64::from(s.email_notification_delay_minutes) * 60))
}

/// After a message was published: starts an offline period for the `recipients` (DM
/// participants, or users mentioned by name) who have no open stream and opted in. Never
/// fails the send: an error is logged.
pub(crate) async fn after_send(ctx: &Arc<Context>, sent: Sent, recipients: &[Id]) {
    let settings = ctx.settings();
    if !enabled(&settings) {
        return;
    }
    let mut offline: Vec<Id> = recipients
        .iter()
        .copied()
        .filter(|u| *u != sent.author && !ctx.hub.is_connected(*u))
        .collect();
    if offline.is_empty() {
        return;
    }
    offline.sort_unstable();
    offline.dedup();
    let now = now_ms();
    let due_at = now.saturating_add(delay(ctx, &settings).as_millis() as i64);
    let rows: Vec<PendingNotification> = offline
        .into_iter()
        .map(|user| PendingNotification {
            user_id: user.0,
            channel_id: sent.channel.0,
            author_id: sent.author.0,
            message_id: sent.message.0,
            due_at,
            created_at: now,
        })
        .collect();
    let result = async {
        let mut change = Change::begin(ctx).await?;
        let written = change.tx().add_notifications(&rows).await?;
        change.commit().await?;
        Ok::<_, Error>(written)
    }
    .await;
    match result {
        Ok(0) => {}
        Ok(written) => {
            tracing::debug!(written, "notification mails scheduled");
            ctx.notify.wake();
        }
        Err(e) => tracing::warn!(error = %e.report(), "notification mails not scheduled"),
    }
}

/// The user opened an event stream: their offline period, if any, is over. A read, and a
/// write only when there is a row.
pub(crate) async fn end_period(ctx: &Context, user: Id) {
    let result = async {
        if ctx.store.in_notification_period(user).await? {
            ctx.store.end_notification_period(user).await?;
        }
        Ok::<_, Error>(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(user_id = %user, error = %e.report(), "notification period not ended");
    }
}

/// Starts the worker on the runtime.
pub(crate) fn spawn_worker(ctx: Arc<Context>) {
    tokio::spawn(async move {
        run(&ctx).await;
        ctx.notify.mark_exited();
    });
}

async fn run(ctx: &Arc<Context>) {
    while !ctx.notify.stopped() {
        let settings = ctx.settings();
        let wait = if enabled(&settings) {
            match ctx.store.due_notifications(now_ms(), BATCH).await {
                Ok(due) => {
                    for n in due {
                        if ctx.notify.stopped() {
                            return;
                        }
                        if let Err(e) = mail_one(ctx, &settings, &n).await {
                            tracing::warn!(
                                user_id = n.user_id,
                                error = %e.report(),
                                "notification mail not queued"
                            );
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e.report(), "notifications cannot be read"),
            }
            match ctx.store.next_notification_due().await {
                Ok(Some(due)) => {
                    Duration::from_millis(u64::try_from(due - now_ms()).unwrap_or(0)).min(IDLE_POLL)
                }
                Ok(None) | Err(_) => IDLE_POLL,
            }
        } else {
            IDLE_POLL
        };
        if wait.is_zero() {
            // Rows still due (a failure above): do not spin on them.
            tokio::select! {
                () = ctx.notify.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
            continue;
        }
        tokio::select! {
            () = ctx.notify.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Mails one due notification, or drops it when the user came back, opted out, may no
/// longer see the channel, or blocked the author (or was blocked) since.
async fn mail_one(
    ctx: &Arc<Context>,
    settings: &InstanceSettings,
    n: &PendingNotification,
) -> Result<()> {
    let user_id = Id(n.user_id);
    if ctx.hub.is_connected(user_id) {
        // Back online (the stream's own clean-up may not have run yet).
        return ctx.store.end_notification_period(user_id).await;
    }
    let user = ctx.store.user_by_id(user_id).await?;
    let email = match &user {
        Some(u) if u.email_notifications && u.email_verified && !u.disabled => u.email.clone(),
        _ => None,
    };
    let (Some(user), Some(email)) = (user, email) else {
        return ctx.store.drop_notification(user_id, n.message_id).await;
    };
    let Ok(access) = ctx.perms.channel(user_id, Id(n.channel_id)).await else {
        return ctx.store.drop_notification(user_id, n.message_id).await;
    };
    if ctx
        .store
        .blocked_either_way(user_id, Id(n.author_id))
        .await?
    {
        return ctx.store.drop_notification(user_id, n.message_id).await;
    }
    let author = ctx
        .store
        .user_by_id(Id(n.author_id))
        .await?
        .map(|a| {
            if a.display_name.is_empty() {
                a.username
            } else {
                a.display_name
            }
        })
        .unwrap_or_else(|| "Someone".to_owned());
    let place = match access.channel.kind {
        ChannelKind::Dm => templates::Place::Dm,
        ChannelKind::GroupDm => templates::Place::GroupDm(access.channel.name.clone()),
        _ => {
            let server = match access.server_id() {
                Some(s) => ctx.store.server(s).await?.map(|s| s.name),
                None => None,
            };
            templates::Place::Channel {
                channel: access.channel.name.clone(),
                server: server.unwrap_or_default(),
            }
        }
    };
    let base = ctx.mail_config.public_url.trim_end_matches('/');
    let conversation = format!(
        "{base}/channels/{}/{}",
        access
            .server_id()
            .map_or_else(|| "@me".to_owned(), |s| s.to_string()),
        n.channel_id
    );
    let (token, hash) = crate::auth::tokens::new_refresh_token();
    let unsubscribe = mail::link(ctx, "unsubscribe", &token);
    let rendered = templates::notification(&templates::Notification {
        instance: &settings.instance_name,
        username: &user.username,
        author: &author,
        place: &place,
        link: &conversation,
        unsubscribe: &unsubscribe,
    });
    let now = now_ms();
    let mut change = Change::begin(ctx).await?;
    if !change
        .tx()
        .mark_notification_mailed(user_id, n.message_id, now)
        .await?
    {
        // Another worker mailed it, or the period ended meanwhile: roll back.
        return Ok(());
    }
    change
        .tx()
        .add_email_token(&NewEmailToken {
            hash,
            user_id,
            purpose: TokenPurpose::Unsubscribe,
            email: email.clone(),
            created_at: now,
            expires_at: now + UNSUBSCRIBE_TTL.as_millis() as i64,
        })
        .await?;
    mail::enqueue(ctx, &mut change, &email, rendered).await?;
    change.commit().await?;
    tracing::info!(user_id = %user_id, "notification mail queued");
    Ok(())
}
