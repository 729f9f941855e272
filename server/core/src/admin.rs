//! Instance administration: settings and instance invite codes. Admin only.

use std::sync::Arc;

use rand::Rng;
use tracing::instrument;

use crate::{
    change::Change,
    context::Context,
    error::{Error, Result},
    id::{Id, now_ms},
    model::{AdminAction, AuditChange},
    principal::Principal,
    settings::{InstanceSettings, RegistrationMode, SmtpTlsMode},
    store::InstanceInviteRecord,
    validate::Page,
};

/// Longest lifetime an invite may be given: one year.
pub const MAX_INVITE_SECONDS: i64 = 365 * 24 * 3600;
/// Most uses an invite may be given.
pub const MAX_INVITE_USES: u32 = 100_000;
/// Invite codes: 10 characters of an alphabet without look-alikes (~58 bits).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
const CODE_LEN: usize = 10;

/// Input of [`AdminService::create_invite`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NewInvite {
    /// Maximum registrations; None = unlimited.
    pub max_uses: Option<u32>,
    /// Lifetime in seconds; None = never expires.
    pub expires_in_seconds: Option<i64>,
}

/// Changes to instance settings; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct SettingsPatch {
    /// New instance name.
    pub instance_name: Option<String>,
    /// New instance description.
    pub instance_description: Option<String>,
    /// New registration mode.
    pub registration_mode: Option<RegistrationMode>,
    /// Require e-mail verification.
    pub require_email_verification: Option<bool>,
    /// New upload limit in bytes.
    pub max_upload_bytes: Option<u64>,
    /// New message length limit.
    pub max_message_length: Option<u32>,
    /// New owned-servers limit.
    pub max_servers_per_user: Option<u32>,
    /// New members-per-server limit.
    pub max_members_per_server: Option<u32>,
    /// New channels-per-server limit.
    pub max_channels_per_server: Option<u32>,
    /// New roles-per-server limit.
    pub max_roles_per_server: Option<u32>,
    /// New group DM size limit.
    pub max_group_dm_members: Option<u32>,
    /// New bots-per-user limit.
    pub max_bots_per_user: Option<u32>,
    /// New per-user message rate.
    pub message_rate_limit_per_minute: Option<u32>,
    /// SMTP changes.
    pub smtp: Option<SmtpPatch>,
    /// Voice (STUN/TURN) changes.
    pub voice: Option<VoicePatch>,
    /// Enable or disable notification e-mails.
    pub email_notifications: Option<bool>,
    /// New offline delay before a notification e-mail, in minutes.
    pub email_notification_delay_minutes: Option<u32>,
}

/// Voice changes; `None` keeps a field (the TURN secret is write-only).
#[derive(Debug, Clone, Default)]
pub struct VoicePatch {
    /// New STUN URLs.
    pub stun_urls: Option<Vec<String>>,
    /// New TURN URLs.
    pub turn_urls: Option<Vec<String>>,
    /// New TURN shared secret ("" clears it).
    pub turn_secret: Option<String>,
}

/// Checks a list of ICE URLs: at most 8, each with one of `schemes` and at most 256 bytes.
fn ice_urls(field: &'static str, urls: Vec<String>, schemes: &[&str]) -> Result<Vec<String>> {
    if urls.len() > 8 {
        return Err(Error::invalid(field, "at most 8 URLs"));
    }
    urls.into_iter()
        .map(|u| {
            let u = u.trim().to_owned();
            let scheme_ok = schemes.iter().any(|s| {
                u.strip_prefix(s)
                    .is_some_and(|rest| rest.starts_with(':') && rest.len() > 1)
            });
            if !scheme_ok || u.len() > 256 || u.chars().any(char::is_whitespace) {
                return Err(Error::invalid(
                    field,
                    format!(
                        "each URL must start with {}: and be at most 256 bytes",
                        schemes.join(": or ")
                    ),
                ));
            }
            Ok(u)
        })
        .collect()
}

