//! The generic REST transcoder: every RPC with a `google.api.http` annotation gets its HTTP
//! route, built from the compiled descriptor set (by the server on its first REST request).
//! A request becomes the RPC's protobuf message (proto3 JSON mapping), is framed as gRPC and
//! handed to the SAME tonic router in process; the answer (message, or grpc-status with
//! details) comes back as JSON. Server-streaming RPCs answer as Server-Sent Events. Adding an
//! RPC to the proto adds its route here with no code.

mod call;
mod request;
pub(crate) mod rules;
mod sse;

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    body::Body,
    extract::{FromRequestParts, RawPathParams, Request},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{MethodFilter, MethodRouter},
};
use prost_reflect::{DescriptorPool, Kind, MessageDescriptor};
use tower::ServiceExt;

use crate::error::{ErrorBody, bad_request, code_name, error_response};
pub use rules::Binding;

/// Largest JSON body of an ordinary call.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Largest JSON body of a call whose request carries bytes (attachment uploads travel
/// base64-encoded: 4/3 of the gRPC transport's 64 MiB bound would be too generous, the
/// service enforces the instance's configured upload size below this).
pub const UPLOAD_BODY_LIMIT: usize = 48 * 1024 * 1024;

/// The decoded API contract and its HTTP bindings.
#[derive(Debug, Clone)]
pub struct Api {
    pub pool: DescriptorPool,
    pub bindings: Vec<Binding>,
}

impl Api {
    /// The contract compiled into `decentra-proto` without its comments: all that routing and
    /// transcoding read. The server keeps this pool for its lifetime; the comments (source
    /// info) are most of a decoded pool: measured 5.4 MB of resident memory with them, 0.6 MB
    /// without.
    pub fn load() -> Result<Self, String> {
        Self::decode(decentra_proto::FILE_DESCRIPTOR_SET_COMPACT)
    }

    /// The contract with its comments: the OpenAPI document's descriptions.
    pub fn load_documented() -> Result<Self, String> {
        Self::decode(decentra_proto::FILE_DESCRIPTOR_SET)
    }

    fn decode(set: &[u8]) -> Result<Self, String> {
        let pool = DescriptorPool::decode(set).map_err(|e| format!("descriptor set: {e}"))?;
        let bindings = rules::bindings(&pool)?;
        Ok(Self { pool, bindings })
    }
}

/// The routes of every binding, forwarding to `grpc` (a router of the tonic services that
/// expects the caller's principal in the request extensions, as the auth layer leaves it).
pub fn router(api: &Api, grpc: Router, public: bool) -> Router {
    let mut by_path: BTreeMap<String, MethodRouter> = BTreeMap::new();
    for binding in api.bindings.iter().filter(|b| b.is_public() == public) {
        let Ok(filter) = MethodFilter::try_from(binding.http_method.clone()) else {
            continue;
        };
        let shared = Arc::new(binding.clone());
        let grpc = grpc.clone();
        let handler = move |req: Request| {
            let (binding, grpc) = (shared.clone(), grpc.clone());
            async move { handle(binding, grpc, req).await }
        };
        let entry = by_path
            .entry(binding.template.clone())
            .or_insert_with(MethodRouter::new);
        *entry = std::mem::replace(entry, MethodRouter::new()).on(filter, handler);
    }
    let mut router = Router::new();
    for (path, methods) in by_path {
        router = router.route(&path, methods);
    }
    router.method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorBody {
            code: code_name(tonic::Code::Unimplemented),
            message: "method not allowed on this path".to_owned(),
            fields: Vec::new(),
        },
        None,
    )
}

/// Whether a message (or one nested in it) carries `bytes`: such calls get the upload limit.
fn carries_bytes(desc: &MessageDescriptor) -> bool {
    desc.fields().any(|f| matches!(f.kind(), Kind::Bytes))
}

async fn handle(binding: Arc<Binding>, grpc: Router, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let path: Vec<(String, String)> = match RawPathParams::from_request_parts(&mut parts, &()).await
    {
        Ok(params) => params
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        Err(e) => return bad_request("path", e.body_text()),
    };
    let limit = if carries_bytes(&binding.method.input()) {
        UPLOAD_BODY_LIMIT
    } else {
        BODY_LIMIT
    };
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody {
                    code: code_name(tonic::Code::InvalidArgument),
                    message: format!("request body larger than {limit} bytes"),
                    fields: Vec::new(),
                },
                None,
            );
        }
    };
    let mut msg = match request::build(&binding, &path, parts.uri.query(), &bytes) {
        Ok(m) => m,
        Err(e) => return bad_request(e.field, e.description),
    };
    let inner = call::grpc_request(&binding, &parts, &mut msg);
    let response = match grpc.oneshot(inner).await {
        Ok(r) => r,
        Err(infallible) => match infallible {},
    };
    if binding.method.is_server_streaming() {
        sse::respond(&binding, response).await
    } else {
        call::unary_response(&binding, response).await
    }
}

/// The JSON body of a successful answer.
fn json(bytes: Vec<u8>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(bytes),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::Api;

    #[test]
    fn every_unary_rpc_has_a_route() {
        let api = Api::load().expect("contract loads");
        let ext = api.pool.get_extension_by_name("google.api.http");
        assert!(ext.is_some(), "google.api.http known to the pool");
        for service in api.pool.services() {
            if !service.full_name().starts_with("decentra.v1.") {
                continue;
            }
            for m in service.methods() {
                assert!(
                    api.bindings
                        .iter()
                        .any(|b| b.method.full_name() == m.full_name()),
                    "{} has no REST route",
                    m.full_name()
                );
            }
        }
    }
}
