//! Instance-wide settings, editable by instance admins and stored as one JSON document.

use serde::{Deserialize, Serialize};

/// Who may create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMode {
    /// Anyone may register.
    Open,
    /// A valid instance invite code is required (the default).
    #[default]
    InviteOnly,
    /// Nobody may register (the first user of a fresh instance always can).
    Closed,
}

/// SMTP connection used for verification and password-reset mail.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SmtpSettings {
    /// Whether mail is sent at all.
    pub enabled: bool,
    /// Server host name.
    pub host: String,
    /// Server port (587 for STARTTLS, 465 for TLS).
    pub port: u16,
    /// Login name; empty for no authentication.
    pub username: String,
    /// Login password, in memory only. Write-only: never returned by the API nor printed,
    /// and never stored in clear (see `password_sealed`). Read from a stored document only
    /// when it predates sealing, which the next save replaces.
    #[serde(skip_serializing)]
    pub password: String,
    /// The password sealed with the instance secret ([`crate::secrets::SecretBox`]).
    pub password_sealed: String,
    /// `From:` address.
    pub from_address: String,
    /// `From:` display name.
    pub from_name: String,
    /// How the connection is secured.
    pub tls_mode: SmtpTlsMode,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTlsMode {
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption (local relays only).
    None,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("enabled", &self.enabled)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("password_sealed", &"<redacted>")
            .field("from_address", &self.from_address)
            .field("from_name", &self.from_name)
            .field("tls_mode", &self.tls_mode)
            .finish()
    }
}

/// Everything an instance admin can tune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InstanceSettings {
    /// Shown on the login page and in mail.
    pub instance_name: String,
    /// Shown on the login page.
    pub instance_description: String,
    /// Who may register.
    pub registration_mode: RegistrationMode,
    /// New accounts must verify their e-mail before using the instance.
    pub require_email_verification: bool,
    /// Largest accepted attachment, in bytes.
    pub max_upload_bytes: u64,
    /// Longest accepted message, in Unicode scalar values.
    pub max_message_length: u32,
    /// How many servers one user may own.
    pub max_servers_per_user: u32,
    /// Members per server.
    pub max_members_per_server: u32,
    /// Channels per server.
    pub max_channels_per_server: u32,
    /// Roles per server.
    pub max_roles_per_server: u32,
    /// Members per group DM.
    pub max_group_dm_members: u32,
    /// Bots one user may own.
    pub max_bots_per_user: u32,
    /// Messages one user may send per minute.
    pub message_rate_limit_per_minute: u32,
    /// Outgoing mail.
    pub smtp: SmtpSettings,
    /// STUN/TURN servers for voice.
    pub voice: VoiceSettings,
    /// Whether users may opt in to notification e-mails (a DM or mention while offline).
    pub email_notifications: bool,
    /// How long a user must stay offline after a DM or mention before the notification
    /// e-mail goes out, in minutes.
    pub email_notification_delay_minutes: u32,
}

/// Bounds of [`InstanceSettings::email_notification_delay_minutes`].
pub const NOTIFICATION_DELAY_MINUTES: std::ops::RangeInclusive<u32> = 1..=1440;

/// STUN/TURN servers handed to voice clients.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct VoiceSettings {
    /// STUN URLs.
    pub stun_urls: Vec<String>,
    /// TURN URLs (used only with a secret).
    pub turn_urls: Vec<String>,
    /// Shared secret of the TURN server for time-limited credentials. Write-only: never
    /// returned by the API nor printed.
    pub turn_secret: String,
    /// Whether a secret is stored: set on the redacted copy handed to admins (whose
    /// `turn_secret` is blanked); never stored.
    #[serde(skip)]
    pub turn_secret_set: bool,
}

impl std::fmt::Debug for VoiceSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoiceSettings")
            .field("stun_urls", &self.stun_urls)
            .field("turn_urls", &self.turn_urls)
            .field("turn_secret", &"<redacted>")
            .field("turn_secret_set", &self.turn_secret_set)
            .finish()
    }
}

impl Default for InstanceSettings {
    fn default() -> Self {
        Self {
            instance_name: "Decentra".to_owned(),
            instance_description: String::new(),
            registration_mode: RegistrationMode::InviteOnly,
            require_email_verification: false,
            max_upload_bytes: 25 * 1024 * 1024,
            max_message_length: 4000,
            max_servers_per_user: 100,
            max_members_per_server: 100_000,
            max_channels_per_server: 500,
            max_roles_per_server: 250,
            max_group_dm_members: 10,
            max_bots_per_user: 10,
            message_rate_limit_per_minute: 120,
            smtp: SmtpSettings {
                port: 587,
                ..SmtpSettings::default()
            },
            voice: VoiceSettings::default(),
            email_notifications: false,
            email_notification_delay_minutes: 15,
        }
    }
}
