//! The Decentra v1 API, generated from `proto/decentra/v1` — the one contract shared by the
//! server, the Rust SDK, the REST gateway and the web client.

#![allow(clippy::all, missing_docs)]

/// `decentra.v1`: every message, enum, client and server of the API.
pub mod v1 {
    tonic::include_proto!("decentra.v1");
}

/// Encoded `FileDescriptorSet` of the API, served by gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("decentra_descriptor");
