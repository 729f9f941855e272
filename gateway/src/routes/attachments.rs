//! `/api/v1/attachments/{id}/{filename}` — downloads, for those who can see the message.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderValue, header},
    response::Response,
};
use decentra_core::{Error, Id, Services};

use crate::{ApiError, Caller};

/// Media types browsers may render inline; anything else (HTML, SVG, scripts) downloads, so
/// an upload can never run as a page of this origin.
const INLINE: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "video/mp4",
    "video/webm",
    "text/plain",
];

pub async fn download(
    State(s): State<Services>,
    Caller(who): Caller,
    Path((id, _filename)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = Id::parse("id", &id)?;
    let file = s.messages.open_attachment(&who, id).await?;
    let bytes = tokio::fs::read(&file.path)
        .await
        .map_err(|e| Error::internal_with(format!("attachment {id} unreadable"), e))?;
    let a = &file.attachment;
    let inline = INLINE.contains(&a.content_type.as_str());
    let content_type = if inline {
        a.content_type.as_str()
    } else {
        "application/octet-stream"
    };
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        a.filename.replace(['"', '\\', '\r', '\n'], "_")
    );
    let mut resp = Response::new(Body::from(bytes));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(resp)
}
