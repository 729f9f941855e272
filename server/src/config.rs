//! Configuration: safe embedded defaults, then an optional TOML file (`DECENTRA_CONFIG`),
//! then environment variables. Nothing is required to start.

use std::{
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::{Context as _, Result};
use base64::{Engine, engine::general_purpose::STANDARD};
use decentra_core::{
    CoreConfig,
    auth::{TokenLifetimes, password::HashingLimits, rate_limit::RateLimits},
    events::{HubConfig, nats::NatsConfig},
    mail::config::MailConfig,
    voice::config::VoiceConfig,
};
use rand::RngCore;
use serde::Deserialize;

/// Server configuration. `Debug` never shows secrets.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address of the one listening port (gRPC, gRPC-web, REST, web client).
    pub bind: SocketAddr,
    /// `postgres://…` or `sqlite://…`; empty = SQLite file in `data_dir`.
    pub database_url: String,
    /// A read replica of the PostgreSQL database for message history; empty = none.
    pub database_read_url: String,
    /// Directory for the SQLite database, the generated JWT secret and uploads.
    pub data_dir: PathBuf,
    /// HS256 secret for access tokens; empty = generated once and kept in `data_dir`.
    pub jwt_secret: String,
    /// Access token lifetime in seconds.
    pub access_token_ttl_secs: u64,
    /// Refresh token (sliding) lifetime in seconds.
    pub refresh_token_ttl_secs: u64,
    /// Login/register attempts allowed per client IP per minute.
    pub auth_rate_per_ip: u32,
    /// Login/register attempts allowed per username per minute.
    pub auth_rate_per_username: u32,
    /// Password hashes computed at once (19 MiB each); 0 = one per CPU core.
    pub password_hash_concurrency: usize,
    /// Snowflake node id (0–1023) of a node alone; with `nats_url`, each node leases one.
    pub node_id: u16,
    /// Events kept in memory for resuming streams.
    pub event_replay_window: usize,
    /// Events queued per stream before a slow client is cut off (told to resync).
    pub event_queue_capacity: usize,
    /// Heartbeat period of idle event streams, in seconds.
    pub heartbeat_secs: u64,
    /// Milliseconds after a user's last stream closes before they show as offline.
    pub presence_grace_ms: u64,
    /// NATS server (with JetStream) shared by several nodes; empty = this node alone.
    pub nats_url: String,
    /// First token of the NATS subjects and of the event stream's name.
    pub nats_prefix: String,
    /// Seconds the NATS event stream keeps events for resuming clients.
    pub event_retention_secs: u64,
    /// Bytes the NATS event stream may hold (the oldest events go first).
    pub event_retention_bytes: i64,
    /// Seconds after which a node that stopped refreshing its liveness in NATS counts as
    /// dead (3–600; the same on every node): users only it held go offline.
    pub nats_node_ttl_secs: u64,
    /// Participants one voice channel may hold (peer-to-peer mesh), at least 2.
    pub voice_mesh_cap: usize,
    /// Milliseconds a DM call rings before the unanswered are no longer rung.
    pub call_ring_timeout_ms: u64,
    /// Log filter (tracing `EnvFilter` syntax).
    pub log: String,
    /// `pretty` or `json`.
    pub log_format: String,
    /// PEM certificate chain: with `tls_key`, the port serves HTTPS only.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with a self-signed certificate generated once into `data_dir/tls` (LAN use).
    pub tls_self_signed: bool,
    /// Extra DNS names / IP addresses for the self-signed certificate.
    pub tls_names: Vec<String>,
    /// Public IP of the embedded TURN server; unset = the TURN server is off.
    pub turn_public_ip: Option<IpAddr>,
    /// The TURN port, UDP and TCP on the same number (relays use it too).
    pub turn_port: u16,
    /// Relay ports (`min-max`, UDP) of TURN allocations; `0` = any free port.
    #[serde(deserialize_with = "de_port_range")]
    pub turn_relay_ports: Option<(u16, u16)>,
    /// Local address the TURN sockets bind to.
    pub turn_bind: IpAddr,
    /// TURN REST shared secret; empty = generated once and kept in `data_dir`.
    pub turn_secret: String,
    /// Let the embedded TURN server relay to loopback / private / link-local peers
    /// (LAN-only deployments). Off: such relays are refused (no SSRF into the host's LAN).
    pub turn_allow_private_peers: bool,
    /// Base URL of the web app as users reach it, for links in e-mails.
    pub public_url: String,
    /// Milliseconds before the first retry of an unsent e-mail (doubling after each failure).
    pub mail_retry_base_ms: u64,
    /// Longest delay between e-mail retries, in milliseconds.
    pub mail_retry_max_ms: u64,
    /// For tests: replaces the admin's offline delay (whole minutes) before a notification
    /// e-mail with this many milliseconds. Unset in production.
    pub mail_notify_delay_ms: Option<u64>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([0, 0, 0, 0], 8765)),
            database_url: String::new(),
            database_read_url: String::new(),
            data_dir: PathBuf::from("data"),
            jwt_secret: String::new(),
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            auth_rate_per_ip: RateLimits::default().per_ip_per_minute,
            auth_rate_per_username: RateLimits::default().per_username_per_minute,
            password_hash_concurrency: 0,
            node_id: 0,
            event_replay_window: HubConfig::default().replay_window,
            event_queue_capacity: HubConfig::default().queue_capacity,
            heartbeat_secs: HubConfig::default().heartbeat.as_secs(),
            presence_grace_ms: HubConfig::default().presence_grace.as_millis() as u64,
            nats_url: String::new(),
            nats_prefix: NatsConfig::new("").prefix,
            event_retention_secs: NatsConfig::new("").max_age.as_secs(),
            event_retention_bytes: NatsConfig::new("").max_bytes,
            nats_node_ttl_secs: NatsConfig::new("").node_ttl.as_secs(),
            voice_mesh_cap: VoiceConfig::default().mesh_cap,
            call_ring_timeout_ms: VoiceConfig::default().ring_timeout.as_millis() as u64,
            log: "info".to_owned(),
            log_format: "pretty".to_owned(),
            tls_cert: None,
            tls_key: None,
            tls_self_signed: false,
            tls_names: Vec::new(),
            turn_public_ip: None,
            turn_port: 3478,
            turn_relay_ports: Some((49152, 49407)),
            turn_bind: IpAddr::from([0, 0, 0, 0]),
            turn_secret: String::new(),
            turn_allow_private_peers: false,
            public_url: MailConfig::default().public_url,
            mail_retry_base_ms: MailConfig::default().retry_base.as_millis() as u64,
            mail_retry_max_ms: MailConfig::default().retry_max.as_millis() as u64,
            mail_notify_delay_ms: None,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(&self.database_url))
            .field("database_read_url", &redact_url(&self.database_read_url))
            .field("data_dir", &self.data_dir)
            .field("jwt_secret", &"<redacted>")
            .field("access_token_ttl_secs", &self.access_token_ttl_secs)
            .field("refresh_token_ttl_secs", &self.refresh_token_ttl_secs)
            .field("auth_rate_per_ip", &self.auth_rate_per_ip)
            .field("auth_rate_per_username", &self.auth_rate_per_username)
            .field("password_hash_concurrency", &self.password_hash_concurrency)
            .field("node_id", &self.node_id)
            .field("event_replay_window", &self.event_replay_window)
            .field("event_queue_capacity", &self.event_queue_capacity)
            .field("heartbeat_secs", &self.heartbeat_secs)
            .field("presence_grace_ms", &self.presence_grace_ms)
            .field("nats_url", &redact_url(&self.nats_url))
            .field("nats_prefix", &self.nats_prefix)
            .field("event_retention_secs", &self.event_retention_secs)
            .field("event_retention_bytes", &self.event_retention_bytes)
            .field("nats_node_ttl_secs", &self.nats_node_ttl_secs)
            .field("voice_mesh_cap", &self.voice_mesh_cap)
            .field("call_ring_timeout_ms", &self.call_ring_timeout_ms)
            .field("log", &self.log)
            .field("log_format", &self.log_format)
            .field("tls_cert", &self.tls_cert)
            .field("tls_key", &self.tls_key)
            .field("tls_self_signed", &self.tls_self_signed)
            .field("tls_names", &self.tls_names)
            .field("turn_public_ip", &self.turn_public_ip)
            .field("turn_port", &self.turn_port)
            .field("turn_relay_ports", &self.turn_relay_ports)
            .field("turn_bind", &self.turn_bind)
            .field("turn_secret", &"<redacted>")
            .field("turn_allow_private_peers", &self.turn_allow_private_peers)
            .field("public_url", &self.public_url)
            .field("mail_retry_base_ms", &self.mail_retry_base_ms)
            .field("mail_retry_max_ms", &self.mail_retry_max_ms)
            .field("mail_notify_delay_ms", &self.mail_notify_delay_ms)
            .finish()
    }
}

