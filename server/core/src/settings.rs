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
    /// Login password. Write-only: never returned by the API nor printed.
    pub password: String,
    /// `From:` address.
    pub from_address: String,
    /// `starttls`, `tls` or `none`.
    pub security: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("enabled", &self.enabled)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("from_address", &self.from_address)
            .field("security", &self.security)
            .finish()
    }
}

/// Everything an instance admin can tune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InstanceSettings {
    /// Shown on the login page and in mail.
    pub instance_name: String,
    /// Who may register.
    pub registration_mode: RegistrationMode,
    /// Largest accepted attachment, in bytes.
    pub max_upload_bytes: u64,
    /// Longest accepted message, in Unicode scalar values.
    pub max_message_length: u32,
    /// How many servers one user may own.
    pub max_servers_per_user: u32,
    /// Outgoing mail.
    pub smtp: SmtpSettings,
}

impl Default for InstanceSettings {
    fn default() -> Self {
        Self {
            instance_name: "Decentra".to_owned(),
            registration_mode: RegistrationMode::InviteOnly,
            max_upload_bytes: 25 * 1024 * 1024,
            max_message_length: 4000,
            max_servers_per_user: 100,
            smtp: SmtpSettings {
                port: 587,
                security: "starttls".to_owned(),
                ..SmtpSettings::default()
            },
        }
    }
}
