//! Users and profiles.

use std::sync::Arc;

use tracing::instrument;

use crate::{
    context::Context,
    error::{Error, Result},
    id::Id,
    principal::Principal,
    store::UserRecord,
};

/// A user. Private fields (`email`, `email_verified`, `disabled`) are only filled when the
/// user looks at themself or an admin looks; [`User::public`] clears them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Snowflake id.
    pub id: Id,
    /// Unique (case-insensitively) username.
    pub username: String,
    /// Display name; empty means "show the username".
    pub display_name: String,
    /// Avatar URL.
    pub avatar_url: String,
    /// Instance administrator.
    pub is_admin: bool,
    /// Bot account.
    pub is_bot: bool,
    /// Profile text.
    pub bio: String,
    /// Custom status.
    pub status_text: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// E-mail address (private).
    pub email: Option<String>,
    /// Whether the e-mail was verified (private).
    pub email_verified: bool,
    /// Whether the account is disabled (private).
    pub disabled: bool,
}

impl User {
    /// The profile as other users see it.
    pub fn public(mut self) -> Self {
        self.email = None;
        self.email_verified = false;
        self.disabled = false;
        self
    }
}

impl From<UserRecord> for User {
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
        }
    }
}

/// The user service.
#[derive(Debug, Clone)]
pub struct UserService {
    ctx: Arc<Context>,
}

impl UserService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// The caller's own account.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn current(&self, who: &Principal) -> Result<User> {
        self.ctx
            .store
            .user_by_id(who.user_id)
            .await?
            .map(User::from)
            .ok_or_else(|| Error::Unauthenticated("account no longer exists".to_owned()))
    }

    /// Another user's public profile.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn get(&self, who: &Principal, id: Id) -> Result<User> {
        let _ = who;
        self.ctx
            .store
            .user_by_id(id)
            .await?
            .map(|u| User::from(u).public())
            .ok_or(Error::NotFound("user"))
    }
}
