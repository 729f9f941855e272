//! Server invites: create, preview, accept, list, revoke. Bans, expiry, use limits and
//! revocation are enforced atomically when joining.

use std::sync::Arc;

use rand::Rng;
use tracing::instrument;

use crate::{
    change::Change,
    context::Context,
    error::{Error, Result},
    events::{Audience, Event},
    id::{Id, now_ms},
    model::User,
    model::{Invite, Server},
    permissions::Permissions,
    principal::Principal,
    servers::{self, AuditAction},
    store::{JoinOutcome, ServerInviteRecord},
    validate::Page,
};

const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
const CODE_LEN: usize = 8;
/// Longest invite lifetime: 30 days (unset = never expires).
pub const MAX_INVITE_SECONDS: i64 = 30 * 24 * 3600;

/// What someone holding a code may learn before joining.
#[derive(Debug, Clone)]
pub struct InvitePreview {
    /// The code.
    pub code: String,
    /// The server (name, icon, member count).
    pub server: Server,
    /// Who created the invite.
    pub inviter: Option<User>,
    /// Expiry, Unix ms.
    pub expires_at: Option<i64>,
    /// Members connected right now.
    pub online_count: u32,
    /// Whether the caller is already a member.
    pub already_member: bool,
}

/// The invite service.
#[derive(Debug, Clone)]
pub struct InviteService {
    ctx: Arc<Context>,
}

fn live(i: &ServerInviteRecord, now: i64) -> bool {
    i.revoked_at.is_none()
        && i.expires_at.is_none_or(|e| e > now)
        && i.max_uses.is_none_or(|m| i.uses < m)
}

