//! `/api/v1/icons/{sha256}` — server icons uploaded as bytes (public, immutable).

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderValue, header},
    response::Response,
};
use decentra_core::Services;

use crate::ApiError;

pub async fn icon(
    State(s): State<Services>,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    let (data, kind) = s.servers.icon(&sha256).await?;
    let mut resp = Response::new(Body::from(data));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Content-addressed: the bytes behind a hash never change.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(resp)
}
