//! The explicit routes: binary downloads, which have no JSON form. Everything else is
//! generated from the proto by [`crate::transcode`].

mod attachments;
mod icons;

use axum::{Router, routing::get};
use decentra_core::Services;

/// Downloads that need an access token: attachments.
pub fn protected() -> Router<Services> {
    Router::new().route(
        "/api/v1/attachments/{id}/{filename}",
        get(attachments::download),
    )
}

/// Downloads anyone may fetch: server icons (shown on invite pages before signing in).
pub fn public() -> Router<Services> {
    Router::new().route("/api/v1/icons/{sha256}", get(icons::icon))
}
