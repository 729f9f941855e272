//! Server-streaming RPCs as Server-Sent Events: each message is one event whose data is the
//! message in JSON and whose id is its `cursor` field, so `Last-Event-ID` resumes the stream
//! exactly where the gRPC stream's resume cursor would.

use std::convert::Infallible;

use axum::{
    body::Body,
    response::{
        IntoResponse, Response,
        sse::{Event, Sse},
    },
};
use bytes::BytesMut;
use futures::stream::{self, Stream};
use http_body_util::BodyExt;
use prost_reflect::{DynamicMessage, Value};

use super::{
    call::{self, status_of, status_response, take_frame},
    rules::Binding,
};

/// The SSE answer of a streaming call (or the JSON error if it failed before streaming).
pub async fn respond(binding: &Binding, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    if let Some(status) = status_of(&parts.headers, None)
        && status.code() != tonic::Code::Ok
    {
        return status_response(&status);
    }
    Sse::new(events(binding.clone(), body)).into_response()
}

struct State {
    binding: Binding,
    body: Body,
    buf: BytesMut,
    done: bool,
}

fn events(binding: Binding, body: Body) -> impl Stream<Item = Result<Event, Infallible>> {
    let state = State {
        binding,
        body,
        buf: BytesMut::new(),
        done: false,
    };
    stream::unfold(state, |mut s| async move {
        loop {
            if s.done {
                return None;
            }
            match take_frame(&mut s.buf) {
                Ok(Some(payload)) => {
                    let event = event(&s.binding, payload);
                    return Some((Ok(event), s));
                }
                Ok(None) => {}
                Err(e) => {
                    s.done = true;
                    return Some((Ok(error_event("INTERNAL", &e)), s));
                }
            }
            match s.body.frame().await {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        s.buf.extend_from_slice(data);
                    } else if let Some(trailers) = frame.trailers_ref() {
                        s.done = true;
                        if let Some(status) = status_of(trailers, None)
                            && status.code() != tonic::Code::Ok
                        {
                            let code = crate::error::code_name(status.code());
                            return Some((Ok(error_event(&code, status.message())), s));
                        }
                    }
                }
                Some(Err(e)) => {
                    s.done = true;
                    return Some((Ok(error_event("INTERNAL", &e.to_string())), s));
                }
                None => return None,
            }
        }
    })
}

fn event(binding: &Binding, payload: bytes::Bytes) -> Event {
    let desc = binding.method.output();
    let cursor = DynamicMessage::decode(desc.clone(), payload.clone())
        .ok()
        .and_then(|m| match m.get_field_by_name("cursor").as_deref() {
            Some(Value::String(c)) if !c.is_empty() => Some(c.clone()),
            _ => None,
        });
    match call::to_json(binding, &desc, payload) {
        Ok(json) => {
            let mut event = Event::default().data(String::from_utf8_lossy(&json));
            if let Some(c) = cursor.filter(|c| !c.contains(['\n', '\r'])) {
                event = event.id(c);
            }
            event
        }
        Err(e) => error_event("INTERNAL", &e),
    }
}

/// The stream ended with an error: one last `error` event with the REST error body.
fn error_event(code: &str, message: &str) -> Event {
    Event::default()
        .event("error")
        .data(serde_json::json!({ "code": code, "message": message }).to_string())
}
