//! The SDK's one error type.

use tonic::{Code, Status};

/// Everything an SDK call can fail with.
///
/// [`Error::code`] gives the gRPC code whatever the cause, so callers can branch on one value:
///
/// ```
/// use decentra_sdk::{Error, tonic::{Code, Status}};
/// let e = Error::from(Status::not_found("no such channel"));
/// assert_eq!(e.code(), Code::NotFound);
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server could not be reached or the URL is invalid.
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// The server answered with an error status.
    #[error("{}: {}", .0.code(), .0.message())]
    Status(#[from] Status),
    /// An argument was rejected before anything was sent (the message names it).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A WebRTC operation of a voice session failed (feature `voice`).
    #[cfg(feature = "voice")]
    #[error("voice: {0}")]
    Voice(String),
}

impl Error {
    /// The gRPC code of this error: the server's status code, `UNAVAILABLE` for transport
    /// failures and `INVALID_ARGUMENT` for arguments the SDK rejected itself.
    pub fn code(&self) -> Code {
        match self {
            Error::Transport(_) => Code::Unavailable,
            Error::Status(s) => s.code(),
            Error::InvalidArgument(_) => Code::InvalidArgument,
            #[cfg(feature = "voice")]
            Error::Voice(_) => Code::Internal,
        }
    }

    /// The server's status, when the server answered.
    pub fn status(&self) -> Option<&Status> {
        match self {
            Error::Status(s) => Some(s),
            _ => None,
        }
    }
}
