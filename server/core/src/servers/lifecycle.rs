//! A server's life: creation with its default channels, reading, settings (with icons),
//! ownership transfer and deletion.

use tracing::instrument;

use super::{ServerPatch, ServerService, joined};
use crate::{
    change::Change,
    error::{Error, Result},
    events::{Audience, Event},
    id::{Id, now_ms},
    model::Server,
    model::{AuditAction, AuditChange, ChannelKind},
    permissions::Permissions,
    principal::Principal,
    store::{ChannelRecord, NewServer, RoleRecord, ServerRecord},
    validate,
};

/// Server icons uploaded as bytes: validated images, stored content-addressed apart from
/// attachments (whose clean-up must never touch an icon), served publicly by hash.
pub mod icons {
    use std::path::PathBuf;

    use crate::{
        context::Context,
        error::{Error, Result},
        files,
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
        let sha = files::put(&dir(ctx), data, ctx.ids.next()).await?;
        Ok(format!("{URL_PREFIX}{sha}"))
    }

    /// The stored icon with this hash and its type, if any.
    pub async fn load(ctx: &Context, sha256: &str) -> Result<(Vec<u8>, &'static str)> {
        let data = files::read(&dir(ctx), sha256)
            .await
            .ok_or(Error::NotFound("icon"))?;
        let kind = image_type(&data).ok_or(Error::NotFound("icon"))?;
        Ok((data, kind))
    }
}

impl ServerService {
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
        crate::verified::require_verified_email(&self.ctx, who.user_id).await?;
        let limit = self.ctx.settings().max_servers_per_user;
        if self.ctx.store.owned_server_count(who.user_id).await? >= i64::from(limit) {
            return Err(Error::FailedPrecondition(format!(
                "you already own the maximum of {limit} servers"
            )));
        }
        let now = now_ms();
        let ids = &self.ctx.ids;
        let id = ids.next().0;
        let channel =
            |kind: ChannelKind, name: &str, parent: Option<i64>, position: i64| ChannelRecord {
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
        let text_category = channel(ChannelKind::Category, "Text Channels", None, 0);
        let general = channel(ChannelKind::Text, "general", Some(text_category.id), 0);
        let voice_category = channel(ChannelKind::Category, "Voice Channels", None, 1);
        let voice = channel(ChannelKind::Voice, "General", Some(voice_category.id), 0);
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
            new.system_channel_id = if let Some(id) = c {
                let channel = self.ctx.store.channel(id).await?;
                match channel {
                    Some(ch) if ch.server_id == Some(server.0) && ch.kind == ChannelKind::Text => {
                        Some(ch.id)
                    }
                    _ => {
                        return Err(Error::invalid(
                            "system_channel_id",
                            "must be a text channel of this server",
                        ));
                    }
                }
            } else {
                None
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
                AuditAction::ServerUpdate,
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
            AuditAction::OwnershipTransfer,
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
}
