//! REST errors: `{code, message, fields}` with the HTTP status chosen by the same function
//! that picks the gRPC code ([`decentra_core::Error::codes`]).

use axum::{
    Json,
    http::{HeaderValue, header::RETRY_AFTER},
    response::{IntoResponse, Response},
};
use decentra_core::Error;
use serde::Serialize;

/// A core error on its way out as JSON.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        Self(e)
    }
}

#[derive(Serialize)]
struct Body {
    /// gRPC code name, e.g. `INVALID_ARGUMENT`, so clients handle both APIs alike.
    code: String,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<Field>,
}

#[derive(Serialize)]
struct Field {
    field: &'static str,
    description: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, http) = self.0.codes();
        if let Error::Internal(_) = &self.0 {
            tracing::error!(error = %self.0.report(), "internal error");
        }
        let fields = match &self.0 {
            Error::Invalid(f) => f
                .iter()
                .map(|v| Field {
                    field: v.field,
                    description: v.description.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let body = Body {
            code: format!("{code:?}").chars().fold(String::new(), |mut s, c| {
                if c.is_uppercase() && !s.is_empty() {
                    s.push('_');
                }
                s.push(c.to_ascii_uppercase());
                s
            }),
            message: self.0.public_message(),
            fields,
        };
        let mut resp = (http, Json(body)).into_response();
        if let Error::RateLimited { retry_after } = self.0
            && let Ok(v) = HeaderValue::from_str(&retry_after.as_secs().max(1).to_string())
        {
            resp.headers_mut().insert(RETRY_AFTER, v);
        }
        resp
    }
}