impl InviteService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Creates an invite (CREATE_INVITE, in the channel if one is given).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn create(
        &self,
        who: &Principal,
        server: Id,
        max_uses: Option<u32>,
        expires_in_seconds: Option<i64>,
        channel: Option<Id>,
    ) -> Result<Invite> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        match channel {
            Some(c) => {
                let ch = self.ctx.perms.channel(who.user_id, c).await?;
                if ch.server_id() != Some(server) {
                    return Err(Error::invalid(
                        "channel_id",
                        "must be a channel of this server",
                    ));
                }
                ch.require(Permissions::CREATE_INVITE)?;
            }
            None => access.require(Permissions::CREATE_INVITE)?,
        }
        if let Some(n) = max_uses
            && !(1..=100_000).contains(&n)
        {
            return Err(Error::invalid("max_uses", "must be 1 to 100000 (or unset)"));
        }
        if let Some(s) = expires_in_seconds
            && !(1..=MAX_INVITE_SECONDS).contains(&s)
        {
            return Err(Error::invalid(
                "expires_in_seconds",
                "must be 1 second to 30 days (or unset)",
            ));
        }
        let now = now_ms();
        let invite = ServerInviteRecord {
            id: self.ctx.ids.next().0,
            code: new_code(),
            server_id: server.0,
            channel_id: channel.map(|c| c.0),
            inviter_id: Some(who.user_id.0),
            max_uses: max_uses.map(i64::from),
            uses: 0,
            expires_at: expires_in_seconds.map(|s| now + s * 1000),
            revoked_at: None,
            created_at: now,
        };
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().create_server_invite(&invite).await?;
        change.audit(
            server,
            who.user_id,
            AuditAction::InviteCreate,
            None,
            "",
            vec![crate::model::AuditChange {
                key: "code".into(),
                old_value: String::new(),
                new_value: invite.code.clone(),
            }],
        );
        change.publish(
            Audience::server_with(server, Permissions::MANAGE_SERVER).and_users([who.user_id]),
            Event::InviteCreated(invite.clone()),
        );
        change.commit().await?;
        Ok(invite)
    }

    /// Previews a live invite without joining. Unknown or dead codes are NOT_FOUND.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn preview(&self, who: &Principal, code: &str) -> Result<InvitePreview> {
        let invite = self
            .ctx
            .store
            .server_invite(code.trim())
            .await?
            .filter(|i| live(i, now_ms()))
            .ok_or(Error::NotFound("invite"))?;
        let server = self
            .ctx
            .store
            .server(Id(invite.server_id))
            .await?
            .ok_or(Error::NotFound("invite"))?;
        let perms = self
            .ctx
            .perms
            .get(Id(server.id))
            .await?
            .ok_or(Error::NotFound("invite"))?;
        let inviter = match invite.inviter_id {
            Some(id) => self
                .ctx
                .store
                .user_by_id(Id(id))
                .await?
                .map(|u| User::from(u).public()),
            None => None,
        };
        Ok(InvitePreview {
            code: invite.code,
            online_count: u32::try_from(self.ctx.hub.presences(perms.member_ids()).await.len())
                .unwrap_or(u32::MAX),
            already_member: perms.is_member(who.user_id),
            server,
            inviter,
            expires_at: invite.expires_at,
        })
    }

    /// Joins the invite's server. Idempotent for members; banned users are refused.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn accept(&self, who: &Principal, code: &str) -> Result<Server> {
        if who.is_bot {
            return Err(Error::PermissionDenied(
                "bots join a server when someone who manages it adds them".to_owned(),
            ));
        }
        let code = code.trim();
        crate::verified::require_verified_email(&self.ctx, who.user_id).await?;
        if let Some(invite) = self.ctx.store.server_invite(code).await?
            && let Some(server) = self.ctx.store.server(Id(invite.server_id)).await?
        {
            let limit = self.ctx.settings().max_members_per_server;
            if server.member_count >= i64::from(limit) {
                return Err(Error::FailedPrecondition(format!(
                    "this server has reached its limit of {limit} members"
                )));
            }
        }
        let mut change = Change::begin(&self.ctx).await?;
        let outcome = change
            .tx()
            .join_by_invite(code, who.user_id, now_ms())
            .await?;
        if let JoinOutcome::Joined { server_id } = outcome {
            servers::joined(&mut change, who.user_id, Id(server_id));
            change.commit().await?;
        } else {
            // Nothing was written; release the transaction before reading.
            drop(change);
        }
        match outcome {
            JoinOutcome::Joined { server_id } => self
                .ctx
                .store
                .server(Id(server_id))
                .await?
                .ok_or(Error::NotFound("server")),
            JoinOutcome::AlreadyMember { server_id } => self
                .ctx
                .store
                .server(Id(server_id))
                .await?
                .ok_or(Error::NotFound("server")),
            JoinOutcome::Banned => Err(Error::PermissionDenied(
                "you are banned from this server".to_owned(),
            )),
            JoinOutcome::UnknownInvite => Err(Error::NotFound("invite")),
            JoinOutcome::UnusableInvite => Err(Error::FailedPrecondition(
                "this invite has expired, was revoked or reached its maximum uses".to_owned(),
            )),
        }
    }

    /// Invites of a server, newest first (MANAGE_SERVER).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list(
        &self,
        who: &Principal,
        server: Id,
        page_size: u32,
        page_token: &str,
    ) -> Result<(Vec<Invite>, Option<String>)> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_SERVER)?;
        let page = Page::parse(page_size, page_token)?;
        let rows = self
            .ctx
            .store
            .server_invites(server, page.from, page.limit)
            .await?;
        let next = page.next_token(&rows, |i| i.id);
        Ok((rows, next))
    }

    /// Revokes an invite (MANAGE_SERVER, or its creator).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn revoke(&self, who: &Principal, code: &str) -> Result<Invite> {
        let code = code.trim();
        let invite = self
            .ctx
            .store
            .server_invite(code)
            .await?
            .ok_or(Error::NotFound("invite"))?;
        let server = Id(invite.server_id);
        // Non-members learn nothing about the code, not even that it exists.
        let access = self
            .ctx
            .perms
            .server(who.user_id, server)
            .await
            .map_err(|_| Error::NotFound("invite"))?;
        if invite.inviter_id != Some(who.user_id.0) {
            access.require(Permissions::MANAGE_SERVER)?;
        }
        let mut change = Change::begin(&self.ctx).await?;
        let revoked = change
            .tx()
            .revoke_server_invite(code, now_ms())
            .await?
            .ok_or(Error::NotFound("invite"))?;
        change.audit(
            server,
            who.user_id,
            AuditAction::InviteDelete,
            None,
            "",
            vec![crate::model::AuditChange {
                key: "code".into(),
                old_value: code.to_owned(),
                new_value: String::new(),
            }],
        );
        change.publish(
            Audience::server_with(server, Permissions::MANAGE_SERVER).and_users([who.user_id]),
            Event::InviteDeleted {
                server_id: server,
                code: code.to_owned(),
            },
        );
        change.commit().await?;
        Ok(revoked)
    }
}

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect()
}
