//! Rust SDK for Decentra: the generated gRPC clients of every `decentra.v1` service, sharing
//! one HTTP/2 connection and one token store, so a bot or app signs in once and every
//! client sends `authorization: Bearer …` from then on.
//!
//! ```no_run
//! # async fn demo() -> Result<(), decentra_sdk::Error> {
//! let client = decentra_sdk::Client::connect("http://127.0.0.1:8765").await?;
//! client.login("alice", "correct horse battery").await?;
//! let me = client.users().get_current_user(decentra_sdk::proto::GetCurrentUserRequest {}).await?;
//! println!("signed in as {}", me.into_inner().user.unwrap_or_default().username);
//! # Ok(()) }
//! ```

use std::sync::{Arc, RwLock};

use tonic::{
    Request, Status,
    metadata::{Ascii, MetadataValue},
    service::{Interceptor, interceptor::InterceptedService},
    transport::{Channel, Endpoint},
};

/// The generated API types (`decentra.v1`).
pub use decentra_proto::v1 as proto;

/// SDK errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server could not be reached or the URL is invalid.
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// The server answered with an error status.
    #[error("{}: {}", .0.code(), .0.message())]
    Status(#[from] Status),
}

#[derive(Debug, Default)]
struct Tokens {
    access: Option<MetadataValue<Ascii>>,
    refresh: Option<String>,
}

/// Adds the current access token to every request.
#[derive(Debug, Clone, Default)]
pub struct BearerAuth(Arc<RwLock<Tokens>>);

impl Interceptor for BearerAuth {
    fn call(&mut self, mut req: Request<()>) -> Result<Request<()>, Status> {
        if let Ok(tokens) = self.0.read()
            && let Some(v) = &tokens.access
        {
            req.metadata_mut().insert("authorization", v.clone());
        }
        Ok(req)
    }
}

/// A generated client that authenticates with the shared tokens.
pub type Authed = InterceptedService<Channel, BearerAuth>;

/// A connection to one Decentra server. Cheap to clone; clones share tokens.
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
    /// `AuthService`.
    auth => auth_service_client::AuthServiceClient;
    /// `UserService`.
    users => user_service_client::UserServiceClient;
    /// `RelationshipService`.
    relationships => relationship_service_client::RelationshipServiceClient;
    /// `ServerService`.
    servers => server_service_client::ServerServiceClient;
    /// `InviteService`.
    invites => invite_service_client::InviteServiceClient;
    /// `ChannelService`.
    channels => channel_service_client::ChannelServiceClient;
    /// `RoleService`.
    roles => role_service_client::RoleServiceClient;
    /// `MessageService`.
    messages => message_service_client::MessageServiceClient;
    /// `EventService`.
    events => event_service_client::EventServiceClient;
    /// `VoiceService`.
    voice => voice_service_client::VoiceServiceClient;
    /// `AdminService`.
    admin => admin_service_client::AdminServiceClient;
    /// `BotService`.
    bots => bot_service_client::BotServiceClient;
}

impl Client {
    /// Connects to `url` (e.g. `http://127.0.0.1:8765`).
    pub async fn connect(url: impl Into<String>) -> Result<Self, Error> {
        let channel = Endpoint::from_shared(url.into())?.connect().await?;
        Ok(Self::from_channel(channel))
    }

    /// Wraps an existing channel.
    pub fn from_channel(channel: Channel) -> Self {
        Self {
            channel,
            auth: BearerAuth::default(),
        }
    }

    /// A client on the same connection with its own (empty) tokens: another user or device.
    pub fn fresh_session(&self) -> Self {
        Self::from_channel(self.channel.clone())
    }

    /// Creates an account and keeps its tokens.
    pub async fn register(
        &self,
        req: proto::RegisterRequest,
    ) -> Result<proto::RegisterResponse, Error> {
        let r = self.auth().register(req).await?.into_inner();
        self.set_tokens(&r.access_token, &r.refresh_token)?;
        Ok(r)
    }

    /// Signs in and keeps the tokens.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<proto::LoginResponse, Error> {
        let r = self
            .auth()
            .login(proto::LoginRequest {
                username: username.to_owned(),
                password: password.to_owned(),
            })
            .await?
            .into_inner();
        self.set_tokens(&r.access_token, &r.refresh_token)?;
        Ok(r)
    }

    /// Rotates the tokens with the stored refresh token.
    pub async fn refresh(&self) -> Result<(), Error> {
        let refresh_token = self.refresh_token().unwrap_or_default();
        let r = self
            .auth()
            .refresh_token(proto::RefreshTokenRequest { refresh_token })
            .await?
            .into_inner();
        self.set_tokens(&r.access_token, &r.refresh_token)
    }

    /// Signs out this session and forgets the tokens.
    pub async fn logout(&self) -> Result<(), Error> {
        let refresh_token = self.refresh_token().unwrap_or_default();
        self.auth()
            .logout(proto::LogoutRequest { refresh_token })
            .await?;
        if let Ok(mut t) = self.auth.0.write() {
            *t = Tokens::default();
        }
        Ok(())
    }

    /// Replaces the stored tokens (e.g. restored from disk).
    pub fn set_tokens(&self, access_token: &str, refresh_token: &str) -> Result<(), Error> {
        let value = MetadataValue::try_from(format!("Bearer {access_token}"))
            .map_err(|_| Status::invalid_argument("access token is not valid header text"))?;
        if let Ok(mut t) = self.auth.0.write() {
            t.access = Some(value);
            t.refresh = Some(refresh_token.to_owned());
        }
        Ok(())
    }

    /// The stored refresh token.
    pub fn refresh_token(&self) -> Option<String> {
        self.auth.0.read().ok().and_then(|t| t.refresh.clone())
    }
}
