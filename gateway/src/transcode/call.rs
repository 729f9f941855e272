//! The in-process gRPC call: frame the message, carry the caller over, read the answer.

use axum::{
    body::Body,
    extract::Request,
    http::{HeaderMap, HeaderValue, Method, header, request::Parts},
    response::Response,
};
use bytes::{Buf, BufMut, Bytes, BytesMut};
use decentra_core::{ClientMeta, Error, Principal};
use http_body_util::BodyExt;
use prost::Message;
use prost_reflect::{DynamicMessage, MessageDescriptor, ReflectMessage, SerializeOptions, Value};
use tonic_types::StatusExt;

use super::{json, rules::Binding};
use crate::error::{ErrorBody, FieldError, code_name, error_response};

/// How answers are written: the proto field names (as the REST API always spelled them),
/// and every field, defaults included, so a client never has to know proto3's omissions.
pub fn serialize_options() -> SerializeOptions {
    SerializeOptions::new()
        .use_proto_field_name(true)
        .skip_default_fields(false)
}

/// The gRPC request for `msg`: the caller's principal and connection facts (put there by
/// the one auth layer) travel as extensions, and `Authorization` is forwarded as is.
/// A server-streaming call resumes from `Last-Event-ID` into its `resume_cursor` field.
pub fn grpc_request(binding: &Binding, parts: &Parts, msg: &mut DynamicMessage) -> Request {
    if binding.method.is_server_streaming()
        && let Some(cursor) = parts
            .headers
            .get("last-event-id")
            .and_then(|v| v.to_str().ok())
        && let Some(field) = msg.descriptor().get_field_by_name("resume_cursor")
        && !msg.has_field(&field)
    {
        // A type mismatch leaves the field unset: the stream then starts afresh.
        let _ = msg.try_set_field(&field, Value::String(cursor.to_owned()));
    }
    let payload = msg.encode_to_vec();
    let mut framed = BytesMut::with_capacity(payload.len() + 5);
    framed.put_u8(0);
    framed.put_u32(u32::try_from(payload.len()).unwrap_or(u32::MAX));
    framed.put_slice(&payload);

    let mut req = Request::new(Body::from(framed.freeze()));
    *req.method_mut() = Method::POST;
    if let Ok(uri) = binding.grpc_path().parse() {
        *req.uri_mut() = uri;
    }
    let headers = req.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/grpc"),
    );
    headers.insert(header::TE, HeaderValue::from_static("trailers"));
    if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
        headers.insert(header::AUTHORIZATION, auth.clone());
    }
    if let Some(p) = parts.extensions.get::<Principal>() {
        req.extensions_mut().insert(*p);
    }
    if let Some(m) = parts.extensions.get::<ClientMeta>() {
        req.extensions_mut().insert(*m);
    }
    req
}

/// The grpc-status of an answer, from its headers (trailers-only) or its trailers.
pub fn status_of(headers: &HeaderMap, trailers: Option<&HeaderMap>) -> Option<tonic::Status> {
    tonic::Status::from_header_map(headers)
        .or_else(|| trailers.and_then(tonic::Status::from_header_map))
}

/// A non-OK status as the REST error body, with the HTTP status of the one mapping.
pub fn status_response(status: &tonic::Status) -> Response {
    let details = status.get_error_details();
    let fields = details
        .bad_request()
        .map(|b| {
            b.field_violations
                .iter()
                .map(|v| FieldError {
                    field: v.field.clone(),
                    description: v.description.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let retry_after = status
        .metadata()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    error_response(
        Error::http_status_for(status.code()),
        ErrorBody {
            code: code_name(status.code()),
            message: status.message().to_owned(),
            fields,
        },
        retry_after,
    )
}

fn internal(detail: impl std::fmt::Display) -> Response {
    tracing::error!(error = %detail, "REST transcoding failed");
    status_response(&tonic::Status::internal("internal server error"))
}

/// Splits one gRPC frame off the front of `buf`, if it holds a whole one.
pub fn take_frame(buf: &mut BytesMut) -> Result<Option<Bytes>, String> {
    if buf.len() < 5 {
        return Ok(None);
    }
    if buf[0] != 0 {
        return Err("compressed gRPC frame".to_owned());
    }
    let len = u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]) as usize;
    if buf.len() < 5 + len {
        return Ok(None);
    }
    buf.advance(5);
    Ok(Some(buf.split_to(len).freeze()))
}

/// A response message as JSON, or just its `response_body` field when the rule names one.
pub fn to_json(
    binding: &Binding,
    desc: &MessageDescriptor,
    payload: Bytes,
) -> Result<Vec<u8>, String> {
    let msg = DynamicMessage::decode(desc.clone(), payload).map_err(|e| e.to_string())?;
    let options = serialize_options();
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::new(&mut out);
    let part = binding
        .response_body
        .as_ref()
        .and_then(|f| match msg.get_field(f).into_owned() {
            Value::Message(m) => Some(m),
            _ => None,
        });
    match part {
        Some(m) => m.serialize_with_options(&mut ser, &options),
        None => msg.serialize_with_options(&mut ser, &options),
    }
    .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The answer of a unary call.
pub async fn unary_response(binding: &Binding, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let collected = match body.collect().await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    let trailers = collected.trailers().cloned();
    if let Some(status) = status_of(&parts.headers, trailers.as_ref())
        && status.code() != tonic::Code::Ok
    {
        return status_response(&status);
    }
    let mut data = BytesMut::from(collected.to_bytes().as_ref());
    match take_frame(&mut data) {
        Ok(Some(payload)) => match to_json(binding, &binding.method.output(), payload) {
            Ok(body) => json(body),
            Err(e) => internal(e),
        },
        Ok(None) => internal("no response message"),
        Err(e) => internal(e),
    }
}
