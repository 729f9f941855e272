//! Who is calling: produced by the one authentication layer, consumed by every service.

use std::net::IpAddr;

use crate::id::Id;

/// An authenticated caller (a signed-in session of a user).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    /// The user.
    pub user_id: Id,
    /// The session the access token belongs to.
    pub session_id: Id,
}

/// Facts about the connection that unauthenticated calls are limited by.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientMeta {
    /// The peer's IP address, when known.
    pub ip: Option<IpAddr>,
}
