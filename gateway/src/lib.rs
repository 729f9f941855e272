//! REST layer (`/api/v1`). Every unary RPC annotated with `google.api.http` in the proto is
//! served by the generic [`transcode`] layer (built from the compiled descriptor set, calling
//! the same tonic services in process); server-streaming RPCs answer as Server-Sent Events.
//! The OpenAPI document comes from the same descriptors. Only binary downloads (attachments,
//! icons) are explicit routes. [`routers`] returns them in two routers: the public one (the
//! RPCs of [`decentra_proto::rpc::PUBLIC`], icons, the OpenAPI document) and the protected
//! one, which the server mounts behind its one auth layer; handlers take the principal it
//! attached.

mod caller;
mod error;
mod openapi;
mod routes;
pub mod transcode;

use std::sync::{Arc, OnceLock};

use axum::{
    Router,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use bytes::Bytes;
use decentra_core::{Error, Services};

pub use caller::Caller;
pub use error::ApiError;
pub use transcode::Api;

/// Where the OpenAPI 3.1 document is served.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";
/// Where the browsable API reference is served (by the server, from the web build's
/// embedded `api-docs.html`, which renders [`OPENAPI_PATH`]).
pub const DOCS_PATH: &str = "/api/docs";

/// The REST API, split by whether a call needs an access token.
#[derive(Debug)]
pub struct Routers {
    /// Callable without a token: the transcoded public RPCs, icons and the OpenAPI document.
    /// Mounted WITHOUT the auth layer.
    pub public: Router,
    /// Everything else, mounted behind the auth layer (which refuses a call without a valid
    /// token before any handler runs).
    pub protected: Router,
}

/// The routes generated from the proto, forwarding to `grpc` (the tonic services, expecting
/// the principal in the request extensions), the binary downloads, and the OpenAPI document.
pub fn routers(api: &Api, grpc: Router, services: Services) -> Routers {
    let document: Arc<OnceLock<Bytes>> = Arc::default();
    let public = transcode::router(api, grpc.clone(), true)
        .merge(routes::public().with_state(services.clone()))
        .route(
            OPENAPI_PATH,
            get(move || serve_document(Arc::clone(&document))),
        );
    let protected =
        transcode::router(api, grpc, false).merge(routes::protected().with_state(services));
    Routers { public, protected }
}

/// The OpenAPI document, built on first request: it needs the contract WITH its comments,
/// which a server would otherwise hold in memory from start to finish for a page few open.
async fn serve_document(document: Arc<OnceLock<Bytes>>) -> Response {
    let body = match document.get() {
        Some(body) => body.clone(),
        None => {
            let built = tokio::task::spawn_blocking(|| {
                Api::load_documented().map(|api| Bytes::from(openapi::document(&api).to_string()))
            })
            .await;
            match built {
                Ok(Ok(body)) => document.get_or_init(|| body).clone(),
                Ok(Err(e)) => return ApiError(Error::internal(e)).into_response(),
                Err(e) => return ApiError(Error::internal(e)).into_response(),
            }
        }
    };
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}
