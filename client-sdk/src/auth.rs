//! Credentials: what goes in the `authorization` metadata and how a user session stays valid.
//!
//! A user session is a short-lived access token plus a rotating refresh token. The SDK refreshes
//! the access token [`REFRESH_MARGIN`] before it expires, and once more when the server answers
//! `UNAUTHENTICATED` (its key or clock changed). Refresh tokens rotate on every use and reusing
//! an old one revokes the session, so refreshes are serialised, and a call that failed with a
//! token another task already replaced just retries.

use std::{
    future::Future,
    sync::{Arc, RwLock},
    time::{Duration, SystemTime},
};

use tonic::{
    Code, Request, Response, Status,
    metadata::{Ascii, MetadataValue},
    service::Interceptor,
};

use crate::{Client, Error, proto};

/// How long before its expiry an access token is replaced.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct Tokens {
    /// The whole `authorization` value (`Bearer …` or `Bot …`).
    header: Option<MetadataValue<Ascii>>,
    refresh: Option<String>,
    expires_at: Option<SystemTime>,
}

#[derive(Debug, Default)]
struct Shared {
    tokens: RwLock<Tokens>,
    /// Held while refreshing, so one refresh token is never used twice.
    refreshing: tokio::sync::Mutex<()>,
}

/// Adds the current credentials (`authorization: Bearer …` or `Bot …`) to every request of the
/// generated clients. Clones share the credentials.
#[derive(Debug, Clone, Default)]
pub struct BearerAuth(Arc<Shared>);

impl Interceptor for BearerAuth {
    fn call(&mut self, mut req: Request<()>) -> Result<Request<()>, Status> {
        if let Some(v) = self.header() {
            req.metadata_mut().insert("authorization", v);
        }
        Ok(req)
    }
}

impl BearerAuth {
    fn header(&self) -> Option<MetadataValue<Ascii>> {
        self.0.tokens.read().ok().and_then(|t| t.header.clone())
    }

    fn needs_refresh(&self) -> bool {
        self.0.tokens.read().is_ok_and(|t| {
            t.refresh.is_some()
                && t.expires_at
                    .is_some_and(|at| SystemTime::now() + REFRESH_MARGIN >= at)
        })
    }

    fn store(&self, tokens: Tokens) {
        if let Ok(mut t) = self.0.tokens.write() {
            *t = tokens;
        }
    }
}

fn header_value(scheme: &str, token: &str) -> Result<MetadataValue<Ascii>, Error> {
    MetadataValue::try_from(format!("{scheme} {token}"))
        .map_err(|_| Error::InvalidArgument("token: not valid header text".to_owned()))
}

fn expiry(ts: Option<prost_types::Timestamp>) -> Option<SystemTime> {
    ts.and_then(|ts| SystemTime::try_from(ts).ok())
}

