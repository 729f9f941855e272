//! Servers (guilds): lifecycle, members, moderation and the audit log. Every call resolves
//! the caller's access first: a non-member learns nothing (NOT_FOUND), a member without the
//! permission is refused (PERMISSION_DENIED), and nothing changes.

use std::sync::Arc;

use tracing::instrument;

use crate::{
    access::{ServerPerms, kind},
    change::Change,
    context::Context,
    error::{Error, Result},
    events::{Audience, Event},
    id::{Id, now_ms},
    model::{Ban, Channel, Member, Server, ServerSnapshot},
    permissions::Permissions,
    principal::Principal,
    store::{AuditRecord, BanRecord, ChannelRecord, NewServer, RoleRecord, ServerRecord},
    users::User,
    validate,
};

pub use crate::audit::{AuditChange, action};

/// Longest moderation reason.
pub const MAX_REASON: usize = 512;

/// Records in `change` that `user` joined `server`: after commit the joiner gets the whole
/// server, the other members the new member and their presence.
pub(crate) fn joined(change: &mut Change, user: Id, server: Id) {
    change.invalidate(server);
    change.announce(Box::new(move |ctx| {
        Box::pin(async move {
            let perms = ctx
                .perms
                .get(server)
                .await?
                .ok_or(Error::NotFound("server"))?;
            let record = ctx
                .store
                .server(server)
                .await?
                .ok_or(Error::NotFound("server"))?;
            let mut snapshot = snapshot_for(&ctx, user, record, &perms).await?;
            // Presence is announced only when it changes, so the joiner and the members would
            // otherwise not see each other online until someone's status moved.
            snapshot.presences = ctx.hub.presences(perms.member_ids());
            let mut events = Vec::new();
            if let Some(member) = snapshot.member.clone() {
                events.push((
                    Audience::server(server),
                    Event::MemberAdded(Box::new(member)),
                ));
            }
            if let Some(presence) = snapshot.presences.iter().find(|p| p.user_id == user) {
                events.push((
                    Audience::server(server),
                    Event::PresenceUpdated(presence.clone()),
                ));
            }
            events.push((
                Audience::users(vec![user]),
                Event::ServerCreated(Box::new(snapshot)),
            ));
            Ok(events)
        })
    }));
}

/// Removes `user` from `server` in `change`, announcing it to the server and to them.
async fn remove(change: &mut Change, server: Id, user: Id) -> Result<()> {
    change.tx().remove_member(server, user).await?;
    announce_removed(change, server, user);
    Ok(())
}

/// Records that `user` is no longer a member of `server`.
fn announce_removed(change: &mut Change, server: Id, user: Id) {
    change.invalidate(server);
    change.publish(
        Audience::server(server).and_users([user]),
        Event::MemberRemoved {
            server_id: server,
            user_id: user,
        },
    );
    change.publish(
        Audience::users(vec![user]),
        Event::ServerDeleted { server_id: server },
    );
}

/// A member with user and roles, or NOT_FOUND.
pub(crate) async fn load_member(ctx: &Context, server: Id, user: Id) -> Result<Member> {
    let member = ctx
        .store
        .member(server, user)
        .await?
        .ok_or(Error::NotFound("member"))?;
    let user = ctx
        .store
        .user_by_id(user)
        .await?
        .ok_or(Error::NotFound("member"))?;
    let role_ids = ctx
        .store
        .member_role_pairs(server, &[user.id])
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    Ok(Member {
        member,
        user: User::from(user).public(),
        role_ids,
    })
}

/// What `user` sees of a server: visible channels with overwrites, roles, own membership.
pub(crate) async fn snapshot_for(
    ctx: &Context,
    user: Id,
    server: ServerRecord,
    perms: &ServerPerms,
) -> Result<ServerSnapshot> {
    let id = Id(server.id);
    let overwrites = ctx.store.server_overwrites(id).await?;
    let channels = ctx
        .store
        .channels(id)
        .await?
        .into_iter()
        .filter(|c| perms.can_view(user, Id(c.id)))
        .map(|record| Channel {
            overwrites: overwrites
                .iter()
                .filter(|o| o.channel_id == record.id)
                .cloned()
                .collect(),
            record,
            recipients: Vec::new(),
        })
        .collect();
    let roles = ctx.store.roles(id).await?;
    let member = load_member(ctx, id, user).await.ok();
    Ok(ServerSnapshot {
        server,
        channels,
        roles,
        member,
        presences: Vec::new(),
    })
}