/// A database URL with any password replaced, safe for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Config {
    /// Defaults, overlaid by the file named in `DECENTRA_CONFIG`, overlaid by env vars.
    pub fn load() -> Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`Config::load`] with an injectable environment (for tests).
    pub fn from_lookup(env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let mut c = match env("DECENTRA_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading config file {path}"))?;
                toml::from_str(&text).with_context(|| format!("parsing config file {path}"))?
            }
            None => Config::default(),
        };
        fn parse<T: std::str::FromStr>(key: &str, v: String) -> Result<T>
        where
            T::Err: std::fmt::Display,
        {
            v.trim()
                .parse()
                .map_err(|e| anyhow::anyhow!("{key}={v:?} is invalid: {e}"))
        }
        if let Some(v) = env("DECENTRA_BIND") {
            c.bind = parse("DECENTRA_BIND", v)?;
        }
        if let Some(v) = env("DATABASE_URL") {
            c.database_url = v;
        }
        if let Some(v) = env("DATABASE_READ_URL") {
            c.database_read_url = v.trim().to_owned();
        }
        if let Some(v) = env("DECENTRA_DATA_DIR") {
            c.data_dir = PathBuf::from(v);
        }
        if let Some(v) = env("DECENTRA_JWT_SECRET") {
            c.jwt_secret = v;
        }
        if let Some(v) = env("DECENTRA_ACCESS_TOKEN_TTL_SECS") {
            c.access_token_ttl_secs = parse("DECENTRA_ACCESS_TOKEN_TTL_SECS", v)?;
        }
        if let Some(v) = env("DECENTRA_REFRESH_TOKEN_TTL_SECS") {
            c.refresh_token_ttl_secs = parse("DECENTRA_REFRESH_TOKEN_TTL_SECS", v)?;
        }
        if let Some(v) = env("DECENTRA_AUTH_RATE_PER_IP") {
            c.auth_rate_per_ip = parse("DECENTRA_AUTH_RATE_PER_IP", v)?;
        }
        if let Some(v) = env("DECENTRA_AUTH_RATE_PER_USERNAME") {
            c.auth_rate_per_username = parse("DECENTRA_AUTH_RATE_PER_USERNAME", v)?;
        }
        if let Some(v) = env("DECENTRA_PASSWORD_HASH_CONCURRENCY") {
            c.password_hash_concurrency = parse("DECENTRA_PASSWORD_HASH_CONCURRENCY", v)?;
        }
        if let Some(v) = env("DECENTRA_NODE_ID") {
            c.node_id = parse("DECENTRA_NODE_ID", v)?;
        }
        if let Some(v) = env("DECENTRA_EVENT_REPLAY_WINDOW") {
            c.event_replay_window = parse("DECENTRA_EVENT_REPLAY_WINDOW", v)?;
        }
        if let Some(v) = env("DECENTRA_EVENT_QUEUE_CAPACITY") {
            c.event_queue_capacity = parse("DECENTRA_EVENT_QUEUE_CAPACITY", v)?;
        }
        if let Some(v) = env("DECENTRA_HEARTBEAT_SECS") {
            c.heartbeat_secs = parse("DECENTRA_HEARTBEAT_SECS", v)?;
        }
        if let Some(v) = env("DECENTRA_PRESENCE_GRACE_MS") {
            c.presence_grace_ms = parse("DECENTRA_PRESENCE_GRACE_MS", v)?;
        }
        if let Some(v) = env("DECENTRA_NATS_URL") {
            c.nats_url = v.trim().to_owned();
        }
        if let Some(v) = env("DECENTRA_NATS_PREFIX") {
            c.nats_prefix = v.trim().to_owned();
        }
        if let Some(v) = env("DECENTRA_EVENT_RETENTION_SECS") {
            c.event_retention_secs = parse("DECENTRA_EVENT_RETENTION_SECS", v)?;
        }
        if let Some(v) = env("DECENTRA_EVENT_RETENTION_BYTES") {
            c.event_retention_bytes = parse("DECENTRA_EVENT_RETENTION_BYTES", v)?;
        }
        if let Some(v) = env("DECENTRA_NATS_NODE_TTL_SECS") {
            c.nats_node_ttl_secs = parse("DECENTRA_NATS_NODE_TTL_SECS", v)?;
        }
        anyhow::ensure!(
            (3..=600).contains(&c.nats_node_ttl_secs),
            "DECENTRA_NATS_NODE_TTL_SECS must be between 3 and 600"
        );
        anyhow::ensure!(
            NatsConfig::valid_prefix(&c.nats_prefix),
            "DECENTRA_NATS_PREFIX must be letters, digits, '_' and '-'"
        );
        anyhow::ensure!(
            c.event_retention_secs >= 1 && c.event_retention_bytes >= 1 << 20,
            "DECENTRA_EVENT_RETENTION_SECS must be >= 1 and DECENTRA_EVENT_RETENTION_BYTES >= 1048576"
        );
        if let Some(v) = env("DECENTRA_VOICE_MESH_CAP") {
            c.voice_mesh_cap = parse("DECENTRA_VOICE_MESH_CAP", v)?;
        }
        if let Some(v) = env("DECENTRA_CALL_RING_TIMEOUT_MS") {
            c.call_ring_timeout_ms = parse("DECENTRA_CALL_RING_TIMEOUT_MS", v)?;
        }
        if let Some(v) = env("DECENTRA_LOG").or_else(|| env("RUST_LOG")) {
            c.log = v;
        }
        if let Some(v) = env("DECENTRA_LOG_FORMAT") {
            c.log_format = v;
        }
        if let Some(v) = env("DECENTRA_TLS_CERT") {
            c.tls_cert = Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(v) = env("DECENTRA_TLS_KEY") {
            c.tls_key = Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(v) = env("DECENTRA_TLS_SELF_SIGNED") {
            c.tls_self_signed = parse_bool("DECENTRA_TLS_SELF_SIGNED", &v)?;
        }
        if let Some(v) = env("DECENTRA_TLS_NAMES") {
            c.tls_names = v
                .split(',')
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect();
        }
        if let Some(v) = env("DECENTRA_TURN_PUBLIC_IP") {
            c.turn_public_ip = match v.trim() {
                "" => None,
                ip => Some(parse("DECENTRA_TURN_PUBLIC_IP", ip.to_owned())?),
            };
        }
        if let Some(v) = env("DECENTRA_TURN_PORT") {
            c.turn_port = parse("DECENTRA_TURN_PORT", v)?;
        }
        if let Some(v) = env("DECENTRA_TURN_RELAY_PORTS") {
            c.turn_relay_ports = parse_port_range(&v)
                .map_err(|e| anyhow::anyhow!("DECENTRA_TURN_RELAY_PORTS={v:?} is invalid: {e}"))?;
        }
        if let Some(v) = env("DECENTRA_TURN_BIND") {
            c.turn_bind = parse("DECENTRA_TURN_BIND", v)?;
        }
        if let Some(v) = env("DECENTRA_TURN_SECRET") {
            c.turn_secret = v;
        }
        if let Some(v) = env("DECENTRA_TURN_ALLOW_PRIVATE_PEERS") {
            c.turn_allow_private_peers = parse_bool("DECENTRA_TURN_ALLOW_PRIVATE_PEERS", &v)?;
        }
        anyhow::ensure!(
            c.tls_cert.is_some() == c.tls_key.is_some(),
            "DECENTRA_TLS_CERT and DECENTRA_TLS_KEY go together: set both or neither"
        );
        anyhow::ensure!(
            !(c.tls_self_signed && c.tls_cert.is_some()),
            "DECENTRA_TLS_SELF_SIGNED and DECENTRA_TLS_CERT exclude each other"
        );
        if let Some(ip) = c.turn_public_ip {
            anyhow::ensure!(
                !ip.is_unspecified(),
                "DECENTRA_TURN_PUBLIC_IP must be the address clients reach, not {ip}"
            );
        }
        anyhow::ensure!(
            c.turn_secret.is_empty() || c.turn_secret.len() >= 16,
            "DECENTRA_TURN_SECRET must be at least 16 characters"
        );
        anyhow::ensure!(
            (2..=64).contains(&c.voice_mesh_cap),
            "DECENTRA_VOICE_MESH_CAP must be 2..=64"
        );
        if let Some(v) = env("DECENTRA_PUBLIC_URL") {
            c.public_url = v.trim().to_owned();
        }
        if let Some(v) = env("DECENTRA_MAIL_RETRY_BASE_MS") {
            c.mail_retry_base_ms = parse("DECENTRA_MAIL_RETRY_BASE_MS", v)?;
        }
        if let Some(v) = env("DECENTRA_MAIL_RETRY_MAX_MS") {
            c.mail_retry_max_ms = parse("DECENTRA_MAIL_RETRY_MAX_MS", v)?;
        }
        if let Some(v) = env("DECENTRA_MAIL_NOTIFY_DELAY_MS") {
            c.mail_notify_delay_ms = Some(parse("DECENTRA_MAIL_NOTIFY_DELAY_MS", v)?);
        }
        anyhow::ensure!(
            c.public_url.starts_with("http://") || c.public_url.starts_with("https://"),
            "DECENTRA_PUBLIC_URL must start with http:// or https://"
        );
        anyhow::ensure!(
            c.mail_retry_base_ms >= 1 && c.mail_retry_max_ms >= c.mail_retry_base_ms,
            "DECENTRA_MAIL_RETRY_BASE_MS must be >= 1 and <= DECENTRA_MAIL_RETRY_MAX_MS"
        );
        anyhow::ensure!(c.node_id < 1024, "DECENTRA_NODE_ID must be 0..=1023");
        anyhow::ensure!(
            matches!(c.log_format.as_str(), "pretty" | "json"),
            "DECENTRA_LOG_FORMAT must be pretty or json"
        );
        anyhow::ensure!(c.access_token_ttl_secs >= 30, "access token TTL too short");
        anyhow::ensure!(
            c.event_queue_capacity >= 16,
            "DECENTRA_EVENT_QUEUE_CAPACITY must be >= 16"
        );
        anyhow::ensure!(
            c.heartbeat_secs >= 1,
            "DECENTRA_HEARTBEAT_SECS must be >= 1"
        );
        Ok(c)
    }

    /// The database URL, defaulting to `sqlite://<data_dir>/decentra.db`.
    pub fn database_url(&self) -> String {
        if self.database_url.trim().is_empty() {
            format!("sqlite://{}", self.data_dir.join("decentra.db").display())
        } else {
            self.database_url.trim().to_owned()
        }
    }

    /// The read replica's URL, if one is configured.
    pub fn database_read_url(&self) -> Option<&str> {
        Some(self.database_read_url.as_str()).filter(|u| !u.is_empty())
    }

    /// The TLS configuration of the port, if it serves HTTPS: the configured certificate and
    /// key, or the self-signed pair in the data dir (generated on first use).
    pub fn tls(&self) -> Result<Option<Arc<rustls::ServerConfig>>> {
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            return crate::tls::server_config(cert, key).map(Some);
        }
        if self.tls_self_signed {
            let names = crate::tls::self_signed_names(self.bind, &self.tls_names);
            let (cert, key, _) = crate::tls::ensure_self_signed(&self.data_dir, &names)?;
            return crate::tls::server_config(&cert, &key).map(Some);
        }
        Ok(None)
    }

    /// The NATS settings of the core: None (one node) unless `nats_url` is set.
    pub fn core_nats(&self) -> Option<NatsConfig> {
        (!self.nats_url.is_empty()).then(|| NatsConfig {
            url: self.nats_url.clone(),
            prefix: self.nats_prefix.clone(),
            max_age: Duration::from_secs(self.event_retention_secs),
            max_bytes: self.event_retention_bytes,
            node_ttl: Duration::from_secs(self.nats_node_ttl_secs),
        })
    }

    /// The core's configuration; creates the data dir and the JWT secret file if needed.
    pub fn core(&self) -> Result<CoreConfig> {
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating data dir {}", self.data_dir.display()))?;
        let jwt_secret = if self.jwt_secret.is_empty() {
            load_or_create_secret(&self.data_dir.join("jwt_secret"))?
        } else {
            anyhow::ensure!(
                self.jwt_secret.len() >= 32,
                "DECENTRA_JWT_SECRET must be at least 32 characters"
            );
            self.jwt_secret.as_bytes().to_vec()
        };
        Ok(CoreConfig {
            jwt_secret,
            lifetimes: TokenLifetimes {
                access: Duration::from_secs(self.access_token_ttl_secs),
                refresh: Duration::from_secs(self.refresh_token_ttl_secs),
            },
            rate_limits: RateLimits {
                per_ip_per_minute: self.auth_rate_per_ip,
                per_username_per_minute: self.auth_rate_per_username,
            },
            password_hashing: HashingLimits {
                concurrency: match self.password_hash_concurrency {
                    0 => HashingLimits::default().concurrency,
                    n => n,
                },
                ..HashingLimits::default()
            },
            node_id: self.node_id,
            hub: HubConfig {
                replay_window: self.event_replay_window,
                queue_capacity: self.event_queue_capacity,
                heartbeat: Duration::from_secs(self.heartbeat_secs),
                presence_grace: Duration::from_millis(self.presence_grace_ms),
            },
            nats: self.core_nats(),
            upload_dir: self.data_dir.join("uploads"),
            voice: VoiceConfig {
                mesh_cap: self.voice_mesh_cap,
                ring_timeout: Duration::from_millis(self.call_ring_timeout_ms),
                // Filled by `services_with_turn` when the embedded TURN server runs.
                embedded_turn: None,
                ..VoiceConfig::default()
            },
            mail: MailConfig {
                public_url: self.public_url.trim_end_matches('/').to_owned(),
                retry_base: Duration::from_millis(self.mail_retry_base_ms),
                retry_max: Duration::from_millis(self.mail_retry_max_ms),
                notify_delay: self.mail_notify_delay_ms.map(Duration::from_millis),
            },
        })
    }
}

