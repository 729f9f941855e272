//! REST errors: `{code, message, fields}` with the HTTP status chosen by the same function
//! that picks the gRPC code ([`decentra_core::Error::codes`]).

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header::RETRY_AFTER},
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

/// The one REST error body.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorBody {
    /// gRPC code name, e.g. `INVALID_ARGUMENT`, so clients handle both APIs alike.
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FieldError {
    pub field: String,
    pub description: String,
}

/// `NotFound` → `NOT_FOUND`: the canonical gRPC code name.
pub(crate) fn code_name(code: tonic::Code) -> String {
    format!("{code:?}").chars().fold(String::new(), |mut s, c| {
        if c.is_uppercase() && !s.is_empty() {
            s.push('_');
        }
        s.push(c.to_ascii_uppercase());
        s
    })
}

/// Builds the error response; `retry_after` (seconds) becomes a `Retry-After` header.
pub(crate) fn error_response(
    status: StatusCode,
    body: ErrorBody,
    retry_after: Option<u64>,
) -> Response {
    let mut resp = (status, Json(body)).into_response();
    if let Some(secs) = retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string())
    {
        resp.headers_mut().insert(RETRY_AFTER, v);
    }
    resp
}

/// A 400 for a request the gateway could not turn into an RPC (malformed JSON, unknown
/// field, wrong type, bad path or query value), naming the field.
pub(crate) fn bad_request(field: impl Into<String>, description: impl Into<String>) -> Response {
    let (field, description) = (field.into(), description.into());
    error_response(
        StatusCode::BAD_REQUEST,
        ErrorBody {
            code: code_name(tonic::Code::InvalidArgument),
            message: if field.is_empty() {
                format!("invalid request: {description}")
            } else {
                format!("invalid request: {field}: {description}")
            },
            fields: vec![FieldError { field, description }],
        },
        None,
    )
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
                .map(|v| FieldError {
                    field: v.field.to_owned(),
                    description: v.description.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let retry_after = match self.0 {
            Error::RateLimited { retry_after } => Some(retry_after.as_secs()),
            _ => None,
        };
        let body = ErrorBody {
            code: code_name(code),
            message: self.0.public_message(),
            fields,
        };
        error_response(http, body, retry_after)
    }
}
