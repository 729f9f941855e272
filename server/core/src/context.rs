//! State shared by every service: the store, the id generator, token keys, caches.

use std::sync::{Arc, RwLock};

use crate::{
    access::PermCache,
    auth::{
        password::{HashingLimits, PasswordHasher},
        rate_limit::{AuthRateLimiter, RateLimits},
        revocation::RevokedSessions,
        tokens::{TokenIssuer, TokenLifetimes},
    },
    error::{Error, Result},
    events::{
        EventBus, EventEncoder, Hub, HubConfig, LocalBus,
        nats::{NatsBus, NatsConfig},
    },
    id::{IdGenerator, now_ms},
    mail::config::{MailConfig, MailSignals},
    secrets::SecretBox,
    settings::InstanceSettings,
    store::Store,
    voice::{config::VoiceConfig, state::VoiceStates},
};

/// What the core needs from configuration. Built once in `main`.
#[derive(Clone)]
pub struct CoreConfig {
    /// HS256 key for access tokens (never printed).
    pub jwt_secret: Vec<u8>,
    /// Token lifetimes.
    pub lifetimes: TokenLifetimes,
    /// Login/registration rate limits.
    pub rate_limits: RateLimits,
    /// How many password hashes run at once and how long one may queue.
    pub password_hashing: HashingLimits,
    /// Node id for snowflakes (0–1023) of a node alone; with `nats`, leased instead.
    pub node_id: u16,
    /// Event hub tuning.
    pub hub: HubConfig,
    /// Several nodes share events through NATS JetStream; `None` = this node alone.
    pub nats: Option<NatsConfig>,
    /// Directory for uploaded files.
    pub upload_dir: std::path::PathBuf,
    /// Voice (mesh cap, TURN).
    pub voice: VoiceConfig,
    /// Links in e-mails and the outbox's retry policy.
    pub mail: MailConfig,
}

impl std::fmt::Debug for CoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoreConfig")
            .field("jwt_secret", &"<redacted>")
            .field("lifetimes", &self.lifetimes)
            .field("rate_limits", &self.rate_limits)
            .field("password_hashing", &self.password_hashing)
            .field("node_id", &self.node_id)
            .field("hub", &self.hub)
            .field("nats", &self.nats.as_ref().map(|n| &n.prefix))
            .field("upload_dir", &self.upload_dir)
            .field("voice", &self.voice)
            .field("mail", &self.mail)
            .finish()
    }
}

/// Purpose (HKDF info) of the key sealing the SMTP password; also its associated data.
const SMTP_PASSWORD: &str = "smtp.password";

/// Shared service state.
#[derive(Debug)]
pub struct Context {
    /// Persistence.
    pub store: Arc<dyn Store>,
    /// Snowflake ids.
    pub ids: IdGenerator,
    /// Access token signer/verifier.
    pub tokens: TokenIssuer,
    /// Token lifetimes.
    pub lifetimes: TokenLifetimes,
    /// Sessions whose access tokens must be refused.
    pub revoked: RevokedSessions,
    /// Login/registration limiter.
    pub rate_limiter: AuthRateLimiter,
    /// Password hashing with bounded concurrency and memory.
    pub passwords: PasswordHasher,
    /// Permission snapshots per server.
    pub perms: Arc<PermCache>,
    /// This node's subscriptions and delivery.
    pub hub: Arc<Hub>,
    /// Where services publish events (delivers through `hub`, through every node's hub when
    /// there are several).
    pub bus: Arc<dyn EventBus>,
    /// The NATS bus when this node is one of several (started by `Services::start`).
    pub cluster: Option<NatsBus>,
    /// Directory for uploaded files (content-addressed).
    pub upload_dir: std::path::PathBuf,
    /// Who is in which voice channel (with several nodes: in the instance, mirrored).
    pub voice: VoiceStates,
    /// Voice tuning.
    pub voice_config: VoiceConfig,
    /// Seals secrets stored in the settings (the SMTP password).
    pub secrets: SecretBox,
    /// E-mail configuration.
    pub mail_config: MailConfig,
    /// Wakes and stops the outbox worker.
    pub mail: MailSignals,
    /// Wakes and stops the notification mail worker.
    pub notify: MailSignals,
    /// Woken when another node changed the instance settings (see [`Context::reload_settings`]).
    pub(crate) settings_reload: Arc<tokio::sync::Notify>,
    /// Cached instance settings (swapped in after each update commits).
    settings: RwLock<Arc<InstanceSettings>>,
    /// Held by a settings update from read to swap ([`Self::lock_settings`]).
    settings_update: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for dyn Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.backend())
    }
}

