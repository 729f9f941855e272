//! `/api/v1/users/*` — mirrors `decentra.v1.UserService`.

use axum::{Json, extract::State};
use decentra_core::{Services, users::User};
use serde::Serialize;

use crate::{ApiError, Caller};

/// `decentra.v1.User` in JSON (ids as strings, times as Unix milliseconds).
#[derive(Serialize)]
pub struct UserJson {
    id: String,
    username: String,
    display_name: String,
    avatar_url: String,
    is_admin: bool,
    is_bot: bool,
    bio: String,
    status_text: String,
    created_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

impl From<User> for UserJson {
    fn from(u: User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username,
            display_name: u.display_name,
            avatar_url: u.avatar_url,
            is_admin: u.is_admin,
            is_bot: u.is_bot,
            bio: u.bio,
            status_text: u.status_text,
            created_at: u.created_at_ms,
            email: u.email,
        }
    }
}

pub async fn me(
    State(s): State<Services>,
    Caller(who): Caller,
) -> Result<Json<UserJson>, ApiError> {
    Ok(Json(s.users.current(&who).await?.into()))
}
