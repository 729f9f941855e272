//! The one place authentication is enforced, for gRPC, gRPC-web and REST alike.
//!
//! Every request passes through [`authenticate`]: a valid `authorization: Bearer <jwt>` (a
//! user's session) or `authorization: Bot <token>` (a bot) puts the [`Principal`] in the
//! request extensions; a protected path without one is refused
//! before any handler runs. Handlers never parse tokens themselves.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use decentra_core::{ClientMeta, Error, Services};
use decentra_proto::rpc;

use crate::grpc;

/// Whether `path` needs an authenticated caller. Every `decentra.v1` RPC does except
/// [`rpc::PUBLIC`]; every REST route behind this layer does (the public REST routes are
/// mounted without it); health, reflection and static files do not.
pub fn requires_auth(path: &str) -> bool {
    if path.starts_with("/decentra.v1.") {
        return !rpc::PUBLIC.contains(&path);
    }
    // grpc.health.v1, grpc.reflection.*, /healthz and static files are public.
    path.starts_with("/api/")
}

/// The credential of a request's `authorization` header.
enum Credential<'a> {
    /// `Bearer <access token>`: a user's session.
    Bearer(&'a str),
    /// `Bot <token>`: a bot account.
    Bot(&'a str),
}

fn credential(req: &Request) -> Option<Credential<'_>> {
    let value = req
        .headers()
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") {
        Some(Credential::Bearer(token.trim()))
    } else if scheme.eq_ignore_ascii_case("bot") {
        Some(Credential::Bot(token.trim()))
    } else {
        None
    }
}

/// Attaches [`ClientMeta`] (the caller's IP, for rate limits).
fn attach_meta(req: &mut Request) {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    req.extensions_mut().insert(ClientMeta { ip });
}

/// The middleware of the public REST routes: connection facts only, no authentication.
pub async fn client_meta(mut req: Request, next: Next) -> Response {
    attach_meta(&mut req);
    next.run(req).await
}

/// The middleware: attach [`ClientMeta`] and [`decentra_core::Principal`], or refuse.
pub async fn authenticate(
    State(services): State<Services>,
    mut req: Request,
    next: Next,
) -> Response {
    attach_meta(&mut req);

    let required = requires_auth(req.uri().path());
    let outcome = match credential(&req) {
        Some(Credential::Bearer(token)) => services.auth.authenticate(token).map(Some),
        Some(Credential::Bot(token)) => services.bots.authenticate(token).await.map(Some),
        None => Ok(None),
    };
    match outcome {
        Ok(Some(principal)) => {
            req.extensions_mut().insert(principal);
        }
        Ok(None) if required => {
            return refuse(
                &req,
                Error::Unauthenticated("missing access token".to_owned()),
            );
        }
        Err(err) if required => return refuse(&req, err),
        // A bad token on a public route is ignored: the route does not use it.
        Ok(None) | Err(_) => {}
    }
    next.run(req).await
}

/// Answers in the caller's protocol: a gRPC status for gRPC(-web), JSON for REST.
fn refuse(req: &Request, err: Error) -> Response {
    let is_grpc = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/grpc"));
    if is_grpc {
        grpc::status(err)
            .into_http::<axum::body::Body>()
            .into_response()
    } else {
        decentra_gateway::ApiError(err).into_response()
    }
}

#[cfg(test)]
mod tests {
    use decentra_proto::rpc;
    use prost::Message;

    use super::requires_auth;

    /// The public list names RPC paths by their generated constants; check each against the
    /// compiled contract too, so a public RPC can never be missing from it.
    #[test]
    fn public_methods_exist() {
        let fds = prost_types::FileDescriptorSet::decode(decentra_proto::FILE_DESCRIPTOR_SET)
            .expect("the generated descriptor set decodes");
        let paths: Vec<String> = fds
            .file
            .iter()
            .flat_map(|f| {
                f.service.iter().flat_map(move |s| {
                    s.method
                        .iter()
                        .map(move |m| format!("/{}.{}/{}", f.package(), s.name(), m.name()))
                })
            })
            .collect();
        for p in rpc::PUBLIC {
            assert!(paths.iter().any(|d| d == p), "{p} is not an RPC");
            assert!(p.starts_with("/decentra.v1.AuthService/"), "{p}");
        }
    }

    /// REST and gRPC agree on which calls are public: a generated REST route is on the public
    /// router exactly when the RPC it forwards to needs no token.
    #[test]
    fn rest_routes_are_public_exactly_when_their_rpc_is() {
        let api = decentra_gateway::Api::load().expect("the contract loads");
        assert!(!api.bindings.is_empty());
        for b in &api.bindings {
            assert_eq!(
                !b.is_public(),
                requires_auth(&b.grpc_path()),
                "{} {} -> {}",
                b.http_method,
                b.template,
                b.grpc_path()
            );
        }
        let public = |template: &str| {
            api.bindings
                .iter()
                .any(|b| b.template == template && b.is_public())
        };
        assert!(public("/api/v1/auth/login"));
        assert!(public("/api/v1/instance"));
        assert!(!public("/api/v1/users/@me"));
        assert!(!public("/api/v1/auth/logout"));
    }

    #[test]
    fn public_and_protected_paths() {
        assert!(!requires_auth("/decentra.v1.AuthService/Login"));
        assert!(!requires_auth("/grpc.health.v1.Health/Check"));
        assert!(!requires_auth(
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
        ));
        assert!(!requires_auth("/healthz"));
        assert!(requires_auth("/decentra.v1.AuthService/Logout"));
        assert!(requires_auth("/decentra.v1.AuthService/ChangePassword"));
        assert!(requires_auth("/decentra.v1.UserService/GetCurrentUser"));
        assert!(requires_auth("/decentra.v1.AuthService/LoginX"));
        assert!(requires_auth("/api/v1/users/@me"));
        assert!(requires_auth("/api/v1/attachments/1/a.png"));
    }
}