/// Changes to a server; `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct ServerPatch {
    /// New name.
    pub name: Option<String>,
    /// New icon URL.
    pub icon_url: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New system channel (empty string clears it).
    pub system_channel_id: Option<String>,
    /// New icon image bytes (stored by the server; sets `icon_url`).
    pub icon_data: Option<Vec<u8>>,
}

/// Changes to a member; `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct MemberPatch {
    /// New nickname (empty clears it).
    pub nickname: Option<String>,
    /// Server mute.
    pub server_mute: Option<bool>,
    /// Server deafen.
    pub server_deaf: Option<bool>,
    /// Move to a voice channel.
    pub voice_channel_id: Option<String>,
    /// Reason for the audit log.
    pub reason: String,
}

/// Server icons uploaded as bytes: validated images, stored content-addressed apart from
/// attachments (whose clean-up must never touch an icon), served publicly by hash.
pub mod icons {
    use std::path::PathBuf;

    use crate::{
        context::Context,
        error::{Error, Result},
        messages::attachments,
    };

    /// Largest icon accepted.
    pub const MAX_ICON_BYTES: usize = 1024 * 1024;
    /// URL prefix icons are served under.
    pub const URL_PREFIX: &str = "/api/v1/icons/";

    fn dir(ctx: &Context) -> PathBuf {
        ctx.upload_dir.join("icons")
    }

    /// The image type of `data` if it is one icons may be.
    pub fn image_type(data: &[u8]) -> Option<&'static str> {
        match attachments::content_type("", "", data).ok()?.as_str() {
            "image/png" => Some("image/png"),
            "image/jpeg" => Some("image/jpeg"),
            "image/gif" => Some("image/gif"),
            "image/webp" => Some("image/webp"),
            _ => None,
        }
    }

    /// Validates and stores an icon; returns its URL.
    pub async fn store(ctx: &Context, data: &[u8]) -> Result<String> {
        if data.is_empty() || data.len() > MAX_ICON_BYTES {
            return Err(Error::invalid("icon_data", "must be 1 byte to 1 MiB"));
        }
        if image_type(data).is_none() {
            return Err(Error::invalid(
                "icon_data",
                "must be a PNG, JPEG, GIF or WebP image",
            ));
        }
        let sha = attachments::sha256_hex(data);
        let temp = attachments::write_temp(&dir(ctx), &sha, data, ctx.ids.next()).await?;
        attachments::commit_file(&dir(ctx), &sha, &temp).await?;
        Ok(format!("{URL_PREFIX}{sha}"))
    }

    /// The stored icon with this hash and its type, if any.
    pub async fn load(ctx: &Context, sha256: &str) -> Result<(Vec<u8>, &'static str)> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        if !valid {
            return Err(Error::NotFound("icon"));
        }
        let data = tokio::fs::read(attachments::path_of(&dir(ctx), sha256))
            .await
            .map_err(|_| Error::NotFound("icon"))?;
        let kind = image_type(&data).ok_or(Error::NotFound("icon"))?;
        Ok((data, kind))
    }
}

/// The server service.
#[derive(Debug, Clone)]
pub struct ServerService {
    ctx: Arc<Context>,
}