/// SMTP changes; `None` keeps a field (the password is write-only).
#[derive(Debug, Clone, Default)]
pub struct SmtpPatch {
    /// Send mail at all.
    pub enabled: Option<bool>,
    /// Host.
    pub host: Option<String>,
    /// Port.
    pub port: Option<u16>,
    /// Login name.
    pub username: Option<String>,
    /// New password.
    pub password: Option<String>,
    /// TLS mode.
    pub tls_mode: Option<SmtpTlsMode>,
    /// From address.
    pub from_address: Option<String>,
    /// From display name.
    pub from_name: Option<String>,
}

/// The admin service.
#[derive(Debug, Clone)]
pub struct AdminService {
    pub(crate) ctx: Arc<Context>,
}

impl AdminService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    pub(crate) async fn require_admin(&self, who: &Principal) -> Result<()> {
        match self.ctx.store.user_by_id(who.user_id).await? {
            Some(u) if u.is_admin && !u.disabled => Ok(()),
            Some(_) => Err(Error::PermissionDenied(
                "only instance administrators may do this".to_owned(),
            )),
            None => Err(Error::Unauthenticated(
                "account no longer exists".to_owned(),
            )),
        }
    }

    /// The instance settings (SMTP password blanked).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn settings(&self, who: &Principal) -> Result<InstanceSettings> {
        self.require_admin(who).await?;
        Ok(redacted(&self.ctx.settings()))
    }

    /// Applies a patch to the instance settings, audited in the instance audit log (which
    /// names the changed fields, never their values).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn update_settings(
        &self,
        who: &Principal,
        patch: SettingsPatch,
    ) -> Result<InstanceSettings> {
        self.require_admin(who).await?;
        let _updating = self.ctx.lock_settings().await;
        let before = self.ctx.settings();
        let mut s = (*before).clone();
        apply(&mut s, patch)?;
        let changes = changed_fields(&before, &s)?;
        let json = self.ctx.sealed_settings_json(&mut s)?;
        let saved = Arc::new(s);
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().save_settings_json(&json).await?;
        change.audit_instance(who.user_id, AdminAction::SettingsUpdate, None, changes)?;
        change.replace_settings(Arc::clone(&saved));
        // Mail waiting for SMTP to be configured may go now.
        change.wake_mail();
        change.commit().await?;
        tracing::info!("instance settings updated");
        Ok(redacted(&saved))
    }

    /// Creates an instance invite code.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn create_invite(
        &self,
        who: &Principal,
        input: NewInvite,
    ) -> Result<InstanceInviteRecord> {
        self.require_admin(who).await?;
        if let Some(n) = input.max_uses
            && !(1..=MAX_INVITE_USES).contains(&n)
        {
            return Err(Error::invalid("max_uses", "must be 1 to 100000 (or unset)"));
        }
        if let Some(secs) = input.expires_in_seconds
            && !(1..=MAX_INVITE_SECONDS).contains(&secs)
        {
            return Err(Error::invalid(
                "expires_in_seconds",
                "must be 1 second to 1 year (or unset)",
            ));
        }
        let now = now_ms();
        let invite = InstanceInviteRecord {
            id: self.ctx.ids.next().0,
            code: new_code(),
            created_by: Some(who.user_id.0),
            max_uses: input.max_uses.map(i64::from),
            uses: 0,
            expires_at: input.expires_in_seconds.map(|s| now + s * 1000),
            revoked_at: None,
            created_at: now,
        };
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().create_instance_invite(&invite).await?;
        let limits = [
            ("max_uses", invite.max_uses),
            ("expires_at", invite.expires_at),
        ]
        .into_iter()
        .filter_map(|(key, v)| v.and_then(|v| AuditChange::diff(key, "", v)))
        .collect();
        change.audit_instance(
            who.user_id,
            AdminAction::InviteCreate,
            Some(Id(invite.id)),
            limits,
        )?;
        change.commit().await?;
        Ok(invite)
    }

    /// Lists invites, newest first; `page_token` is the last id of the previous page.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list_invites(
        &self,
        who: &Principal,
        page_size: u32,
        page_token: &str,
    ) -> Result<(Vec<InstanceInviteRecord>, Option<String>)> {
        self.require_admin(who).await?;
        let page = Page::parse(page_size, page_token)?;
        let rows = self
            .ctx
            .store
            .list_instance_invites(page.from, page.limit)
            .await?;
        let next = page.next_token(&rows, |i| i.id);
        Ok((rows, next))
    }

    /// Revokes an invite code; later registrations with it are refused.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn revoke_invite(&self, who: &Principal, code: &str) -> Result<InstanceInviteRecord> {
        self.require_admin(who).await?;
        let mut change = Change::begin(&self.ctx).await?;
        let invite = change
            .tx()
            .revoke_instance_invite(code.trim(), now_ms())
            .await?
            .ok_or(Error::NotFound("invite"))?;
        change.audit_instance(
            who.user_id,
            AdminAction::InviteRevoke,
            Some(Id(invite.id)),
            Vec::new(),
        )?;
        change.commit().await?;
        Ok(invite)
    }
}

