//! REST layer (`/api/v1`): JSON adapters over the same core services as gRPC, with the same
//! field names. Authentication is done by the server's one auth layer, which consults
//! [`PUBLIC_ROUTES`]; handlers take the principal it attached through the [`Caller`] extractor.

mod caller;
mod error;
mod routes;

use axum::Router;
use decentra_core::Services;

pub use caller::Caller;
pub use error::ApiError;

/// Routes callable without an access token.
pub const PUBLIC_ROUTES: &[&str] = &[
    "/api/v1/auth/register",
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/instance",
];

/// Route prefixes callable without an access token.
pub const PUBLIC_PREFIXES: &[&str] = &["/api/v1/icons/"];

/// The `/api/v1` router.
pub fn router(services: Services) -> Router {
    routes::router().with_state(services)
}
