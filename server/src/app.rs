//! Assembles the one port: gRPC (+ gRPC-web, health, reflection), REST, health probes and the
//! web client.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{Request, State},
    http::StatusCode,
    routing::get,
    serve::ListenerExt,
};
use decentra_core::Services;
use tokio::net::TcpListener;
use tonic_health::ServingStatus;
use tower::ServiceExt as _;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{auth_layer, grpc, grpc::lazy::LazyService, rest, web};

/// Builds the HTTP application for `services`.
pub async fn router(services: Services) -> anyhow::Result<Router> {
    let (health, health_service) = tonic_health::server::health_reporter();
    for name in grpc::SERVICE_NAMES.iter().chain(&[""]) {
        health
            .set_service_status(*name, ServingStatus::Serving)
            .await;
    }
    tokio::spawn(watch_database(services.clone(), health));

    // Reflection serves the contract without its comments, built on its first call: only
    // tools (grpcurl, Postman) ask for it.
    let reflection_v1 = LazyService::new(|| reflection().build_v1().map_err(|e| e.to_string()));
    let reflection_v1alpha =
        LazyService::new(|| reflection().build_v1alpha().map_err(|e| e.to_string()));

    let grpc_routes = grpc::routes(&services)
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha);

    let auth = axum::middleware::from_fn_with_state(services.clone(), auth_layer::authenticate);
    // REST is transcoded onto the same tonic services in process, built on its first request.
    let rest = rest::LazyRest::new(grpc_routes.clone().into_axum_router(), services.clone());
    // gRPC-web translation wraps only the gRPC routes: on REST it would turn plain HTTP
    // requests into errors. Auth sits inside it, so refusals are translated too.
    let native = grpc_routes.clone().into_axum_router().layer(auth.clone());
    let grpc = grpc_routes
        .into_axum_router()
        .layer(auth)
        .layer(tonic_web::GrpcWebLayer::new());
    // The gRPC router brings a fallback (UNIMPLEMENTED for any path) that the merge makes the
    // whole router's. The web app replaces it as the fallback, so every API route keeps
    // priority, and hands gRPC-shaped requests back to that same fallback.
    let web = web::WebApp::new(grpc.clone(), rest);

    let app = Router::new()
        .route("/healthz", get(healthz))
        .route(decentra_gateway::DOCS_PATH, get(web::api_docs))
        .with_state(services)
        .merge(grpc)
        .fallback(move |req: Request| web.clone().handle(req))
        .layer(cors());
    // Native gRPC calls (bots, SDKs, other servers) need neither CORS nor gRPC-web
    // translation; skipping both saves a few percent of the CPU of every call.
    Ok(
        Router::new().fallback_service(tower::service_fn(move |req: Request| {
            let to = if is_native_grpc(&req) {
                native.clone()
            } else {
                app.clone()
            };
            to.oneshot(req)
        })),
    )
}

/// Each of the two reflection services keeps its own decoded copy of the contract.
fn reflection() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(decentra_proto::FILE_DESCRIPTOR_SET_COMPACT)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
}

/// A gRPC call that no browser made: a `decentra.v1` or `grpc.*` path, an `application/grpc`
/// body (not gRPC-web) and no `Origin` (browsers send one on every such request).
fn is_native_grpc(req: &Request) -> bool {
    let path = req.uri().path();
    let grpc_body = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.starts_with("application/grpc") && !ct.starts_with("application/grpc-web")
        });
    grpc_body
        && (path.starts_with("/decentra.") || path.starts_with("/grpc."))
        && !req.headers().contains_key(http::header::ORIGIN)
}

/// Browsers on other origins (desktop shells, dev servers) may call the API: tokens travel
/// in headers, never cookies, so allowing any origin exposes nothing.
fn cors() -> CorsLayer {
    use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName};
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([
            http::Method::GET,
            http::Method::POST,
            http::Method::PUT,
            http::Method::PATCH,
            http::Method::DELETE,
            http::Method::OPTIONS,
        ])
        .allow_headers([
            AUTHORIZATION,
            CONTENT_TYPE,
            HeaderName::from_static("x-grpc-web"),
            HeaderName::from_static("x-user-agent"),
            HeaderName::from_static("grpc-timeout"),
            HeaderName::from_static("connect-protocol-version"),
        ])
        .expose_headers([
            HeaderName::from_static("grpc-status"),
            HeaderName::from_static("grpc-message"),
            HeaderName::from_static("grpc-status-details-bin"),
            HeaderName::from_static("retry-after"),
        ])
        .max_age(Duration::from_secs(3600))
}

async fn healthz(State(services): State<Services>) -> (StatusCode, &'static str) {
    if services.healthy().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// Reports NOT_SERVING on the gRPC health service while the database is unreachable.
async fn watch_database(services: Services, health: tonic_health::server::HealthReporter) {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    let mut last = true;
    loop {
        tick.tick().await;
        let ok = services.healthy().await;
        if ok != last {
            let status = if ok {
                ServingStatus::Serving
            } else {
                ServingStatus::NotServing
            };
            tracing::warn!(healthy = ok, "database health changed");
            for name in grpc::SERVICE_NAMES.iter().chain(&[""]) {
                health.set_service_status(*name, status).await;
            }
            last = ok;
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then ends the event streams and
/// drains in-flight requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    services: Services,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let workers = services.clone();
    let signal = async move {
        shutdown.await;
        services.close_streams();
    };
    // Events are small and latency-sensitive: never hold them back waiting to fill a packet.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(signal)
    .await;
    // The mail workers were told to stop with the streams; wait until a send in flight is
    // recorded or handed back (after the drain, so no stream opens between the two).
    workers.stop_workers().await;
    served
}

/// [`serve`] over TLS: the same application, HTTP/2 (gRPC) and HTTP/1.1 chosen by ALPN.
pub async fn serve_tls(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    app: Router,
    services: Services,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let workers = services.clone();
    let signal = async move {
        shutdown.await;
        services.close_streams();
    };
    // The no-op tap gives the listener axum's connect-info support (the client's address).
    let listener = crate::tls::TlsListener::new(listener, tls)?.tap_io(|_| {});
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(signal)
    .await;
    // The mail workers were told to stop with the streams; wait until a send in flight is
    // recorded or handed back (after the drain, so no stream opens between the two).
    workers.stop_workers().await;
    served
}
