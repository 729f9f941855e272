//! Account persistence: users, sessions, instance settings and instance invites.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

/// A user row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    /// Snowflake id.
    pub id: i64,
    /// Name as the user typed it.
    pub username: String,
    /// Optional display name shown instead of the username.
    pub display_name: String,
    /// Optional e-mail address (for verification and password reset).
    pub email: Option<String>,
    /// Whether `email` was verified.
    pub email_verified: bool,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Avatar URL.
    pub avatar_url: String,
    /// Free-form profile text.
    pub bio: String,
    /// Custom status text.
    pub status_text: String,
    /// Instance administrator.
    pub is_admin: bool,
    /// Bot account.
    pub is_bot: bool,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Opted in to notification e-mails. Read by [`super::AccountStore::user_by_id`] only;
    /// `false` where a query does not select it.
    #[sqlx(default)]
    pub email_notifications: bool,
}

/// Input of [`Store::register_user`].
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Pre-generated snowflake id.
    pub id: Id,
    /// Validated username.
    pub username: String,
    /// Validated, optional e-mail address.
    pub email: Option<String>,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// How a registration is admitted, as decided by the instance's registration mode.
/// The very first user of an instance is always admitted (and made admin), whatever the gate.
#[derive(Debug, Clone)]
pub enum Gate {
    /// Anyone may register.
    Open,
    /// An instance invite code is required (and consumed).
    Invite(Option<String>),
    /// Nobody may register.
    Closed,
}

/// Why a registration was refused by its [`Gate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Registration mode is closed.
    Closed,
    /// Invite-only, and no code was given.
    InviteRequired,
    /// No invite has this code.
    InviteUnknown,
    /// The invite was revoked.
    InviteRevoked,
    /// The invite expired.
    InviteExpired,
    /// The invite reached its maximum number of uses.
    InviteExhausted,
}

/// Result of [`Store::register_user`].
#[derive(Debug, Clone)]
pub enum Registered {
    /// The user exists now; `first_user` is true for the instance's first account (admin).
    Created {
        /// The new row.
        user: UserRecord,
        /// Whether this is the instance's first user.
        first_user: bool,
    },
    /// The gate refused; nothing was written.
    Refused(Refusal),
}

/// Input of [`Store::create_session`].
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Snowflake id (also the `sid` claim of access tokens).
    pub id: Id,
    /// Owner.
    pub user_id: Id,
    /// SHA-256 of the refresh token.
    pub refresh_hash: Vec<u8>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds after which the refresh token is refused.
    pub expires_at: i64,
}

/// Result of [`Store::rotate_session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current: it is replaced by the new one.
    Rotated {
        /// The session.
        session_id: Id,
        /// Its owner.
        user_id: Id,
    },
    /// The token had already been rotated: someone replayed it, so the session is revoked.
    Reused {
        /// The session now revoked.
        session_id: Id,
    },
    /// Unknown, expired or revoked token.
    Invalid,
}

/// An instance invite code row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstanceInviteRecord {
    /// Snowflake id (orders listings).
    pub id: i64,
    /// The secret code users type.
    pub code: String,
    /// Admin who created it (None if that account was deleted).
    pub created_by: Option<i64>,
    /// Maximum number of registrations; None = unlimited.
    pub max_uses: Option<i64>,
    /// Registrations so far.
    pub uses: i64,
    /// Unix milliseconds; None = never expires.
    pub expires_at: Option<i64>,
    /// Unix milliseconds of revocation.
    pub revoked_at: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Users, sessions, instance settings and instance invites.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Atomically: claim "first user" if nobody has, else pass `gate` (consuming an invite
    /// use and recording it), then insert the user. A duplicate username or e-mail is
    /// [`Error::Conflict`].
    async fn register_user(&self, user: NewUser, gate: Gate, now: i64) -> Result<Registered>;
    /// A user by id.
    async fn user_by_id(&self, id: Id) -> Result<Option<UserRecord>>;
    /// A user by lower-cased username.
    async fn user_by_username(&self, username_lower: &str) -> Result<Option<UserRecord>>;
    /// Replaces a password hash.
    async fn set_password_hash(&self, id: Id, password_hash: &str) -> Result<()>;

    /// Stores a new session.
    async fn create_session(&self, session: NewSession) -> Result<()>;
    /// Swaps a current refresh token hash for a new one (compare-and-swap), detecting reuse.
    async fn rotate_session(
        &self,
        old_hash: &[u8],
        new_hash: &[u8],
        now: i64,
        expires_at: i64,
    ) -> Result<Rotation>;
    /// Revokes the session holding this refresh token; returns (session, user) if one was live.
    async fn revoke_session_by_token(&self, hash: &[u8], now: i64) -> Result<Option<(Id, Id)>>;
    /// Revokes one session (idempotent).
    async fn revoke_session(&self, id: Id, now: i64) -> Result<()>;
    /// Revokes every live session of a user except `keep`; returns the revoked ids.
    async fn revoke_user_sessions(&self, user: Id, keep: Option<Id>, now: i64) -> Result<Vec<Id>>;
    /// Ids of sessions revoked at or after `since` (to rebuild the revocation list on start).
    async fn sessions_revoked_since(&self, since: i64) -> Result<Vec<Id>>;

    /// The instance settings JSON document, if ever saved.
    async fn settings_json(&self) -> Result<Option<String>>;
    /// Invites ordered by id, newest first, strictly older than `before` if given.
    async fn list_instance_invites(
        &self,
        before: Option<Id>,
        limit: u32,
    ) -> Result<Vec<InstanceInviteRecord>>;
}

/// Instance settings and instance invites, written inside one [`super::WriteTx`].
#[async_trait]
pub trait InstanceWrites: Send {
    /// Saves the instance settings JSON document.
    async fn save_settings_json(&mut self, json: &str) -> Result<()>;
    /// Stores a new instance invite; a duplicate code is [`Error::Conflict`].
    async fn create_instance_invite(&mut self, invite: &InstanceInviteRecord) -> Result<()>;
    /// Marks an invite revoked (idempotent); returns it, or None if no such code.
    async fn revoke_instance_invite(
        &mut self,
        code: &str,
        now: i64,
    ) -> Result<Option<InstanceInviteRecord>>;
}

/// Users leave the store without their password hash.
impl From<UserRecord> for crate::model::User {
    fn from(r: UserRecord) -> Self {
        Self {
            id: Id(r.id),
            username: r.username,
            display_name: r.display_name,
            avatar_url: r.avatar_url,
            is_admin: r.is_admin,
            is_bot: r.is_bot,
            bio: r.bio,
            status_text: r.status_text,
            created_at_ms: r.created_at,
            email: r.email,
            email_verified: r.email_verified,
            disabled: r.disabled,
            email_notifications: r.email_notifications,
        }
    }
}
