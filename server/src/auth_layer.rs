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

use crate::grpc;

/// Methods of [`grpc::AUTH_SERVICE`] callable without an access token.
const PUBLIC_AUTH_METHODS: &[&str] = &[
    "Register",
    "Login",
    "RefreshToken",
    "RequestPasswordReset",
    "ResetPassword",
    "VerifyEmail",
    "GetInstanceInfo",
];

/// Whether `path` needs an authenticated caller. Everything of the API does except the
/// public RPCs, the REST equivalents the gateway declares public, health and reflection.
pub fn requires_auth(path: &str) -> bool {
    if path.starts_with("/decentra.v1.") {
        return !is_public_rpc(path);
    }
    if path.starts_with("/api/") {
        return !decentra_gateway::PUBLIC_ROUTES.contains(&path)
            && !decentra_gateway::PUBLIC_PREFIXES
                .iter()
                .any(|p| path.starts_with(p));
    }
    // grpc.health.v1, grpc.reflection.*, /healthz and static files are public.
    false
}

/// `/{service}/{method}` naming one of the public RPCs, exactly.
fn is_public_rpc(path: &str) -> bool {
    path.strip_prefix('/')
        .and_then(|rpc| rpc.split_once('/'))
        .is_some_and(|(service, method)| {
            service == grpc::AUTH_SERVICE && PUBLIC_AUTH_METHODS.contains(&method)
        })
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

/// The middleware: attach [`ClientMeta`] and [`decentra_core::Principal`], or refuse.
pub async fn authenticate(
    State(services): State<Services>,
    mut req: Request,
    next: Next,
) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    req.extensions_mut().insert(ClientMeta { ip });

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
    use prost::Message;

    use super::{PUBLIC_AUTH_METHODS, requires_auth};
    use crate::grpc;

    /// The public list names methods, which the generated code has no constants for: check
    /// each against the compiled contract so a rename cannot silently lock users out.
    #[test]
    fn public_methods_exist() {
        let fds = prost_types::FileDescriptorSet::decode(decentra_proto::FILE_DESCRIPTOR_SET)
            .expect("the generated descriptor set decodes");
        let auth = fds
            .file
            .iter()
            .flat_map(|f| {
                f.service
                    .iter()
                    .map(move |s| (format!("{}.{}", f.package(), s.name()), s))
            })
            .find_map(|(name, s)| (name == grpc::AUTH_SERVICE).then_some(s))
            .expect("AuthService is in the descriptor set");
        for m in PUBLIC_AUTH_METHODS {
            assert!(
                auth.method.iter().any(|d| d.name() == *m),
                "{m} is not an AuthService RPC"
            );
        }
    }

    /// REST and gRPC agree on which calls are public: a generated REST route needs a token
    /// exactly when the RPC it forwards to does.
    #[test]
    fn rest_routes_are_public_exactly_when_their_rpc_is() {
        let api = decentra_gateway::Api::load().expect("the contract loads");
        assert!(!api.bindings.is_empty());
        for b in &api.bindings {
            assert_eq!(
                requires_auth(&b.template),
                requires_auth(&b.grpc_path()),
                "{} {} -> {}",
                b.http_method,
                b.template,
                b.grpc_path()
            );
        }
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
        assert!(!requires_auth("/api/v1/auth/login"));
        assert!(!requires_auth("/api/v1/icons/abc"));
        assert!(requires_auth("/api/v1/attachments/1/a.png"));
    }
}
