//! REST layer (`/api/v1`). Every unary RPC annotated with `google.api.http` in the proto is
//! served by the generic [`transcode`] layer (built from the compiled descriptor set, calling
//! the same tonic services in process); server-streaming RPCs answer as Server-Sent Events.
//! The OpenAPI document comes from the same descriptors. Only binary downloads (attachments,
//! icons) are explicit routes. Authentication is done by the server's one auth layer, which
//! consults [`PUBLIC_ROUTES`]; handlers take the principal it attached.

mod caller;
mod docs;
mod error;
mod openapi;
mod routes;
pub mod transcode;

use axum::{Router, http::header, response::IntoResponse, routing::get};
use bytes::Bytes;
use decentra_core::Services;

pub use caller::Caller;
pub use error::ApiError;
pub use transcode::Api;

/// Routes callable without an access token: the REST paths of the public RPCs (a test in the
/// server checks this list against them) and the API's own documentation.
pub const PUBLIC_ROUTES: &[&str] = &[
    "/api/v1/auth/register",
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/request-password-reset",
    "/api/v1/auth/reset-password",
    "/api/v1/auth/verify-email",
    "/api/v1/instance",
    OPENAPI_PATH,
    DOCS_PATH,
];

/// Route prefixes callable without an access token.
pub const PUBLIC_PREFIXES: &[&str] = &["/api/v1/icons/"];

/// Where the OpenAPI 3.1 document is served.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";
/// Where the browsable API reference is served.
pub const DOCS_PATH: &str = "/api/docs";

/// The explicit (binary) `/api/v1` routes.
pub fn router(services: Services) -> Router {
    routes::router().with_state(services)
}

/// The routes generated from the proto, forwarding to `grpc` (the tonic services, expecting
/// the principal in the request extensions), plus the OpenAPI document and the docs page.
pub fn transcoded(api: &Api, grpc: Router) -> Router {
    let document = Bytes::from(openapi::document(api).to_string());
    transcode::router(api, grpc)
        .route(
            OPENAPI_PATH,
            get(move || {
                let body = document.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body).into_response() }
            }),
        )
        .route(DOCS_PATH, get(docs::page))
}
