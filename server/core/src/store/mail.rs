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
}

impl TokenPurpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Reset => "reset",
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

/// The outbox worker's side and the token reads. The worker's bookkeeping (claiming a due
/// mail, marking it sent or failed) is not a change to the world, so it runs on the pool.
#[async_trait]
pub trait MailStore: Send + Sync {
    /// Claims the oldest due unsent mail by moving its `next_attempt_at` to `lease_until`
    /// (another worker does not take it meanwhile; a crashed worker's lease just runs out).
    async fn claim_due_mail(&self, now: i64, lease_until: i64) -> Result<Option<OutboxMail>>;
    /// Marks a mail sent and forgets its bodies (they may hold a token).
    async fn mark_mail_sent(&self, id: i64, now: i64) -> Result<()>;
    /// Records a failed attempt and when to try again.
    async fn mark_mail_failed(&self, id: i64, next_attempt_at: i64, error: &str) -> Result<()>;
    /// When the next unsent mail is due, if any.
    async fn next_mail_due(&self) -> Result<Option<i64>>;
    /// When the user's newest token of this purpose was made.
    async fn last_email_token_at(&self, user: Id, purpose: TokenPurpose) -> Result<Option<i64>>;
    /// A user by lower-cased e-mail address.
    async fn user_by_email(&self, email_lower: &str) -> Result<Option<super::UserRecord>>;
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
    /// Replaces a user's address, marking it unverified and invalidating their tokens.
    /// A taken address is [`crate::Error::Conflict`].
    async fn set_email(&mut self, user: Id, email: &str) -> Result<Option<super::UserRecord>>;
}