/// `min-max` (inclusive, min > 0) or `0` for any free port.
fn parse_port_range(v: &str) -> Result<Option<(u16, u16)>, String> {
    let v = v.trim();
    if v == "0" {
        return Ok(None);
    }
    let (min, max) = v
        .split_once('-')
        .ok_or("use min-max, e.g. 49152-49407, or 0")?;
    let min: u16 = min.trim().parse().map_err(|e| format!("{e}"))?;
    let max: u16 = max.trim().parse().map_err(|e| format!("{e}"))?;
    if min == 0 || max < min {
        return Err("min must be > 0 and <= max".to_owned());
    }
    Ok(Some((min, max)))
}

fn de_port_range<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<(u16, u16)>, D::Error> {
    let v = String::deserialize(d)?;
    parse_port_range(&v).map_err(serde::de::Error::custom)
}

/// `1/true/yes/on` or `0/false/no/off`.
fn parse_bool(key: &str, v: &str) -> Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => anyhow::bail!("{key}={other:?} is invalid: use 1 or 0"),
    }
}

/// Reads the persisted secret, or generates 64 random bytes and stores them (mode 0600).
pub(crate) fn load_or_create_secret(path: &Path) -> Result<Vec<u8>> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return STANDARD
            .decode(text.trim())
            .with_context(|| format!("{} is not valid base64", path.display()));
    }
    let mut secret = vec![0u8; 64];
    rand::rng().fill_bytes(&mut secret);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut file = opts
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    std::io::Write::write_all(&mut file, STANDARD.encode(&secret).as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new secret");
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_defaults_and_bad_values_are_refused() {
        let c = Config::from_lookup(|k| match k {
            "DECENTRA_BIND" => Some("127.0.0.1:9000".into()),
            "DECENTRA_DATA_DIR" => Some("/srv/x".into()),
            "DECENTRA_PASSWORD_HASH_CONCURRENCY" => Some("3".into()),
            _ => None,
        })
        .expect("valid");
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.password_hash_concurrency, 3);
        assert_eq!(Config::default().password_hash_concurrency, 0);
        assert_eq!(c.database_url(), "sqlite:///srv/x/decentra.db");
        assert!(Config::from_lookup(|k| (k == "DECENTRA_BIND").then(|| "nope".into())).is_err());
        assert!(Config::from_lookup(|k| (k == "DECENTRA_NODE_ID").then(|| "5000".into())).is_err());
    }

    #[test]
    fn nats_settings_are_read_and_checked() {
        let c = Config::from_lookup(|k| match k {
            "DECENTRA_NATS_URL" => Some("nats://u:hunter2@nats:4222".into()),
            "DECENTRA_NATS_PREFIX" => Some("chat-1".into()),
            "DECENTRA_EVENT_RETENTION_SECS" => Some("3600".into()),
            "DECENTRA_NATS_NODE_TTL_SECS" => Some("6".into()),
            _ => None,
        })
        .expect("valid");
        let nats = c.core_nats().expect("NATS configured");
        assert_eq!(nats.prefix, "chat-1");
        assert_eq!(nats.max_age, Duration::from_secs(3600));
        assert_eq!(nats.node_ttl, Duration::from_secs(6));
        assert_eq!(
            Config::default().nats_node_ttl_secs,
            30,
            "a node counts as dead 30 s after its last refresh by default"
        );
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(Config::default().core_nats().is_none(), "unset = one node");
        for (key, bad) in [
            ("DECENTRA_NATS_PREFIX", "a.b"),
            ("DECENTRA_NATS_PREFIX", ""),
            ("DECENTRA_EVENT_RETENTION_SECS", "0"),
            ("DECENTRA_EVENT_RETENTION_BYTES", "1000"),
            ("DECENTRA_NATS_NODE_TTL_SECS", "2"),
            ("DECENTRA_NATS_NODE_TTL_SECS", "601"),
        ] {
            assert!(
                Config::from_lookup(|k| (k == key).then(|| bad.into())).is_err(),
                "{key}={bad:?} must be refused"
            );
        }
    }

    #[test]
    fn secrets_do_not_leak_into_debug() {
        let c = Config {
            jwt_secret: "super-secret-value-super-secret-value".into(),
            database_url: "postgres://u:hunter2@db/x".into(),
            ..Config::default()
        };
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("super-secret") && !dbg.contains("hunter2"),
            "{dbg}"
        );
    }
}
