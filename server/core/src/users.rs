//! Users and profiles.

use std::sync::Arc;

use tracing::instrument;

pub use crate::model::User;

use crate::{
    change::Change,
    context::Context,
    error::{Error, Result},
    events::{Audience, Event},
    id::Id,
    principal::Principal,
    relationships::friend_ids,
    store::ProfileFields,
    validate,
};

/// Most users one search page returns.
pub const MAX_SEARCH_PAGE: u32 = 25;

/// Changes to the caller's profile; `None` leaves a field, an empty string clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    /// Display name (up to 32 characters).
    pub display_name: Option<String>,
    /// Avatar URL: http(s), or instance-relative (`/api/v1/attachments/…`).
    pub avatar_url: Option<String>,
    /// About me (up to 190 characters).
    pub bio: Option<String>,
    /// Custom status line (up to 128 characters).
    pub status_text: Option<String>,
    /// Opt in to (or out of) notification e-mails. Private: not part of `UserUpdated`.
    pub email_notifications: Option<bool>,
}

/// One page of search results.
#[derive(Debug, Clone)]
pub struct UserPage {
    /// Matching users (public views), by username.
    pub users: Vec<User>,
    /// Token for the next page; None when there are no more.
    pub next_page_token: Option<String>,
}

/// An avatar URL: empty, http(s), or a path on this instance (not `//host/…`).
fn avatar_url(raw: &str) -> Result<String> {
    let s = raw.trim();
    if s.starts_with('/') && !s.starts_with("//") {
        if s.len() > 2048 || s.contains(char::is_whitespace) || s.contains('\\') {
            return Err(Error::invalid(
                "avatar_url",
                "must be an http(s) URL or a path of at most 2048 characters",
            ));
        }
        return Ok(s.to_owned());
    }
    validate::url("avatar_url", s)
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

    /// Users whose username or display name starts with `query` (case-insensitive), by
    /// username, at most [`MAX_SEARCH_PAGE`] a page. Users who blocked the caller are never
    /// returned.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn search(
        &self,
        who: &Principal,
        query: &str,
        page_size: u32,
        page_token: &str,
    ) -> Result<UserPage> {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return Err(Error::invalid("query", "must not be empty"));
        }
        if query.chars().count() > 32 {
            return Err(Error::invalid("query", "must be at most 32 characters"));
        }
        let after = match page_token.trim() {
            "" => None,
            t if t.chars().count() <= 32 => Some(t.to_lowercase()),
            _ => {
                return Err(Error::invalid(
                    "page_token",
                    "is not a token of this search",
                ));
            }
        };
        let size = validate::page_size(page_size, MAX_SEARCH_PAGE, MAX_SEARCH_PAGE);
        let mut rows = self
            .ctx
            .store
            .search_users(who.user_id, &query, after.as_deref(), size + 1)
            .await?;
        let next_page_token = if rows.len() > size as usize {
            rows.truncate(size as usize);
            rows.last().map(|u| u.username.to_lowercase())
        } else {
            None
        };
        Ok(UserPage {
            users: rows.into_iter().map(|u| User::from(u).public()).collect(),
            next_page_token,
        })
    }

    /// Edits the caller's profile and tells the caller, their friends and the members of
    /// their servers (`UserUpdated`, public view).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn update_profile(&self, who: &Principal, patch: ProfilePatch) -> Result<User> {
        let current = self.current(who).await?;
        let mut fields = ProfileFields {
            display_name: current.display_name,
            avatar_url: current.avatar_url,
            bio: current.bio,
            status_text: current.status_text,
        };
        if let Some(n) = patch.display_name {
            fields.display_name = validate::name("display_name", &n, 0, 32)?;
        }
        if let Some(a) = patch.avatar_url {
            fields.avatar_url = avatar_url(&a)?;
        }
        if let Some(b) = patch.bio {
            fields.bio = validate::text("bio", &b, 190)?;
        }
        if let Some(s) = patch.status_text {
            fields.status_text = validate::name("status_text", &s, 0, 128)?;
        }
        let servers = self
            .ctx
            .store
            .servers_of_user(who.user_id)
            .await?
            .into_iter()
            .map(|s| Id(s.id))
            .collect();
        let mut users = friend_ids(&self.ctx, who.user_id).await?;
        users.push(who.user_id);
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().update_profile(who.user_id, &fields).await?;
        if let Some(on) = patch.email_notifications {
            change.tx().set_email_notifications(who.user_id, on).await?;
        }
        change
            .commit_then(|_| async move {
                let user = self.current(who).await?;
                let audience = Audience {
                    servers,
                    users,
                    ..Audience::default()
                };
                let event = Event::UserUpdated(user.clone().public());
                Ok((user, vec![(audience, event)]))
            })
            .await
    }

    /// Sets whether members of a shared server may open a DM with the caller (friends
    /// always may). Not in the v1 API yet; defaults to allowed.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn set_allow_server_dms(&self, who: &Principal, allow: bool) -> Result<()> {
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().set_allow_server_dms(who.user_id, allow).await?;
        change.commit().await
    }
}
