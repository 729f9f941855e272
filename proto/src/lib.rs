//! The Decentra v1 API, generated from `proto/decentra/v1` — the one contract shared by the
//! server, the Rust SDK, the REST gateway and the web client.

#![allow(clippy::all, missing_docs)]

/// `decentra.v1`: every message, enum, client and server of the API.
pub mod v1 {
    tonic::include_proto!("decentra.v1");
}

/// Encoded `FileDescriptorSet` of the API, with the proto comments (the OpenAPI document's
/// descriptions).
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("decentra_descriptor");

/// [`FILE_DESCRIPTOR_SET`] without source info (comments), options and their extensions
/// kept: for what keeps the contract decoded for the server's lifetime (gRPC reflection,
/// the REST transcoder), a fraction of the memory.
pub const FILE_DESCRIPTOR_SET_COMPACT: &[u8] =
    tonic::include_file_descriptor_set!("decentra_descriptor_compact");

/// The path of every RPC (`rpc::auth_service::LOGIN`) and the name of every service
/// ([`rpc::SERVICES`]), generated from the same descriptors as [`v1`].
pub mod rpc {
    include!(concat!(env!("OUT_DIR"), "/decentra_rpc.rs"));

    /// The RPCs callable without an access token (signing up and in, recovering an account,
    /// what the instance is). Everything else needs one. gRPC's auth layer and the REST
    /// gateway's public router both read this list; a renamed RPC fails to compile here.
    pub const PUBLIC: &[&str] = &[
        auth_service::REGISTER,
        auth_service::LOGIN,
        auth_service::REFRESH_TOKEN,
        auth_service::REQUEST_PASSWORD_RESET,
        auth_service::RESET_PASSWORD,
        auth_service::VERIFY_EMAIL,
        auth_service::UNSUBSCRIBE_EMAIL_NOTIFICATIONS,
        auth_service::GET_INSTANCE_INFO,
    ];
}
