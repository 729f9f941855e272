//! `/api/v1/auth/*` — mirrors `decentra.v1.AuthService`.

use axum::{Extension, Json, extract::State};
use decentra_core::{ClientMeta, Services, auth::Registration};
use serde::{Deserialize, Serialize};

use super::users::UserJson;
use crate::{ApiError, Caller};

#[derive(Deserialize)]
pub struct RegisterBody {
    username: String,
    password: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    invite_code: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginBody {
    username: String,
    password: String,
}

#[derive(Deserialize)]
pub struct RefreshBody {
    #[serde(default)]
    refresh_token: String,
}

#[derive(Serialize)]
pub struct SessionJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<UserJson>,
    access_token: String,
    refresh_token: String,
    /// Unix milliseconds.
    access_token_expires_at: i64,
}

#[derive(Serialize)]
pub struct InstanceJson {
    instance_name: String,
    registration_mode: decentra_core::settings::RegistrationMode,
    require_email_verification: bool,
    email_enabled: bool,
    version: &'static str,
}

fn session(user: Option<UserJson>, t: decentra_core::auth::Tokens) -> Json<SessionJson> {
    Json(SessionJson {
        user,
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        access_token_expires_at: t.access_expires_at_ms,
    })
}

pub async fn instance(State(s): State<Services>) -> Json<InstanceJson> {
    let i = s.auth.instance_info();
    Json(InstanceJson {
        instance_name: i.instance_name,
        registration_mode: i.registration_mode,
        require_email_verification: i.require_email_verification,
        email_enabled: i.email_enabled,
        version: env!("CARGO_PKG_VERSION"),
    })
}

pub async fn register(
    State(s): State<Services>,
    Extension(meta): Extension<ClientMeta>,
    Json(b): Json<RegisterBody>,
) -> Result<Json<SessionJson>, ApiError> {
    let r = s
        .auth
        .register(
            meta,
            Registration {
                username: b.username,
                password: b.password,
                email: b.email,
                invite_code: b.invite_code,
            },
        )
        .await?;
    Ok(session(Some(r.user.into()), r.tokens))
}

pub async fn login(
    State(s): State<Services>,
    Extension(meta): Extension<ClientMeta>,
    Json(b): Json<LoginBody>,
) -> Result<Json<SessionJson>, ApiError> {
    let r = s.auth.login(meta, &b.username, &b.password).await?;
    Ok(session(Some(r.user.into()), r.tokens))
}

pub async fn refresh(
    State(s): State<Services>,
    Json(b): Json<RefreshBody>,
) -> Result<Json<SessionJson>, ApiError> {
    Ok(session(None, s.auth.refresh(&b.refresh_token).await?))
}

pub async fn logout(
    State(s): State<Services>,
    Caller(who): Caller,
    Json(b): Json<RefreshBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    s.auth.logout(&who, &b.refresh_token).await?;
    Ok(Json(serde_json::json!({})))
}