impl ServerService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Creates a server owned by the caller, with @everyone, "Text Channels" / #general and
    /// "Voice Channels" / General.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn create(
        &self,
        who: &Principal,
        name: &str,
        icon_url: &str,
        description: &str,
    ) -> Result<Server> {
        let name = validate::name("name", name, 2, 100)?;
        let icon_url = validate::url("icon_url", icon_url)?;
        let description = validate::text("description", description, 1000)?;
        let limit = self.ctx.settings().max_servers_per_user;
        if self.ctx.store.owned_server_count(who.user_id).await? >= i64::from(limit) {
            return Err(Error::FailedPrecondition(format!(
                "you already own the maximum of {limit} servers"
            )));
        }
        let now = now_ms();
        let ids = &self.ctx.ids;
        let id = ids.next().0;
        let channel = |kind: i64, name: &str, parent: Option<i64>, position: i64| ChannelRecord {
            id: ids.next().0,
            server_id: Some(id),
            kind,
            name: name.to_owned(),
            topic: String::new(),
            parent_id: parent,
            position,
            owner_id: None,
            icon_url: String::new(),
            user_limit: 0,
            bitrate: 64_000,
            rate_limit_per_user: 0,
            last_message_id: None,
            last_pin_at: None,
            created_at: now,
        };
        let text_category = channel(kind::CATEGORY, "Text Channels", None, 0);
        let general = channel(kind::TEXT, "general", Some(text_category.id), 0);
        let voice_category = channel(kind::CATEGORY, "Voice Channels", None, 1);
        let voice = channel(kind::VOICE, "General", Some(voice_category.id), 0);
        let server = ServerRecord {
            id,
            name,
            owner_id: who.user_id.0,
            icon_url,
            description,
            system_channel_id: Some(general.id),
            created_at: now,
            member_count: 1,
        };
        let everyone = RoleRecord {
            id,
            server_id: id,
            name: "@everyone".to_owned(),
            permissions: Permissions::DEFAULT_EVERYONE.bits() as i64,
            position: 0,
            color: 0,
            hoist: false,
            mentionable: false,
            created_at: now,
        };
        let mut change = Change::begin(&self.ctx).await?;
        change
            .tx()
            .create_server(&NewServer {
                server: server.clone(),
                everyone,
                channels: vec![text_category, general, voice_category, voice],
            })
            .await?;
        joined(&mut change, who.user_id, Id(id));
        change.commit().await?;
        Ok(server)
    }

    /// A stored server icon by hash (public: invite previews show icons to non-members).
    pub async fn icon(&self, sha256: &str) -> Result<(Vec<u8>, &'static str)> {
        icons::load(&self.ctx, sha256).await
    }

    /// A server the caller is a member of.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn get(&self, who: &Principal, server: Id) -> Result<Server> {
        self.ctx.perms.server(who.user_id, server).await?;
        self.ctx
            .store
            .server(server)
            .await?
            .ok_or(Error::NotFound("server"))
    }

    /// Servers the caller is a member of.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list(&self, who: &Principal) -> Result<Vec<Server>> {
        self.ctx.store.servers_of_user(who.user_id).await
    }

    /// Changes name, icon, description or system channel (MANAGE_SERVER).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn update(&self, who: &Principal, server: Id, patch: ServerPatch) -> Result<Server> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_SERVER)?;
        let old = self
            .ctx
            .store
            .server(server)
            .await?
            .ok_or(Error::NotFound("server"))?;
        let mut new = old.clone();
        if let Some(n) = patch.name {
            new.name = validate::name("name", &n, 2, 100)?;
        }
        match (patch.icon_url, patch.icon_data) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "icon_data",
                    "set either icon_url or icon_data",
                ));
            }
            (Some(u), None) => new.icon_url = validate::url("icon_url", &u)?,
            (None, Some(data)) => new.icon_url = icons::store(&self.ctx, &data).await?,
            (None, None) => {}
        }
        if let Some(d) = patch.description {
            new.description = validate::text("description", &d, 1000)?;
        }
        if let Some(c) = patch.system_channel_id {
            new.system_channel_id = if c.trim().is_empty() {
                None
            } else {
                let id = Id::parse("system_channel_id", &c)?;
                let channel = self.ctx.store.channel(id).await?;
                match channel {
                    Some(ch) if ch.server_id == Some(server.0) && ch.kind == kind::TEXT => {
                        Some(ch.id)
                    }
                    _ => {
                        return Err(Error::invalid(
                            "system_channel_id",
                            "must be a text channel of this server",
                        ));
                    }
                }
            };
        }
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().update_server(&new).await?;
        let changes = [
            AuditChange::diff("name", &old.name, &new.name),
            AuditChange::diff("icon_url", &old.icon_url, &new.icon_url),
            AuditChange::diff("description", &old.description, &new.description),
            AuditChange::diff(
                "system_channel_id",
                old.system_channel_id.unwrap_or_default(),
                new.system_channel_id.unwrap_or_default(),
            ),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
        if !changes.is_empty() {
            change.audit(
                server,
                who.user_id,
                action::SERVER_UPDATE,
                Some(server),
                "",
                changes,
            );
            change.publish(Audience::server(server), Event::ServerUpdated(new.clone()));
        }
        change.commit().await?;
        Ok(new)
    }

    /// Deletes a server and everything in it (owner only).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn delete(&self, who: &Principal, server: Id) -> Result<()> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        if !access.is_owner() {
            return Err(Error::PermissionDenied(
                "only the owner can delete a server".to_owned(),
            ));
        }
        let members: Vec<Id> = access.perms.member_ids().collect();
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().delete_server(server).await?;
        change.forget_server(server);
        change.publish(
            Audience::users(members),
            Event::ServerDeleted { server_id: server },
        );
        change.commit().await
    }

    /// Leaves a server. The owner must transfer ownership or delete it first.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn leave(&self, who: &Principal, server: Id) -> Result<()> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        if access.is_owner() {
            return Err(Error::FailedPrecondition(
                "the owner must transfer ownership or delete the server before leaving".to_owned(),
            ));
        }
        let mut change = Change::begin(&self.ctx).await?;
        remove(&mut change, server, who.user_id).await?;
        change.commit().await
    }

    /// Makes another member the owner (owner only).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn transfer_ownership(
        &self,
        who: &Principal,
        server: Id,
        new_owner: Id,
    ) -> Result<Server> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        if !access.is_owner() {
            return Err(Error::PermissionDenied(
                "only the owner can transfer ownership".to_owned(),
            ));
        }
        if !access.perms.is_member(new_owner) {
            return Err(Error::NotFound("member"));
        }
        if new_owner == who.user_id {
            return Err(Error::invalid(
                "new_owner_id",
                "you already own this server",
            ));
        }
        let mut updated = self
            .ctx
            .store
            .server(server)
            .await?
            .ok_or(Error::NotFound("server"))?;
        updated.owner_id = new_owner.0;
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().set_server_owner(server, new_owner).await?;
        change.invalidate(server);
        let changes = AuditChange::diff("owner_id", who.user_id, new_owner)
            .into_iter()
            .collect();
        change.audit(
            server,
            who.user_id,
            action::OWNERSHIP_TRANSFER,
            Some(new_owner),
            "",
            changes,
        );
        change.publish(
            Audience::server(server),
            Event::ServerUpdated(updated.clone()),
        );
        change.commit().await?;
        Ok(updated)
    }

    /// Members ordered by user id; `page_token` is the last user id of the previous page.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn members(
        &self,
        who: &Principal,
        server: Id,
        page_size: u32,
        page_token: &str,
        query: &str,
    ) -> Result<(Vec<Member>, Option<String>)> {
        self.ctx.perms.server(who.user_id, server).await?;
        let limit = validate::page_size(page_size, 100, 1000);
        let after = match page_token.trim() {
            "" => None,
            t => Some(Id::parse("page_token", t)?),
        };
        let query = query.trim().to_lowercase();
        let rows = self
            .ctx
            .store
            .members(
                server,
                after,
                limit,
                (!query.is_empty()).then_some(query.as_str()),
            )
            .await?;
        let user_ids: Vec<i64> = rows.iter().map(|(m, _)| m.user_id).collect();
        let pairs = self.ctx.store.member_role_pairs(server, &user_ids).await?;
        let next = (rows.len() == limit as usize)
            .then(|| rows.last().map(|(m, _)| m.user_id.to_string()))
            .flatten();
        let members = rows
            .into_iter()
            .map(|(member, user)| Member {
                role_ids: pairs
                    .iter()
                    .filter(|(u, _)| *u == member.user_id)
                    .map(|(_, r)| *r)
                    .collect(),
                member,
                user: User::from(user).public(),
            })
            .collect();
        Ok((members, next))
    }

    /// One member.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn member(&self, who: &Principal, server: Id, user: Id) -> Result<Member> {
        self.ctx.perms.server(who.user_id, server).await?;
        load_member(&self.ctx, server, user).await
    }

    /// Nickname (own: CHANGE_NICKNAME; others: MANAGE_NICKNAMES), server mute
    /// (MUTE_MEMBERS) and deafen (DEAFEN_MEMBERS). Acting on others needs a higher role.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn update_member(
        &self,
        who: &Principal,
        server: Id,
        user: Id,
        patch: MemberPatch,
    ) -> Result<Member> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        if !access.perms.is_member(user) {
            return Err(Error::NotFound("member"));
        }
        let reason = validate::text("reason", &patch.reason, MAX_REASON)?;
        let acting_on_other = user != who.user_id;
        if acting_on_other
            && (patch.nickname.is_some()
                || patch.server_mute.is_some()
                || patch.server_deaf.is_some())
            && !access.perms.outranks(who.user_id, user)
        {
            return Err(Error::PermissionDenied(
                "you cannot moderate a member whose highest role is equal to or above yours"
                    .to_owned(),
            ));
        }
        if patch.voice_channel_id.is_some() {
            access.require(Permissions::MOVE_MEMBERS)?;
            return Err(Error::Unimplemented(
                "moving members between voice channels",
            ));
        }
        let old = load_member(&self.ctx, server, user).await?;
        let mut new = old.member.clone();
        if let Some(nick) = patch.nickname {
            access.require(if acting_on_other {
                Permissions::MANAGE_NICKNAMES
            } else {
                Permissions::CHANGE_NICKNAME
            })?;
            new.nickname = if nick.trim().is_empty() {
                String::new()
            } else {
                validate::name("nickname", &nick, 1, 32)?
            };
        }
        if let Some(mute) = patch.server_mute {
            access.require(Permissions::MUTE_MEMBERS)?;
            new.server_mute = mute;
        }
        if let Some(deaf) = patch.server_deaf {
            access.require(Permissions::DEAFEN_MEMBERS)?;
            new.server_deaf = deaf;
        }
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().update_member(&new).await?;
        let changes: Vec<AuditChange> = [
            AuditChange::diff("nickname", &old.member.nickname, &new.nickname),
            AuditChange::diff("server_mute", old.member.server_mute, new.server_mute),
            AuditChange::diff("server_deaf", old.member.server_deaf, new.server_deaf),
        ]
        .into_iter()
        .flatten()
        .collect();
        let member = Member { member: new, ..old };
        if !changes.is_empty() {
            change.audit(
                server,
                who.user_id,
                action::MEMBER_UPDATE,
                Some(user),
                &reason,
                changes,
            );
            change.publish(
                Audience::server(server),
                Event::MemberUpdated(Box::new(member.clone())),
            );
        }
        change.commit().await?;
        Ok(member)
    }

    fn check_target(
        &self,
        access: &crate::access::ServerAccess,
        target: Id,
        verb: &str,
    ) -> Result<()> {
        if target == access.user {
            return Err(Error::invalid(
                "user_id",
                format!("you cannot {verb} yourself"),
            ));
        }
        if !access.perms.outranks(access.user, target) {
            return Err(Error::PermissionDenied(format!(
                "you cannot {verb} a member whose highest role is equal to or above yours"
            )));
        }
        Ok(())
    }

    /// Removes a member (KICK_MEMBERS, higher role than the target).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn kick(&self, who: &Principal, server: Id, user: Id, reason: &str) -> Result<()> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::KICK_MEMBERS)?;
        let reason = validate::text("reason", reason, MAX_REASON)?;
        if !access.perms.is_member(user) {
            return Err(Error::NotFound("member"));
        }
        self.check_target(&access, user, "kick")?;
        let mut change = Change::begin(&self.ctx).await?;
        remove(&mut change, server, user).await?;
        change.audit(
            server,
            who.user_id,
            action::MEMBER_KICK,
            Some(user),
            &reason,
            Vec::new(),
        );
        change.commit().await
    }

    /// Bans a user — member or not — (BAN_MEMBERS, higher role than a member target).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn ban(&self, who: &Principal, server: Id, user: Id, reason: &str) -> Result<Ban> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::BAN_MEMBERS)?;
        let reason = validate::text("reason", reason, MAX_REASON)?;
        let target = self
            .ctx
            .store
            .user_by_id(user)
            .await?
            .ok_or(Error::NotFound("user"))?;
        let was_member = access.perms.is_member(user);
        if was_member || user == who.user_id {
            self.check_target(&access, user, "ban")?;
        }
        let record = BanRecord {
            server_id: server.0,
            user_id: user.0,
            reason: reason.clone(),
            banned_by: Some(who.user_id.0),
            created_at: now_ms(),
        };
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().ban(&record).await?;
        change.invalidate(server);
        let ban = Ban {
            record,
            user: User::from(target).public(),
        };
        change.audit(
            server,
            who.user_id,
            action::MEMBER_BAN_ADD,
            Some(user),
            &reason,
            Vec::new(),
        );
        if was_member {
            announce_removed(&mut change, server, user);
        }
        change.publish(
            Audience::server_with(server, Permissions::BAN_MEMBERS),
            Event::BanAdded(Box::new(ban.clone())),
        );
        change.commit().await?;
        Ok(ban)
    }

    /// Lifts a ban (BAN_MEMBERS).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn unban(&self, who: &Principal, server: Id, user: Id, reason: &str) -> Result<()> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::BAN_MEMBERS)?;
        let reason = validate::text("reason", reason, MAX_REASON)?;
        let mut change = Change::begin(&self.ctx).await?;
        if !change.tx().unban(server, user).await? {
            return Err(Error::NotFound("ban"));
        }
        change.audit(
            server,
            who.user_id,
            action::MEMBER_BAN_REMOVE,
            Some(user),
            &reason,
            Vec::new(),
        );
        change.publish(
            Audience::server_with(server, Permissions::BAN_MEMBERS),
            Event::BanRemoved {
                server_id: server,
                user_id: user,
            },
        );
        change.commit().await
    }

    /// Bans ordered by user id (BAN_MEMBERS).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn bans(
        &self,
        who: &Principal,
        server: Id,
        page_size: u32,
        page_token: &str,
    ) -> Result<(Vec<Ban>, Option<String>)> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::BAN_MEMBERS)?;
        let limit = validate::page_size(page_size, 100, 1000);
        let after = match page_token.trim() {
            "" => None,
            t => Some(Id::parse("page_token", t)?),
        };
        let rows = self.ctx.store.bans(server, after, limit).await?;
        let next = (rows.len() == limit as usize)
            .then(|| rows.last().map(|b| b.user_id.to_string()))
            .flatten();
        let mut bans = Vec::with_capacity(rows.len());
        for record in rows {
            if let Some(u) = self.ctx.store.user_by_id(Id(record.user_id)).await? {
                bans.push(Ban {
                    record,
                    user: User::from(u).public(),
                });
            }
        }
        Ok((bans, next))
    }

    /// Audit entries newest first (MANAGE_SERVER or VIEW_AUDIT_LOG).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn audit_log(
        &self,
        who: &Principal,
        server: Id,
        page_size: u32,
        page_token: &str,
        action: Option<i64>,
        actor: Option<Id>,
    ) -> Result<(Vec<AuditRecord>, Vec<User>, Option<String>)> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        if !access
            .base
            .intersects(Permissions::MANAGE_SERVER | Permissions::VIEW_AUDIT_LOG)
        {
            access.require(Permissions::MANAGE_SERVER)?;
        }
        let limit = validate::page_size(page_size, 50, 100);
        let before = match page_token.trim() {
            "" => None,
            t => Some(Id::parse("page_token", t)?),
        };
        let entries = self
            .ctx
            .store
            .audit_log(server, before, limit, action, actor)
            .await?;
        let next = (entries.len() == limit as usize)
            .then(|| entries.last().map(|e| e.id.to_string()))
            .flatten();
        let mut user_ids: Vec<i64> = entries.iter().map(|e| e.actor_id).collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let mut users = Vec::new();
        for id in user_ids {
            if let Some(u) = self.ctx.store.user_by_id(Id(id)).await? {
                users.push(User::from(u).public());
            }
        }
        Ok((entries, users, next))
    }
}
