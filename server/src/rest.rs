//! The REST API (`/api/...`), built on its first request. Its routes come from the decoded
//! contract ([`decentra_gateway::Api`]), which stays in memory once built (about 2 MB); the
//! web client speaks gRPC-web, so a server whose clients never call REST never pays for it.
//! Requests reach it through the web app's fallback ([`crate::web::WebApp::handle`]): every
//! route the main router has (gRPC, `/healthz`, `/api/docs`) keeps priority, as with a merge.

use std::sync::{Arc, OnceLock};

use axum::{
    Router,
    extract::Request,
    response::{IntoResponse, Response},
};
use decentra_core::{Error, Services};
use decentra_gateway::ApiError;
use tower::ServiceExt as _;

use crate::auth_layer;

/// The REST router, once built. Cheap to clone.
#[derive(Clone)]
pub struct LazyRest(Arc<Inner>);

struct Inner {
    /// The tonic services (no auth layer: the REST routers bring their own).
    grpc: Router,
    services: Services,
    router: OnceLock<Result<Router, String>>,
}

impl LazyRest {
    pub fn new(grpc: Router, services: Services) -> Self {
        Self(Arc::new(Inner {
            grpc,
            services,
            router: OnceLock::new(),
        }))
    }

    /// Answers a `/api/...` request no other route claimed.
    pub async fn handle(&self, req: Request) -> Response {
        let inner = &self.0;
        match inner
            .router
            .get_or_init(|| build(&inner.grpc, &inner.services))
        {
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
fn build(grpc: &Router, services: &Services) -> Result<Router, String> {
    let api = decentra_gateway::Api::load()?;
    let rest = decentra_gateway::routers(&api, grpc.clone(), services.clone());
    let auth = axum::middleware::from_fn_with_state(services.clone(), auth_layer::authenticate);
    Ok(rest
        .public
        .layer(axum::middleware::from_fn(auth_layer::client_meta))
        .merge(rest.protected.layer(auth))
        .fallback(|| async { ApiError(Error::NotFound("API route")).into_response() }))
}
