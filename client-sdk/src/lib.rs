//! Rust SDK for Decentra.
//!
//! - [`Client`]: one HTTP/2 connection shared by the generated gRPC clients of every
//!   `decentra.v1` service ([`Client::messages`], [`Client::servers`], …) and one credential
//!   store: [`Client::login`] / [`Client::register`] keep a user session whose access token is
//!   refreshed automatically, [`Client::bot`] sends a bot token.
//! - The high-level API for the common things ([`Client::send_message`],
//!   [`Client::history`], [`Client::servers_list`], …; see the `api` methods on [`Client`]).
//! - [`Client::events`]: the caller's events, reconnected with backoff and resumed from
//!   the last cursor ([`events`]).
//! - [`bot`]: prefix commands (`!ping`) answered exactly once across reconnects and restarts.
//! - [`voice`] (feature `voice`): voice channels and calls over WebRTC — Opus out, the
//!   others' RTP in.
//! - [`Error`] with [`Error::code`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), decentra_sdk::Error> {
//! let client = decentra_sdk::Client::connect("http://127.0.0.1:8765").await?;
//! client.login("alice", "correct horse battery").await?;
//! println!("signed in as {}", client.me().await?.username);
//! for server in client.servers_list().await? {
//!     println!("{} ({})", server.name, server.id);
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod api;
pub mod auth;
pub mod bot;
mod error;
pub mod events;
#[cfg(feature = "voice")]
pub mod voice;

use tonic::{
    service::interceptor::InterceptedService,
    transport::{Channel, Endpoint},
};

pub use auth::BearerAuth;
/// The generated API types (`decentra.v1`).
pub use decentra_proto::v1 as proto;
pub use error::Error;
pub use events::{Event, EventStream};
/// The gRPC library the generated clients are built on (for `Status`, `Code`, …).
pub use tonic;

/// A generated client that authenticates with the shared credentials.
pub type Authed = InterceptedService<Channel, BearerAuth>;

/// A connection to one Decentra server. Cheap to clone; clones share credentials.
#[derive(Debug, Clone)]
pub struct Client {
    channel: Channel,
    auth: BearerAuth,
}

macro_rules! service_clients {
    ($($(#[$doc:meta])* $method:ident => $module:ident :: $client:ident;)*) => {
        impl Client {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> proto::$module::$client<Authed> {
                    proto::$module::$client::with_interceptor(self.channel.clone(), self.auth.clone())
                }
            )*
        }
    };
}

service_clients! {
    /// The generated `AuthService` client.
    auth => auth_service_client::AuthServiceClient;
    /// The generated `UserService` client.
    users => user_service_client::UserServiceClient;
    /// The generated `RelationshipService` client.
    relationships => relationship_service_client::RelationshipServiceClient;
    /// The generated `ServerService` client.
    servers => server_service_client::ServerServiceClient;
    /// The generated `InviteService` client.
    invites => invite_service_client::InviteServiceClient;
    /// The generated `ChannelService` client.
    channels => channel_service_client::ChannelServiceClient;
    /// The generated `RoleService` client.
    roles => role_service_client::RoleServiceClient;
    /// The generated `MessageService` client.
    messages => message_service_client::MessageServiceClient;
    /// The generated `EventService` client: one raw `Subscribe` call, no reconnection.
    /// [`Client::events`] is the typed stream that reconnects and resumes.
    event_service => event_service_client::EventServiceClient;
    /// The generated `VoiceService` client.
    voice => voice_service_client::VoiceServiceClient;
    /// The generated `AdminService` client.
    admin => admin_service_client::AdminServiceClient;
    /// The generated `BotService` client.
    bots => bot_service_client::BotServiceClient;
}

impl Client {
    /// Connects to `url` (e.g. `http://127.0.0.1:8765`). The connection is re-established by
    /// itself after the server restarts.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), decentra_sdk::Error> {
    /// let client = decentra_sdk::Client::connect("http://127.0.0.1:8765").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: impl Into<String>) -> Result<Self, Error> {
        let channel = Endpoint::from_shared(url.into())?.connect().await?;
        Ok(Self::from_channel(channel))
    }

    /// Wraps an existing channel (no credentials yet).
    pub fn from_channel(channel: Channel) -> Self {
        Self {
            channel,
            auth: BearerAuth::default(),
        }
    }

    /// A client on the same connection with its own (empty) credentials: another user or
    /// device.
    pub fn fresh_session(&self) -> Self {
        Self::from_channel(self.channel.clone())
    }
}
