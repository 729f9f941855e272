//! Route table; one file per resource, named like the gRPC adapter it mirrors.

mod attachments;
mod auth;
mod icons;
mod users;

use axum::{
    Router,
    routing::{get, post},
};
use decentra_core::Services;

pub fn router() -> Router<Services> {
    Router::new()
        .route("/api/v1/instance", get(auth::instance))
        .route("/api/v1/auth/register", post(auth::register))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/refresh", post(auth::refresh))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/users/@me", get(users::me))
        .route(
            "/api/v1/attachments/{id}/{filename}",
            get(attachments::download),
        )
        .route("/api/v1/icons/{sha256}", get(icons::icon))
}
