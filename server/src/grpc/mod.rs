//! gRPC adapters: each handler converts the request, takes the principal the auth layer
//! attached, calls the core service and converts the result back. No rules live here.

mod admin;
mod auth;
mod bots;
mod channels;
mod convert;
pub mod events;
mod ids;
mod invites;
pub mod lazy;
mod messages;
mod relationships;
mod roles;
mod servers;
mod users;
mod voice;

use decentra_core::{ClientMeta, Error, Principal, Services};
use decentra_proto::v1 as pb;
use tonic::{Request, Status, metadata::MetadataValue, service::Routes};
use tonic_types::{ErrorDetails, StatusExt};

/// Converts a core error to a gRPC status (code chosen by [`Error::codes`]): field details
/// for invalid input, a retry hint for rate limits, nothing internal ever leaks.
pub fn status(err: Error) -> Status {
    let (code, _) = err.codes();
    let message = err.public_message();
    match err {
        Error::Invalid(fields) => {
            let mut details = ErrorDetails::new();
            for f in &fields {
                details.add_bad_request_violation(f.field, &f.description);
            }
            Status::with_error_details(code, message, details)
        }
        Error::RateLimited { retry_after } => {
            let mut status = Status::with_error_details(
                code,
                message,
                ErrorDetails::with_retry_info(Some(retry_after)),
            );
            if let Ok(v) = MetadataValue::try_from(retry_after.as_secs().max(1).to_string()) {
                status.metadata_mut().insert("retry-after", v);
            }
            status
        }
        Error::Internal(_) => {
            tracing::error!(error = %err.report(), "internal error");
            Status::new(code, message)
        }
        _ => Status::new(code, message),
    }
}

/// The authenticated caller. The auth layer guarantees it on every protected RPC; its
/// absence here means a routing bug, answered as UNAUTHENTICATED rather than a panic.
pub fn principal<T>(req: &Request<T>) -> Result<Principal, Status> {
    req.extensions()
        .get::<Principal>()
        .copied()
        .ok_or_else(|| Status::unauthenticated("missing access token"))
}

/// Connection facts (client IP) attached by the auth layer.
pub fn client_meta<T>(req: &Request<T>) -> ClientMeta {
    req.extensions()
        .get::<ClientMeta>()
        .copied()
        .unwrap_or_default()
}

/// Every decentra.v1 gRPC service.
pub fn routes(services: &Services) -> Routes {
    use pb::*;
    Routes::new(auth_service_server::AuthServiceServer::new(auth::AuthApi(
        services.clone(),
    )))
    .add_service(user_service_server::UserServiceServer::new(users::UserApi(
        services.clone(),
    )))
    .add_service(admin_service_server::AdminServiceServer::new(
        admin::AdminApi(services.clone()),
    ))
    .add_service(relationship_service_server::RelationshipServiceServer::new(
        relationships::RelationshipApi(services.clone()),
    ))
    .add_service(server_service_server::ServerServiceServer::new(
        servers::ServerApi(services.clone()),
    ))
    .add_service(invite_service_server::InviteServiceServer::new(
        invites::InviteApi(services.clone()),
    ))
    .add_service(channel_service_server::ChannelServiceServer::new(
        channels::ChannelApi(services.clone()),
    ))
    .add_service(role_service_server::RoleServiceServer::new(roles::RoleApi(
        services.clone(),
    )))
    .add_service(
        message_service_server::MessageServiceServer::new(messages::MessageApi(services.clone()))
            // Uploads travel in UploadAttachment; the configured limit (25 MB by default) is
            // enforced by the service, this only lifts tonic's 4 MiB transport default.
            .max_decoding_message_size(MAX_UPLOAD_MESSAGE),
    )
    .add_service(events::EventServer(services.clone()))
    .add_service(voice_service_server::VoiceServiceServer::new(
        voice::VoiceApi(services.clone()),
    ))
    .add_service(bot_service_server::BotServiceServer::new(bots::BotApi(
        services.clone(),
    )))
}

/// Largest UploadAttachment request accepted by the transport (the service applies the
/// instance's configured limit below this).
const MAX_UPLOAD_MESSAGE: usize = 64 * 1024 * 1024;

/// Names of the decentra.v1 services (for health reporting), generated from the proto: every
/// one of them is mounted by [`routes`] (the generated servers have no default stubs).
pub const SERVICE_NAMES: &[&str] = decentra_proto::rpc::SERVICES;

#[cfg(test)]
mod tests {
    use tonic::server::NamedService;

    use super::*;

    /// The generated list names exactly the services [`routes`] mounts.
    #[test]
    fn service_names_are_the_mounted_servers() {
        let mounted = [
            <pb::auth_service_server::AuthServiceServer<auth::AuthApi>>::NAME,
            <pb::user_service_server::UserServiceServer<users::UserApi>>::NAME,
            <pb::relationship_service_server::RelationshipServiceServer<
                relationships::RelationshipApi,
            >>::NAME,
            <pb::server_service_server::ServerServiceServer<servers::ServerApi>>::NAME,
            <pb::invite_service_server::InviteServiceServer<invites::InviteApi>>::NAME,
            <pb::channel_service_server::ChannelServiceServer<channels::ChannelApi>>::NAME,
            <pb::role_service_server::RoleServiceServer<roles::RoleApi>>::NAME,
            <pb::message_service_server::MessageServiceServer<messages::MessageApi>>::NAME,
            events::EventServer::NAME,
            <pb::voice_service_server::VoiceServiceServer<voice::VoiceApi>>::NAME,
            <pb::admin_service_server::AdminServiceServer<admin::AdminApi>>::NAME,
            <pb::bot_service_server::BotServiceServer<bots::BotApi>>::NAME,
        ];
        let mut mounted = mounted.to_vec();
        let mut generated = SERVICE_NAMES.to_vec();
        mounted.sort_unstable();
        generated.sort_unstable();
        assert_eq!(mounted, generated);
    }
}
