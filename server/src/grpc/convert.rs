//! Conversions between core types and protobuf messages.

use decentra_core::{
    settings::{InstanceSettings, RegistrationMode, SmtpTlsMode},
    store::InstanceInviteRecord,
    users::User,
};
use decentra_proto::v1 as pb;
use prost_types::Timestamp;

/// Unix milliseconds → protobuf timestamp.
pub fn timestamp(ms: i64) -> Timestamp {
    Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

pub fn user(u: User) -> pb::User {
    pb::User {
        id: u.id.to_string(),
        username: u.username,
        display_name: u.display_name,
        avatar_url: u.avatar_url,
        is_admin: u.is_admin,
        is_bot: u.is_bot,
        bio: u.bio,
        status_text: u.status_text,
        created_at: Some(timestamp(u.created_at_ms)),
        email: u.email.unwrap_or_default(),
        email_verified: u.email_verified,
        disabled: u.disabled,
    }
}

pub fn registration_mode(m: RegistrationMode) -> pb::RegistrationMode {
    match m {
        RegistrationMode::Open => pb::RegistrationMode::Open,
        RegistrationMode::InviteOnly => pb::RegistrationMode::InviteOnly,
        RegistrationMode::Closed => pb::RegistrationMode::Closed,
    }
}

/// Wire enum → core; UNSPECIFIED or unknown values are refused by the caller.
pub fn registration_mode_from(v: i32) -> Option<RegistrationMode> {
    match pb::RegistrationMode::try_from(v).ok()? {
        pb::RegistrationMode::Open => Some(RegistrationMode::Open),
        pb::RegistrationMode::InviteOnly => Some(RegistrationMode::InviteOnly),
        pb::RegistrationMode::Closed => Some(RegistrationMode::Closed),
        pb::RegistrationMode::Unspecified => None,
    }
}

pub fn tls_mode(m: SmtpTlsMode) -> pb::SmtpTlsMode {
    match m {
        SmtpTlsMode::Starttls => pb::SmtpTlsMode::Starttls,
        SmtpTlsMode::Tls => pb::SmtpTlsMode::Implicit,
        SmtpTlsMode::None => pb::SmtpTlsMode::None,
    }
}

pub fn tls_mode_from(v: i32) -> Option<SmtpTlsMode> {
    match pb::SmtpTlsMode::try_from(v).ok()? {
        pb::SmtpTlsMode::Starttls => Some(SmtpTlsMode::Starttls),
        pb::SmtpTlsMode::Implicit => Some(SmtpTlsMode::Tls),
        pb::SmtpTlsMode::None => Some(SmtpTlsMode::None),
        pb::SmtpTlsMode::Unspecified => None,
    }
}

pub fn settings(s: InstanceSettings) -> pb::InstanceSettings {
    pb::InstanceSettings {
        instance_name: s.instance_name,
        registration_mode: registration_mode(s.registration_mode).into(),
        require_email_verification: s.require_email_verification,
        max_upload_bytes: s.max_upload_bytes,
        max_message_length: s.max_message_length,
        max_servers_per_user: s.max_servers_per_user,
        max_members_per_server: s.max_members_per_server,
        max_channels_per_server: s.max_channels_per_server,
        max_roles_per_server: s.max_roles_per_server,
        max_group_dm_members: s.max_group_dm_members,
        max_bots_per_user: s.max_bots_per_user,
        message_rate_limit_per_minute: s.message_rate_limit_per_minute,
        smtp: Some(pb::SmtpSettings {
            enabled: s.smtp.enabled,
            host: s.smtp.host,
            port: u32::from(s.smtp.port),
            username: s.smtp.username,
            // Write-only: never sent back.
            password: String::new(),
            password_set: !s.smtp.password.is_empty(),
            tls_mode: tls_mode(s.smtp.tls_mode).into(),
            from_address: s.smtp.from_address,
            from_name: s.smtp.from_name,
        }),
        instance_description: s.instance_description,
    }
}

pub fn instance_invite(i: InstanceInviteRecord) -> pb::InstanceInvite {
    pb::InstanceInvite {
        code: i.code,
        created_by_id: i.created_by.map(|id| id.to_string()).unwrap_or_default(),
        max_uses: i.max_uses.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        uses: u32::try_from(i.uses).unwrap_or(u32::MAX),
        expires_at: i.expires_at.map(timestamp),
        revoked: i.revoked_at.is_some(),
        created_at: Some(timestamp(i.created_at)),
    }
}