/// Validates and applies a settings patch; nothing changes if any field is invalid.
fn apply(s: &mut InstanceSettings, p: SettingsPatch) -> Result<()> {
    fn bounded(field: &'static str, v: u32, range: std::ops::RangeInclusive<u32>) -> Result<u32> {
        if range.contains(&v) {
            Ok(v)
        } else {
            Err(Error::invalid(
                field,
                format!("must be {} to {}", range.start(), range.end()),
            ))
        }
    }
    if let Some(name) = p.instance_name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(Error::invalid(
                "instance_name",
                "must be 1 to 64 characters",
            ));
        }
        name.clone_into(&mut s.instance_name);
    }
    if let Some(d) = p.instance_description {
        if d.chars().count() > 1000 {
            return Err(Error::invalid(
                "instance_description",
                "must be at most 1000 characters",
            ));
        }
        s.instance_description = d.trim().to_owned();
    }
    if let Some(mode) = p.registration_mode {
        s.registration_mode = mode;
    }
    if let Some(v) = p.require_email_verification {
        s.require_email_verification = v;
    }
    if let Some(bytes) = p.max_upload_bytes {
        if !(1024..=1 << 32).contains(&bytes) {
            return Err(Error::invalid("max_upload_bytes", "must be 1 KiB to 4 GiB"));
        }
        s.max_upload_bytes = bytes;
    }
    if let Some(v) = p.max_message_length {
        s.max_message_length = bounded("max_message_length", v, 1..=4000)?;
    }
    if let Some(v) = p.max_servers_per_user {
        s.max_servers_per_user = bounded("max_servers_per_user", v, 1..=10_000)?;
    }
    if let Some(v) = p.max_members_per_server {
        s.max_members_per_server = bounded("max_members_per_server", v, 2..=1_000_000)?;
    }
    if let Some(v) = p.max_channels_per_server {
        s.max_channels_per_server = bounded("max_channels_per_server", v, 1..=5_000)?;
    }
    if let Some(v) = p.max_roles_per_server {
        s.max_roles_per_server = bounded("max_roles_per_server", v, 1..=1_000)?;
    }
    if let Some(v) = p.max_group_dm_members {
        s.max_group_dm_members = bounded("max_group_dm_members", v, 2..=100)?;
    }
    if let Some(v) = p.max_bots_per_user {
        s.max_bots_per_user = bounded("max_bots_per_user", v, 0..=1_000)?;
    }
    if let Some(v) = p.message_rate_limit_per_minute {
        s.message_rate_limit_per_minute = bounded("message_rate_limit_per_minute", v, 1..=100_000)?;
    }
    if let Some(v) = p.email_notifications {
        s.email_notifications = v;
    }
    if let Some(v) = p.email_notification_delay_minutes {
        s.email_notification_delay_minutes = bounded(
            "email_notification_delay_minutes",
            v,
            crate::settings::NOTIFICATION_DELAY_MINUTES,
        )?;
    }
    if let Some(m) = p.smtp {
        let smtp = &mut s.smtp;
        if let Some(v) = m.enabled {
            smtp.enabled = v;
        }
        if let Some(v) = m.host {
            smtp.host = v.trim().to_owned();
        }
        if let Some(v) = m.port {
            if v == 0 {
                return Err(Error::invalid("smtp.port", "must be 1 to 65535"));
            }
            smtp.port = v;
        }
        if let Some(v) = m.username {
            smtp.username = v;
        }
        if let Some(v) = m.password {
            smtp.password = v;
        }
        if let Some(v) = m.tls_mode {
            smtp.tls_mode = v;
        }
        if let Some(v) = m.from_address {
            smtp.from_address = v.trim().to_owned();
        }
        if let Some(v) = m.from_name {
            smtp.from_name = v.trim().to_owned();
        }
        if smtp.enabled && (smtp.host.is_empty() || smtp.from_address.is_empty()) {
            return Err(Error::invalid(
                "smtp",
                "host and from_address are required when mail is enabled",
            ));
        }
    }
    if let Some(v) = p.voice {
        let voice = &mut s.voice;
        if let Some(urls) = v.stun_urls {
            voice.stun_urls = ice_urls("voice.stun_urls", urls, &["stun", "stuns"])?;
        }
        if let Some(urls) = v.turn_urls {
            voice.turn_urls = ice_urls("voice.turn_urls", urls, &["turn", "turns"])?;
        }
        if let Some(secret) = v.turn_secret {
            if secret.len() > 256 {
                return Err(Error::invalid("voice.turn_secret", "at most 256 bytes"));
            }
            voice.turn_secret = secret;
        }
        voice.turn_secret_set = false;
        if !voice.turn_urls.is_empty() && voice.turn_secret.is_empty() {
            return Err(Error::invalid(
                "voice.turn_secret",
                "a TURN shared secret is required when TURN URLs are set",
            ));
        }
    }
    Ok(())
}

