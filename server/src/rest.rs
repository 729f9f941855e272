//! The REST API (`/api/...`), built on its first request. Its routes come from the decoded
//! contract ([`decentra_gateway::Api`]), which stays in memory once built (about 2 MB); the
//! web client speaks gRPC-web, so a server whose clients never call REST never pays for it.
//! Requests reach it through the web app's fallback ([`crate::web::WebApp::handle`]): every
//! route the main router has (gRPC, `/healthz`, `/api/docs`) keeps priority, as with a merge.

use std::sync::{Arc, LazyLock};

use axum::{
    Router,
    extract::Request,
    response::{IntoResponse, Response},
};
use decentra_core::{Error, Services};
use decentra_gateway::ApiError;
use tower::ServiceExt as _;

use crate::auth_layer;

type Build = Box<dyn FnOnce() -> Result<Router, String> + Send>;

/// The REST router, once built. Cheap to clone.
#[derive(Clone)]
pub struct LazyRest(Arc<LazyLock<Result<Router, String>, Build>>);

impl LazyRest {
    /// `grpc`: the tonic services without an auth layer (the REST routers bring their own).
    pub fn new(grpc: Router, services: Services) -> Self {
        Self(Arc::new(LazyLock::new(Box::new(move || {
            build(grpc, services)
        }))))
    }

    /// Answers a `/api/...` request no other route claimed.
    pub async fn handle(&self, req: Request) -> Response {
        match LazyLock::force(&self.0) {
            Ok(router) => match router.clone().oneshot(req).await {
                Ok(response) => response,
                Err(infallible) => match infallible {},
            },
            Err(e) => ApiError(Error::internal(e.clone())).into_response(),
        }
    }
}

/// The public routes behind the connection facts only, the rest behind the one auth layer
/// (which has authenticated the call once; the principal travels to the tonic service in the
/// request extensions), and the REST JSON 404 for any other `/api/...` path.
fn build(grpc: Router, services: Services) -> Result<Router, String> {
    let api = decentra_gateway::Api::load()?;
    let auth = axum::middleware::from_fn_with_state(services.clone(), auth_layer::authenticate);
    let rest = decentra_gateway::routers(&api, grpc, services);
    Ok(rest
        .public
        .layer(axum::middleware::from_fn(auth_layer::client_meta))
        .merge(rest.protected.layer(auth))
        .fallback(|| async { ApiError(Error::NotFound("API route")).into_response() }))
}