impl Context {
    /// Loads settings and the recent revocations from the store.
    pub async fn load(
        config: CoreConfig,
        store: Arc<dyn Store>,
        encoder: Arc<dyn EventEncoder>,
    ) -> Result<Self> {
        let secrets = SecretBox::derive(&config.jwt_secret, SMTP_PASSWORD)?;
        let settings = match store.settings_json().await? {
            Some(json) => {
                let mut s: InstanceSettings = serde_json::from_str(&json)
                    .map_err(|e| Error::internal_with("stored settings are unreadable", e))?;
                if s.smtp.password_sealed.is_empty() {
                    if !s.smtp.password.is_empty() {
                        // Stored before sealing existed: seal it now.
                        s.smtp.password_sealed = secrets.seal(&s.smtp.password, SMTP_PASSWORD)?;
                        save_settings_on_start(&*store, &s).await?;
                    }
                } else {
                    match secrets.open(&s.smtp.password_sealed, SMTP_PASSWORD) {
                        Ok(p) => s.smtp.password = p,
                        Err(e) => tracing::warn!(
                            error = %e,
                            "the stored SMTP password cannot be opened; set it again"
                        ),
                    }
                }
                s
            }
            None => {
                let defaults = InstanceSettings::default();
                save_settings_on_start(&*store, &defaults).await?;
                defaults
            }
        };
        let revoked = RevokedSessions::default();
        let window = config.lifetimes.access.as_millis() as i64 + 60_000;
        for session in store.sessions_revoked_since(now_ms() - window).await? {
            revoked.insert(session, now_ms() + window);
        }
        let perms = Arc::new(PermCache::new(Arc::clone(&store)));
        let (hub, bus, cluster, node_id) = match &config.nats {
            None => {
                let hub = Arc::new(Hub::new(encoder, Arc::clone(&perms), config.hub));
                let bus: Arc<dyn EventBus> = Arc::new(LocalBus(Arc::clone(&hub)));
                (hub, bus, None, config.node_id)
            }
            Some(nats) => {
                let nats = NatsBus::connect(nats, Arc::clone(&encoder)).await?;
                let hub = Arc::new(Hub::clustered(
                    encoder,
                    Arc::clone(&perms),
                    config.hub,
                    nats.cluster(),
                ));
                let bus: Arc<dyn EventBus> = Arc::new(nats.clone());
                hub.set_outbound(Arc::downgrade(&bus));
                // Several nodes: the id generator's node id is leased, never configured.
                let node_id = nats.node_id();
                (hub, bus, Some(nats), node_id)
            }
        };
        // Several nodes: the voice states are the instance's.
        let voice = match &cluster {
            Some(nats) => VoiceStates::clustered(nats.voice().await?),
            None => VoiceStates::default(),
        };
        // Several nodes: the login budgets are the instance's.
        let rate_limiter = match &cluster {
            Some(nats) => AuthRateLimiter::shared(config.rate_limits, Arc::new(nats.clone())),
            None => AuthRateLimiter::new(config.rate_limits),
        };
        Ok(Self {
            perms,
            hub,
            bus,
            cluster,
            upload_dir: config.upload_dir,
            voice,
            voice_config: config.voice,
            secrets,
            mail_config: config.mail,
            mail: MailSignals::default(),
            notify: MailSignals::default(),
            settings_reload: Arc::default(),
            tokens: TokenIssuer::new(&config.jwt_secret, config.lifetimes.access),
            ids: IdGenerator::new(node_id),
            lifetimes: config.lifetimes,
            rate_limiter,
            passwords: PasswordHasher::new(config.password_hashing),
            revoked,
            store,
            settings: RwLock::new(Arc::new(settings)),
            settings_update: tokio::sync::Mutex::new(()),
        })
    }

    /// The current instance settings.
    pub fn settings(&self) -> Arc<InstanceSettings> {
        self.settings
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    /// Seals the secrets of `settings` for storage (the SMTP password) and returns the
    /// document to save; a unit of work saves it and swaps it in after commit.
    pub(crate) fn sealed_settings_json(&self, settings: &mut InstanceSettings) -> Result<String> {
        settings.smtp.password_sealed =
            self.secrets.seal(&settings.smtp.password, SMTP_PASSWORD)?;
        serde_json::to_string(settings).map_err(Error::internal)
    }

    /// Serialises settings updates on this node, from reading the current settings until the
    /// committed ones are swapped in, so none is lost and the cache ends as the store.
    pub(crate) async fn lock_settings(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.settings_update.lock().await
    }

    /// Reads the instance settings again from the store and swaps them in (another node
    /// changed them), under the settings lock, so an update on this node is never undone.
    pub(crate) async fn reload_settings(&self) -> Result<()> {
        let _guard = self.lock_settings().await;
        let Some(json) = self.store.settings_json().await? else {
            return Ok(());
        };
        let mut s: InstanceSettings = serde_json::from_str(&json)
            .map_err(|e| Error::internal_with("stored settings are unreadable", e))?;
        if !s.smtp.password_sealed.is_empty() {
            s.smtp.password = self.secrets.open(&s.smtp.password_sealed, SMTP_PASSWORD)?;
        }
        self.set_settings(Arc::new(s));
        self.notify.wake();
        Ok(())
    }

    /// Swaps in committed settings: called by the unit of work after its commit only.
    pub(crate) fn set_settings(&self, settings: Arc<InstanceSettings>) {
        match self.settings.write() {
            Ok(mut s) => *s = settings,
            Err(poisoned) => *poisoned.into_inner() = settings,
        }
    }
}

/// Saves the settings document on start (defaults, or a password sealed for the first time):
/// no service call, so no unit of work; still one write transaction, the only way to write.
async fn save_settings_on_start(store: &dyn Store, settings: &InstanceSettings) -> Result<()> {
    let json = serde_json::to_string(settings).map_err(Error::internal)?;
    let mut tx = store.begin_write().await?;
    tx.save_settings_json(&json).await?;
    tx.commit().await
}