/// The settings fields that differ between `old` and `new`, by dotted name (`smtp.host`), for
/// the audit log: names only, so no secret (the SMTP password, the TURN secret) nor any other
/// value is ever written there.
fn changed_fields(old: &InstanceSettings, new: &InstanceSettings) -> Result<Vec<AuditChange>> {
    use std::collections::BTreeSet;

    use serde_json::Value;

    fn walk(prefix: &str, old: &Value, new: &Value, out: &mut Vec<AuditChange>) {
        match (old, new) {
            (Value::Object(a), Value::Object(b)) => {
                let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                for key in keys {
                    let name = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    let null = Value::Null;
                    walk(
                        &name,
                        a.get(key).unwrap_or(&null),
                        b.get(key).unwrap_or(&null),
                        out,
                    );
                }
            }
            (a, b) if a != b => out.push(AuditChange {
                key: prefix.to_owned(),
                ..AuditChange::default()
            }),
            _ => {}
        }
    }

    let as_value = |s: &InstanceSettings| serde_json::to_value(s).map_err(Error::internal);
    let mut out = Vec::new();
    walk("", &as_value(old)?, &as_value(new)?, &mut out);
    // The sealed copy changes with every save; the password itself is not serialised.
    out.retain(|c| c.key != "smtp.password_sealed");
    if old.smtp.password != new.smtp.password {
        out.push(AuditChange {
            key: "smtp.password".to_owned(),
            ..AuditChange::default()
        });
    }
    Ok(out)
}

fn redacted(s: &InstanceSettings) -> InstanceSettings {
    let mut s = s.clone();
    // The sealed copy stays: it tells adapters that a password is set and is never sent.
    s.smtp.password.clear();
    s.voice.turn_secret_set = !s.voice.turn_secret.is_empty();
    s.voice.turn_secret.clear();
    s
}

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_are_named_without_values() {
        let old = InstanceSettings::default();
        let mut new = old.clone();
        new.instance_name = "Chat".to_owned();
        new.smtp.password = "smtp-secret".to_owned();
        new.smtp.password_sealed = "sealed".to_owned();
        new.voice.turn_secret = "turn-secret".to_owned();
        new.voice.turn_urls = vec!["turn:example.test".to_owned()];
        let changes = changed_fields(&old, &new).expect("diff");
        let mut keys: Vec<&str> = changes.iter().map(|c| c.key.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "instance_name",
                "smtp.password",
                "voice.turn_secret",
                "voice.turn_urls"
            ]
        );
        assert!(
            changes
                .iter()
                .all(|c| c.old_value.is_empty() && c.new_value.is_empty())
        );
        assert!(changed_fields(&old, &old).expect("diff").is_empty());
    }
}
