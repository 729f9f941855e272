//! The explicit routes: binary downloads, which have no JSON form. Everything else is
//! generated from the proto by [`crate::transcode`].

mod attachments;
mod icons;

use axum::{Router, routing::get};
use decentra_core::Services;

pub fn router() -> Router<Services> {
    Router::new()
        .route(
            "/api/v1/attachments/{id}/{filename}",
            get(attachments::download),
        )
        .route("/api/v1/icons/{sha256}", get(icons::icon))
}
