//! The authenticated caller as an extractor, the REST twin of the gRPC adapters' `principal()`.

use axum::{extract::FromRequestParts, http::request::Parts};
use decentra_core::{Error, Principal};

use crate::ApiError;

/// The [`Principal`] the server's auth layer put in the request extensions. Its absence means a
/// routing mistake (a protected handler on a public route) and is answered 401, never a 500.
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Principal>()
            .copied()
            .map(Caller)
            .ok_or_else(|| ApiError(Error::Unauthenticated("missing access token".to_owned())))
    }
}
