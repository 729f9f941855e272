//! Who is calling: produced by the one authentication layer, consumed by every service.

use std::net::IpAddr;

use crate::id::Id;

/// An authenticated caller: a signed-in session of a user, or a bot with its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    /// The user.
    pub user_id: Id,
    /// The session the access token belongs to; for a bot, the id of its current token
    /// (a token reset ends the streams opened with the old one).
    pub session_id: Id,
    /// Whether the caller is a bot (authenticated with `Bot <token>`).
    pub is_bot: bool,
}

/// Facts about the connection that unauthenticated calls are limited by.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientMeta {
    /// The peer's IP address, when known.
    pub ip: Option<IpAddr>,
}