impl Client {
    /// Connects to `url` as a bot: every call sends `authorization: Bot <token>`. Bot tokens
    /// do not expire, so nothing is ever refreshed.
    ///
    /// The token comes from the bot's owner, once: `CreateBot` returns it (only a hash is
    /// stored), and `AddBotToServer` (MANAGE_SERVER there) puts the bot in a server.
    ///
    /// ```no_run
    /// # async fn demo(owner: decentra_sdk::Client, server_id: String) -> Result<(), decentra_sdk::Error> {
    /// use decentra_sdk::proto;
    /// let created = owner
    ///     .bots()
    ///     .create_bot(proto::CreateBotRequest { name: "echo".into(), ..Default::default() })
    ///     .await?
    ///     .into_inner();
    /// let bot_id = created.bot.map(|b| b.id).unwrap_or_default();
    /// owner
    ///     .bots()
    ///     .add_bot_to_server(proto::AddBotToServerRequest { bot_id, server_id })
    ///     .await?;
    /// let bot = decentra_sdk::Client::bot("http://127.0.0.1:8765", &created.token).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), decentra_sdk::Error> {
    /// let bot = decentra_sdk::Client::bot("http://127.0.0.1:8765", "my-bot-token").await?;
    /// for server in bot.servers_list().await? {
    ///     println!("{}", server.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn bot(url: impl Into<String>, token: &str) -> Result<Self, Error> {
        let client = Self::connect(url).await?;
        client.use_bot_token(token)?;
        Ok(client)
    }

    /// Authenticates every further call with a bot token (`authorization: Bot <token>`),
    /// replacing any user session.
    pub fn use_bot_token(&self, token: &str) -> Result<(), Error> {
        if token.is_empty() {
            return Err(Error::InvalidArgument(
                "token: must not be empty".to_owned(),
            ));
        }
        self.auth.store(Tokens {
            header: Some(header_value("Bot", token)?),
            ..Tokens::default()
        });
        Ok(())
    }

    /// Creates an account and keeps its tokens.
    ///
    /// ```no_run
    /// # async fn demo(client: decentra_sdk::Client) -> Result<(), decentra_sdk::Error> {
    /// client.register(decentra_sdk::proto::RegisterRequest {
    ///     username: "alice".into(),
    ///     password: "correct horse battery".into(),
    ///     ..Default::default()
    /// }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn register(
        &self,
        req: proto::RegisterRequest,
    ) -> Result<proto::RegisterResponse, Error> {
        let r = self.auth().register(req).await?.into_inner();
        self.keep_session(&r.access_token, &r.refresh_token, r.access_token_expires_at)?;
        Ok(r)
    }

    /// Signs in and keeps the tokens; they are refreshed automatically from then on.
    ///
    /// ```no_run
    /// # async fn demo(client: decentra_sdk::Client) -> Result<(), decentra_sdk::Error> {
    /// let me = client.login("alice", "correct horse battery").await?.user;
    /// # Ok(()) }
    /// ```
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
        self.keep_session(&r.access_token, &r.refresh_token, r.access_token_expires_at)?;
        Ok(r)
    }

    /// Rotates the tokens with the stored refresh token now (the SDK also does this by itself
    /// before the access token expires).
    pub async fn refresh(&self) -> Result<(), Error> {
        let _guard = self.auth.0.refreshing.lock().await;
        self.refresh_locked().await
    }

    async fn refresh_locked(&self) -> Result<(), Error> {
        let refresh_token = self.refresh_token().unwrap_or_default();
        let r = self
            .auth()
            .refresh_token(proto::RefreshTokenRequest { refresh_token })
            .await?
            .into_inner();
        self.keep_session(&r.access_token, &r.refresh_token, r.access_token_expires_at)
    }

    /// Signs out this session and forgets the tokens.
    pub async fn logout(&self) -> Result<(), Error> {
        let refresh_token = self.refresh_token().unwrap_or_default();
        self.auth()
            .logout(proto::LogoutRequest { refresh_token })
            .await?;
        self.auth.store(Tokens::default());
        Ok(())
    }

    /// Replaces the stored tokens (e.g. restored from disk). Their expiry is unknown, so the
    /// access token is refreshed only when the server rejects it.
    pub fn set_tokens(&self, access_token: &str, refresh_token: &str) -> Result<(), Error> {
        self.keep_session(access_token, refresh_token, None)
    }

    fn keep_session(
        &self,
        access_token: &str,
        refresh_token: &str,
        expires_at: Option<prost_types::Timestamp>,
    ) -> Result<(), Error> {
        let header = header_value("Bearer", access_token)?;
        self.auth.store(Tokens {
            header: Some(header),
            refresh: Some(refresh_token.to_owned()),
            expires_at: expiry(expires_at),
        });
        Ok(())
    }

    /// The stored refresh token.
    pub fn refresh_token(&self) -> Option<String> {
        self.auth
            .0
            .tokens
            .read()
            .ok()
            .and_then(|t| t.refresh.clone())
    }

    /// When the stored access token expires, if known.
    pub fn access_token_expires_at(&self) -> Option<SystemTime> {
        self.auth.0.tokens.read().ok().and_then(|t| t.expires_at)
    }

    /// Refreshes the access token if it expires within [`REFRESH_MARGIN`]. The high-level
    /// API and the event stream call this before every request; call it before using the
    /// generated clients directly in a long-lived program.
    pub async fn ensure_fresh(&self) -> Result<(), Error> {
        if self.auth.needs_refresh() {
            let _guard = self.auth.0.refreshing.lock().await;
            // Another task may have refreshed while this one waited.
            if self.auth.needs_refresh() {
                self.refresh_locked().await?;
            }
        }
        Ok(())
    }

    /// The credentials the next call will send (after [`Client::ensure_fresh`]).
    pub(crate) async fn credentials_for_call(&self) -> Result<Option<MetadataValue<Ascii>>, Error> {
        self.ensure_fresh().await?;
        Ok(self.auth.header())
    }

    /// After the server answered UNAUTHENTICATED to a call sent with `sent`: refreshes the
    /// session unless another task already did. `true` when a retry may succeed.
    pub(crate) async fn renew(&self, sent: Option<&MetadataValue<Ascii>>) -> Result<bool, Error> {
        let _guard = self.auth.0.refreshing.lock().await;
        let has_refresh = self.refresh_token().is_some();
        if self.auth.header().as_ref() != sent {
            return Ok(true);
        }
        if !has_refresh {
            return Ok(false); // a bot token, or no session at all
        }
        self.refresh_locked().await?;
        Ok(true)
    }

    /// Runs one call with fresh credentials, renewing them once on UNAUTHENTICATED.
    pub(crate) async fn call<T, F, Fut>(&self, f: F) -> Result<T, Error>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Response<T>, Status>>,
    {
        let sent = self.credentials_for_call().await?;
        match f().await {
            Ok(r) => Ok(r.into_inner()),
            Err(s) if s.code() == Code::Unauthenticated && self.renew(sent.as_ref()).await? => {
                Ok(f().await?.into_inner())
            }
            Err(s) => Err(s.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline_client() -> Client {
        // Never connects: these tests only look at the metadata the interceptor adds.
        let channel = tonic::transport::Endpoint::from_static("http://127.0.0.1:9").connect_lazy();
        Client::from_channel(channel)
    }

    fn sent_header(client: &Client) -> Option<String> {
        let mut auth = client.auth.clone();
        let req = auth.call(Request::new(())).ok()?;
        let value = req.metadata().get("authorization")?;
        value.to_str().ok().map(str::to_owned)
    }

    #[tokio::test]
    async fn bot_tokens_use_the_bot_scheme_and_never_refresh() {
        let client = offline_client();
        assert_eq!(sent_header(&client), None);
        client.use_bot_token("abc.def").expect("token");
        assert_eq!(sent_header(&client).as_deref(), Some("Bot abc.def"));
        assert!(!client.auth.needs_refresh());
        assert_eq!(
            client.use_bot_token("").err().map(|e| e.code()),
            Some(Code::InvalidArgument)
        );
        assert_eq!(
            client.use_bot_token("line\nbreak").err().map(|e| e.code()),
            Some(Code::InvalidArgument)
        );
    }

    #[tokio::test]
    async fn user_sessions_use_bearer_and_refresh_inside_the_margin() {
        let client = offline_client();
        client.set_tokens("access", "refresh").expect("tokens");
        assert_eq!(sent_header(&client).as_deref(), Some("Bearer access"));
        // Expiry unknown: refreshed only when the server rejects the token.
        assert!(!client.auth.needs_refresh());
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .expect("clock");
        let at = |secs: u64| prost_types::Timestamp {
            seconds: i64::try_from(now.as_secs() + secs).expect("time"),
            nanos: 0,
        };
        client
            .keep_session(
                "access",
                "refresh",
                Some(at(REFRESH_MARGIN.as_secs() + 600)),
            )
            .expect("tokens");
        assert!(!client.auth.needs_refresh());
        client
            .keep_session("access", "refresh", Some(at(REFRESH_MARGIN.as_secs() - 5)))
            .expect("tokens");
        assert!(client.auth.needs_refresh());
    }
}
