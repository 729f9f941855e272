//! `/api/docs`: a small self-contained page that renders the OpenAPI document. It loads
//! nothing from another origin and is separate from the web client's bundle.

use axum::{http::header, response::IntoResponse};

const PAGE: &str = include_str!("docs.html");

pub async fn page() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
            ),
        ],
        PAGE,
    )
}
