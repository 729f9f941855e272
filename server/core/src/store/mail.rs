//! E-mail persistence: the durable outbox and the single-use tokens sent by mail.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

/// One outgoing e-mail (a row of the outbox).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMail {
    /// Snowflake id.
    pub id: i64,
    /// Recipient address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: String,
    /// Delivery attempts made so far.
    pub attempts: i32,
    /// Unix ms at which the next attempt is due (a claimed row is leased until then).
    pub next_attempt_at: i64,
    /// Unix ms.
    pub created_at: i64,
}

/// What a mailed token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Proves an e-mail address.
    Verify,
    /// Sets a new password.
    Reset,
    /// Turns notification e-mails off (the link in a notification mail).
    Unsubscribe,
}

impl TokenPurpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Reset => "reset",
            Self::Unsubscribe => "unsubscribe",
        }
    }
}

/// A token to store (only its hash).
#[derive(Debug, Clone)]
pub struct NewEmailToken {
    /// SHA-256 of the token.
    pub hash: Vec<u8>,
    /// Whose token.
    pub user_id: Id,
    /// What it is for.
    pub purpose: TokenPurpose,
    /// The address it is mailed to.
    pub email: String,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms after which it is refused.
    pub expires_at: i64,
}

/// A notification to mail: a DM or mention for a recipient who had no open event stream.
/// One per user and offline period (see `mail_notifications` in the migrations).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingNotification {
    /// The recipient.
    pub user_id: i64,
    /// Where the message was written.
    pub channel_id: i64,
    /// Who wrote it.
    pub author_id: i64,
    /// The message (the first of the offline period).
    pub message_id: i64,
    /// Unix ms at which to mail if the recipient is still offline.
    pub due_at: i64,
    /// Unix ms.
    pub created_at: i64,
}

/// The outbox worker's side and the token reads. The worker's bookkeeping (claiming a due
/// mail, marking it sent or failed) is not a change to the world, so it runs on the pool.
#[async_trait]
pub trait MailStore: Send + Sync {
    /// Claims the oldest due unsent mail by moving its `next_attempt_at` to `lease_until`
    /// (another worker does not take it meanwhile; a crashed worker's lease just runs out).
    async fn claim_due_mail(&self, now: i64, lease_until: i64) -> Result<Option<OutboxMail>>;
    /// Marks a mail sent and forgets its bodies (they may hold a token).
    async fn mark_mail_sent(&self, id: i64, now: i64) -> Result<()>;
    /// Gives a claimed mail back without counting an attempt (due at `now`).
    async fn release_mail(&self, id: i64, now: i64) -> Result<()>;
    /// Records a failed attempt and when to try again.
    async fn mark_mail_failed(&self, id: i64, next_attempt_at: i64, error: &str) -> Result<()>;
    /// When the next unsent mail is due, if any.
    async fn next_mail_due(&self) -> Result<Option<i64>>;
    /// When the user's newest token of this purpose was made.
    async fn last_email_token_at(&self, user: Id, purpose: TokenPurpose) -> Result<Option<i64>>;
    /// A user by lower-cased e-mail address.
    async fn user_by_email(&self, email_lower: &str) -> Result<Option<super::UserRecord>>;
    /// Notifications not mailed yet that are due at `now`, oldest first.
    async fn due_notifications(&self, now: i64, limit: u32) -> Result<Vec<PendingNotification>>;
    /// When the next notification not mailed yet is due, if any.
    async fn next_notification_due(&self) -> Result<Option<i64>>;
    /// Whether the user has a notification row (pending or mailed) in this offline period.
    async fn in_notification_period(&self, user: Id) -> Result<bool>;
    /// Ends the user's offline period (they opened an event stream): forgets their row, so
    /// the next offline period may mail again. Bookkeeping, like the outbox worker's.
    async fn end_notification_period(&self, user: Id) -> Result<()>;
    /// Forgets a notification not mailed yet (the recipient may no longer get it).
    async fn drop_notification(&self, user: Id, message_id: i64) -> Result<()>;
}

/// Mail writes, made inside one [`super::WriteTx`]: queued mail commits (or rolls back)
/// with the change that sends it.
#[async_trait]
pub trait MailWrites: Send {
    /// Queues a mail.
    async fn enqueue_mail(&mut self, mail: &OutboxMail) -> Result<()>;
    /// Stores a token, first invalidating the user's earlier live tokens of the same purpose.
    async fn replace_email_token(&mut self, token: &NewEmailToken) -> Result<()>;
    /// Uses a verification token: if it is live and the user's address is still the one it
    /// was sent to, marks it used and the address verified; returns the user. (A token whose
    /// address changed since is spent and verifies nothing.)
    async fn use_verify_token(&mut self, hash: &[u8], now: i64) -> Result<Option<Id>>;
    /// Uses a reset token: if it is live, marks it used and sets the password hash; returns
    /// the user.
    async fn use_reset_token(
        &mut self,
        hash: &[u8],
        now: i64,
        password_hash: &str,
    ) -> Result<Option<Id>>;
    /// Stores a token without touching the user's other tokens (each notification mail's
    /// unsubscribe link works on its own).
    async fn add_email_token(&mut self, token: &NewEmailToken) -> Result<()>;
    /// Uses an unsubscribe token: if it is live, marks it used, turns the user's notification
    /// e-mails off and forgets their pending notification; returns the user.
    async fn use_unsubscribe_token(&mut self, hash: &[u8], now: i64) -> Result<Option<Id>>;
    /// Sets the user's notification e-mail opt-in (off also forgets a pending notification).
    async fn set_email_notifications(&mut self, user: Id, on: bool) -> Result<()>;
    /// Starts an offline period for each recipient that opted in to notification e-mails
    /// (with a verified address, enabled account) and has none yet; the others are skipped
    /// in the same statement. Returns how many rows were written.
    async fn add_notifications(&mut self, rows: &[PendingNotification]) -> Result<u64>;
    /// Marks the user's pending notification for `message_id` mailed; false when it is gone
    /// or already mailed (another worker, or the period ended).
    async fn mark_notification_mailed(
        &mut self,
        user: Id,
        message_id: i64,
        now: i64,
    ) -> Result<bool>;
    /// Replaces a user's address, marking it unverified and invalidating their tokens.
    /// A taken address is [`crate::Error::Conflict`].
    async fn set_email(&mut self, user: Id, email: &str) -> Result<Option<super::UserRecord>>;
}
