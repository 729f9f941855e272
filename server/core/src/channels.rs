//! Server channels and categories, permission overwrites and effective permissions.
//! Overwrite and role changes can make channels appear or disappear for members: those
//! members get `ChannelCreated` / `ChannelDeleted`, so clients never show what they may not
//! see nor miss what they now may.

use std::sync::Arc;

use tracing::instrument;

use crate::{
    access::ServerPerms,
    change::Change,
    context::Context,
    error::{Error, Result},
    events::{Audience, Event},
    id::{Id, now_ms},
    model::{Channel, ChannelKind, OverwriteKind},
    permissions::{Permissions, can_grant},
    principal::Principal,
    servers::{AuditAction, AuditChange},
    store::{ChannelRecord, OverwriteRecord, ServerRecord},
    validate,
};

/// Input of [`ChannelService::create`].
#[derive(Debug, Clone)]
pub struct NewChannel {
    /// Name (text channels are lower-kebab).
    pub name: String,
    /// [`ChannelKind::Text`], [`ChannelKind::Voice`] or [`ChannelKind::Category`].
    pub kind: ChannelKind,
    /// Category, if any.
    pub parent_id: Option<Id>,
    /// Topic (text channels).
    pub topic: String,
    /// Position among siblings; None = last.
    pub position: Option<i32>,
    /// Initial overwrites (needs MANAGE_ROLES).
    pub overwrites: Vec<OverwriteInput>,
    /// Voice user limit, 0 = none.
    pub user_limit: u32,
    /// Voice bitrate.
    pub bitrate: Option<u32>,
    /// Slow mode seconds.
    pub rate_limit_per_user: u32,
}

/// One requested overwrite.
#[derive(Debug, Clone, Copy)]
pub struct OverwriteInput {
    /// Role or member id.
    pub target_id: Id,
    /// Whether `target_id` is a role or a member.
    pub target_kind: OverwriteKind,
    /// Allowed bits (wire value).
    pub allow: u64,
    /// Denied bits (wire value).
    pub deny: u64,
}

/// Changes to a channel; `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct ChannelPatch {
    /// Name.
    pub name: Option<String>,
    /// Topic.
    pub topic: Option<String>,
    /// Category (`Some(None)` = none).
    pub parent_id: Option<Option<Id>>,
    /// Position.
    pub position: Option<i32>,
    /// Voice user limit.
    pub user_limit: Option<u32>,
    /// Voice bitrate.
    pub bitrate: Option<u32>,
    /// Slow mode seconds.
    pub rate_limit_per_user: Option<u32>,
    /// Copy the category's overwrites.
    pub sync_permissions: Option<bool>,
    /// Icon (group DMs).
    pub icon_url: Option<String>,
}

/// `ChannelCreated` for members who can see a channel in `after` but could not in `before`,
/// and `ChannelDeleted` for those who lost it. `users`: who to consider.
async fn visibility_changes(
    ctx: &Context,
    server: Id,
    before: &ServerPerms,
    after: &ServerPerms,
    users: &[Id],
) -> Result<Vec<(Audience, Event)>> {
    let channels = ctx.store.channels(server).await?;
    let overwrites = ctx.store.server_overwrites(server).await?;
    let mut events = Vec::new();
    for record in channels {
        let channel = Id(record.id);
        let (mut gained, mut lost) = (Vec::new(), Vec::new());
        for u in users {
            match (before.can_view(*u, channel), after.can_view(*u, channel)) {
                (false, true) => gained.push(*u),
                (true, false) => lost.push(*u),
                _ => {}
            }
        }
        if !gained.is_empty() {
            let full = Channel {
                overwrites: overwrites
                    .iter()
                    .filter(|o| o.channel_id == record.id)
                    .cloned()
                    .collect(),
                record: record.clone(),
                recipients: Vec::new(),
            };
            events.push((
                Audience::users(gained),
                Event::ChannelCreated(Box::new(full)),
            ));
        }
        if !lost.is_empty() {
            events.push((
                Audience::users(lost),
                Event::ChannelDeleted {
                    channel_id: channel,
                    server_id: Some(server),
                },
            ));
        }
    }
    Ok(events)
}

/// Records in `change` that, after commit, members who gained or lost sight of channels of
/// `server` (compared with `before`) hear of it. `users`: who to consider; `None` = every
/// member after the change.
pub(crate) fn announce_visibility(
    change: &mut Change,
    server: Id,
    before: Arc<ServerPerms>,
    users: Option<Vec<Id>>,
) {
    change.announce(Box::new(move |ctx| {
        Box::pin(async move {
            let after = ctx
                .perms
                .get(server)
                .await?
                .ok_or(Error::NotFound("server"))?;
            let users = users.unwrap_or_else(|| after.member_ids().collect());
            visibility_changes(&ctx, server, &before, &after, &users).await
        })
    }));
}

/// The channels of a server `user` can see, by position, with their overwrites.
async fn visible_channels(ctx: &Context, user: Id, server: Id) -> Result<Vec<Channel>> {
    let access = ctx.perms.server(user, server).await?;
    let overwrites = ctx.store.server_overwrites(server).await?;
    Ok(ctx
        .store
        .channels(server)
        .await?
        .into_iter()
        .filter(|c| access.perms.can_view(user, Id(c.id)))
        .map(|record| Channel {
            overwrites: overwrites
                .iter()
                .filter(|o| o.channel_id == record.id)
                .cloned()
                .collect(),
            record,
            recipients: Vec::new(),
        })
        .collect())
}

/// The channel service.
#[derive(Debug, Clone)]
pub struct ChannelService {
    ctx: Arc<Context>,
}

fn overwrite_record(channel: i64, o: &OverwriteInput) -> OverwriteRecord {
    OverwriteRecord {
        channel_id: channel,
        target_id: o.target_id.0,
        target_kind: o.target_kind,
        allow_bits: Permissions::from_wire(o.allow).bits() as i64,
        deny_bits: Permissions::from_wire(o.deny).bits() as i64,
    }
}

impl ChannelService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    async fn full(&self, record: ChannelRecord) -> Result<Channel> {
        if record.server_id.is_some() {
            let overwrites = self.ctx.store.channel_overwrites(Id(record.id)).await?;
            Ok(Channel {
                record,
                overwrites,
                recipients: Vec::new(),
            })
        } else {
            let recipients = self
                .ctx
                .store
                .recipients(Id(record.id))
                .await?
                .into_iter()
                .map(|u| crate::model::User::from(u).public())
                .collect();
            Ok(Channel {
                record,
                overwrites: Vec::new(),
                recipients,
            })
        }
    }

    /// Checks requested overwrites: targets exist in the server, allow and deny do not
    /// overlap, and the actor holds every bit they hand out or take away.
    fn check_overwrites(
        perms: &ServerPerms,
        actor: Id,
        actor_perms: Permissions,
        overwrites: &[OverwriteInput],
    ) -> Result<()> {
        for o in overwrites {
            let exists = match o.target_kind {
                OverwriteKind::Role => perms.role_position(o.target_id).is_some(),
                OverwriteKind::Member => perms.is_member(o.target_id),
            };
            if !exists {
                return Err(Error::invalid(
                    "target_id",
                    "no such role or member in this server",
                ));
            }
            let (allow, deny) = (
                Permissions::from_wire(o.allow),
                Permissions::from_wire(o.deny),
            );
            if allow.intersects(deny) {
                return Err(Error::invalid(
                    "allow",
                    "a permission cannot be both allowed and denied",
                ));
            }
            if actor != perms.owner_id && !can_grant(actor_perms, allow | deny) {
                return Err(Error::PermissionDenied(
                    "you cannot allow or deny permissions you do not have".to_owned(),
                ));
            }
        }
        Ok(())
    }

    /// Refuses to remove overwrite bits the actor could not have set (unless owner).
    fn check_removal<'a>(
        perms: &ServerPerms,
        actor: Id,
        actor_perms: Permissions,
        removed: impl IntoIterator<Item = &'a OverwriteRecord>,
    ) -> Result<()> {
        if actor == perms.owner_id {
            return Ok(());
        }
        for o in removed {
            let bits = Permissions::from_wire(o.allow_bits as u64)
                | Permissions::from_wire(o.deny_bits as u64);
            if !can_grant(actor_perms, bits) {
                return Err(Error::PermissionDenied(
                    "you cannot change an overwrite involving permissions you do not have"
                        .to_owned(),
                ));
            }
        }
        Ok(())
    }

    /// Validates a parent: a category of the same server, and only for non-categories.
    async fn check_parent(
        &self,
        server: Id,
        kind: ChannelKind,
        parent: Option<Id>,
    ) -> Result<Option<i64>> {
        let Some(id) = parent else {
            return Ok(None);
        };
        if kind == ChannelKind::Category {
            return Err(Error::invalid("parent_id", "categories cannot be nested"));
        }
        match self.ctx.store.channel(id).await? {
            Some(p) if p.server_id == Some(server.0) && p.kind == ChannelKind::Category => {
                Ok(Some(p.id))
            }
            _ => Err(Error::invalid(
                "parent_id",
                "must be a category of this server",
            )),
        }
    }

    /// Creates a channel or category (MANAGE_CHANNELS; overwrites also need MANAGE_ROLES).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn create(&self, who: &Principal, server: Id, input: NewChannel) -> Result<Channel> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_CHANNELS)?;
        if !matches!(
            input.kind,
            ChannelKind::Text | ChannelKind::Voice | ChannelKind::Category
        ) {
            return Err(Error::invalid("type", "must be TEXT, VOICE or CATEGORY"));
        }
        let name = validate::channel_name(&input.name, input.kind == ChannelKind::Text)?;
        let topic = validate::topic(&input.topic)?;
        if input.user_limit > 99 {
            return Err(Error::invalid("user_limit", "must be 0 to 99"));
        }
        let bitrate = input.bitrate.unwrap_or(64_000);
        if !(8_000..=384_000).contains(&bitrate) {
            return Err(Error::invalid("bitrate", "must be 8000 to 384000"));
        }
        if input.rate_limit_per_user > 21_600 {
            return Err(Error::invalid(
                "rate_limit_per_user",
                "must be 0 to 21600 seconds",
            ));
        }
        if !input.overwrites.is_empty() {
            access.require(Permissions::MANAGE_ROLES)?;
            Self::check_overwrites(&access.perms, who.user_id, access.base, &input.overwrites)?;
        }
        let parent_id = self
            .check_parent(server, input.kind, input.parent_id)
            .await?;
        let existing = self.ctx.store.channels(server).await?;
        let limit = self.ctx.settings().max_channels_per_server;
        if existing.len() >= limit as usize {
            return Err(Error::FailedPrecondition(format!(
                "a server can have at most {limit} channels"
            )));
        }
        let position = match input.position {
            Some(p) => i64::from(p.max(0)),
            None => existing
                .iter()
                .filter(|c| {
                    c.parent_id == parent_id
                        && (c.kind == ChannelKind::Category)
                            == (input.kind == ChannelKind::Category)
                })
                .map(|c| c.position + 1)
                .max()
                .unwrap_or(0),
        };
        let record = ChannelRecord {
            id: self.ctx.ids.next().0,
            server_id: Some(server.0),
            kind: input.kind,
            name,
            topic,
            parent_id,
            position,
            owner_id: None,
            icon_url: String::new(),
            user_limit: i64::from(input.user_limit),
            bitrate: i64::from(bitrate),
            rate_limit_per_user: i64::from(input.rate_limit_per_user),
            last_message_id: None,
            last_pin_at: None,
            created_at: now_ms(),
        };
        let overwrites: Vec<OverwriteRecord> = input
            .overwrites
            .iter()
            .map(|o| overwrite_record(record.id, o))
            .collect();
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().create_channel(&record, &overwrites).await?;
        change.invalidate(server);
        let id = Id(record.id);
        let changes = AuditChange::diff("name", "", &record.name)
            .into_iter()
            .collect();
        change.audit(
            server,
            who.user_id,
            AuditAction::ChannelCreate,
            Some(id),
            "",
            changes,
        );
        let channel = Channel {
            record,
            overwrites,
            recipients: Vec::new(),
        };
        change.publish(
            Audience::channel(server, id),
            Event::ChannelCreated(Box::new(channel.clone())),
        );
        change.commit().await?;
        Ok(channel)
    }

    /// A channel the caller can see.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn get(&self, who: &Principal, channel: Id) -> Result<Channel> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        self.full(access.channel).await
    }

    /// The channels of a server the caller can see, by position.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list(&self, who: &Principal, server: Id) -> Result<Vec<Channel>> {
        visible_channels(&self.ctx, who.user_id, server).await
    }

    /// Edits a channel (MANAGE_CHANNELS in it; syncing overwrites also MANAGE_ROLES).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn update(
        &self,
        who: &Principal,
        channel: Id,
        patch: ChannelPatch,
    ) -> Result<Channel> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        let Some(server) = access.server_id() else {
            // Group DMs: any participant may rename them or change the icon.
            if access.channel.kind == ChannelKind::GroupDm {
                let patch = crate::dms::GroupDmPatch {
                    name: patch.name,
                    icon_url: patch.icon_url,
                };
                return crate::dms::DmService::new(Arc::clone(&self.ctx))
                    .update_group(who, channel, patch)
                    .await;
            }
            return Err(Error::FailedPrecondition(
                "direct messages have no settings to update".to_owned(),
            ));
        };
        access.require(Permissions::MANAGE_CHANNELS)?;
        let old = access.channel.clone();
        let mut new = old.clone();
        if let Some(n) = patch.name {
            new.name = validate::channel_name(&n, new.kind == ChannelKind::Text)?;
        }
        if let Some(t) = patch.topic {
            new.topic = validate::topic(&t)?;
        }
        if let Some(p) = patch.parent_id {
            new.parent_id = self.check_parent(server, new.kind, p).await?;
        }
        if let Some(p) = patch.position {
            new.position = i64::from(p.max(0));
        }
        if let Some(l) = patch.user_limit {
            if l > 99 {
                return Err(Error::invalid("user_limit", "must be 0 to 99"));
            }
            new.user_limit = i64::from(l);
        }
        if let Some(b) = patch.bitrate {
            if !(8_000..=384_000).contains(&b) {
                return Err(Error::invalid("bitrate", "must be 8000 to 384000"));
            }
            new.bitrate = i64::from(b);
        }
        if let Some(r) = patch.rate_limit_per_user {
            if r > 21_600 {
                return Err(Error::invalid(
                    "rate_limit_per_user",
                    "must be 0 to 21600 seconds",
                ));
            }
            new.rate_limit_per_user = i64::from(r);
        }
        let sync = patch.sync_permissions == Some(true) && new.parent_id.is_some();
        if sync {
            access.require(Permissions::MANAGE_ROLES)?;
        }
        let before = Arc::clone(access.server.as_ref().ok_or(Error::NotFound("channel"))?);
        // Syncing replaces this channel's overwrites with the category's: the actor must see
        // the category and hold every bit being removed or granted. Checked before writing.
        let synced = match (sync, new.parent_id) {
            (true, Some(parent)) => {
                if !before.can_view(who.user_id, Id(parent)) {
                    return Err(Error::invalid(
                        "parent_id",
                        "must be a category of this server",
                    ));
                }
                let current = self.ctx.store.channel_overwrites(channel).await?;
                let from_parent = self.ctx.store.channel_overwrites(Id(parent)).await?;
                Self::check_removal(
                    &before,
                    who.user_id,
                    access.perms,
                    current.iter().chain(&from_parent),
                )?;
                Some(
                    from_parent
                        .into_iter()
                        .map(|o| OverwriteRecord {
                            channel_id: new.id,
                            ..o
                        })
                        .collect::<Vec<_>>(),
                )
            }
            _ => None,
        };
        let overwrites = match &synced {
            Some(copied) => copied.clone(),
            None => self.ctx.store.channel_overwrites(channel).await?,
        };
        // The edit and the copied overwrites commit together.
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().update_channel(&new).await?;
        if let Some(copied) = synced {
            change.tx().replace_overwrites(channel, &copied).await?;
        }
        change.invalidate(server);
        let changes: Vec<AuditChange> = [
            AuditChange::diff("name", &old.name, &new.name),
            AuditChange::diff("topic", &old.topic, &new.topic),
            AuditChange::diff(
                "parent_id",
                old.parent_id.unwrap_or_default(),
                new.parent_id.unwrap_or_default(),
            ),
            AuditChange::diff("position", old.position, new.position),
            AuditChange::diff("user_limit", old.user_limit, new.user_limit),
            AuditChange::diff("bitrate", old.bitrate, new.bitrate),
            AuditChange::diff(
                "rate_limit_per_user",
                old.rate_limit_per_user,
                new.rate_limit_per_user,
            ),
            sync.then(|| AuditChange {
                key: "sync_permissions".into(),
                old_value: String::new(),
                new_value: "true".into(),
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !changes.is_empty() {
            change.audit(
                server,
                who.user_id,
                AuditAction::ChannelUpdate,
                Some(channel),
                "",
                changes,
            );
        }
        let full = Channel {
            record: new,
            overwrites,
            recipients: Vec::new(),
        };
        change.publish(
            Audience::channel(server, channel),
            Event::ChannelUpdated(Box::new(full.clone())),
        );
        if sync {
            announce_visibility(&mut change, server, before, None);
        }
        change.commit().await?;
        Ok(full)
    }

    /// Deletes a channel and its messages (MANAGE_CHANNELS in it).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn delete(&self, who: &Principal, channel: Id) -> Result<()> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        let (Some(server), Some(perms)) = (access.server_id(), access.server.clone()) else {
            return Err(Error::FailedPrecondition(
                "use LeaveGroupDm for private channels".to_owned(),
            ));
        };
        access.require(Permissions::MANAGE_CHANNELS)?;
        // Whoever could see it must hear that it is gone; after deletion nobody "can view" it.
        let viewers: Vec<Id> = perms
            .member_ids()
            .filter(|u| perms.can_view(*u, channel))
            .collect();
        let children: Vec<ChannelRecord> = self
            .ctx
            .store
            .channels(server)
            .await?
            .into_iter()
            .filter(|c| c.parent_id == Some(channel.0))
            .collect();
        let system_cleared = self
            .ctx
            .store
            .server(server)
            .await?
            .filter(|s| s.system_channel_id == Some(channel.0))
            .map(|s| ServerRecord {
                system_channel_id: None,
                ..s
            });
        let overwrites = if children.is_empty() {
            Vec::new()
        } else {
            self.ctx.store.server_overwrites(server).await?
        };
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().delete_channel(channel).await?;
        change.invalidate(server);
        let changes = AuditChange::diff("name", &access.channel.name, "")
            .into_iter()
            .collect();
        change.audit(
            server,
            who.user_id,
            AuditAction::ChannelDelete,
            Some(channel),
            "",
            changes,
        );
        change.publish(
            Audience::users(viewers),
            Event::ChannelDeleted {
                channel_id: channel,
                server_id: Some(server),
            },
        );
        // Deleting a category leaves its channels uncategorised; a deleted system channel
        // leaves the server without one (the schema clears both). Clients hear both.
        for mut child in children {
            child.parent_id = None;
            let id = Id(child.id);
            let full = Channel {
                overwrites: overwrites
                    .iter()
                    .filter(|o| o.channel_id == child.id)
                    .cloned()
                    .collect(),
                record: child,
                recipients: Vec::new(),
            };
            change.publish(
                Audience::channel(server, id),
                Event::ChannelUpdated(Box::new(full)),
            );
        }
        if let Some(updated) = system_cleared {
            change.publish(Audience::server(server), Event::ServerUpdated(updated));
        }
        change.commit().await
    }

    /// Moves several channels at once (MANAGE_CHANNELS server-wide).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn reorder(
        &self,
        who: &Principal,
        server: Id,
        positions: Vec<(Id, i32, Option<Option<Id>>)>,
    ) -> Result<Vec<Channel>> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_CHANNELS)?;
        if positions.is_empty() || positions.len() > 500 {
            return Err(Error::invalid("positions", "must list 1 to 500 channels"));
        }
        let channels = self.ctx.store.channels(server).await?;
        let mut updates = Vec::with_capacity(positions.len());
        for (id, position, parent) in positions {
            let c = channels.iter().find(|c| c.id == id.0).ok_or_else(|| {
                Error::invalid("positions", format!("channel {id} is not in this server"))
            })?;
            let parent_id = match parent {
                None => c.parent_id,
                Some(p) => self.check_parent(server, c.kind, p).await?,
            };
            updates.push((c.id, i64::from(position.max(0)), parent_id));
        }
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().set_channel_positions(&updates).await?;
        change.invalidate(server);
        let (caller, moved): (Id, Vec<i64>) =
            (who.user_id, updates.iter().map(|(id, ..)| *id).collect());
        change.announce(Box::new(move |ctx| {
            Box::pin(async move {
                Ok(visible_channels(&ctx, caller, server)
                    .await?
                    .into_iter()
                    .filter(|c| moved.contains(&c.record.id))
                    .map(|c| {
                        (
                            Audience::channel(server, Id(c.record.id)),
                            Event::ChannelUpdated(Box::new(c)),
                        )
                    })
                    .collect())
            })
        }));
        change.commit().await?;
        self.list(who, server).await
    }

    /// Sets the overwrite of a role or member on a channel (MANAGE_ROLES in it).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn set_overwrite(
        &self,
        who: &Principal,
        channel: Id,
        input: OverwriteInput,
    ) -> Result<Channel> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        let (Some(server), Some(perms)) = (access.server_id(), access.server.clone()) else {
            return Err(Error::FailedPrecondition(
                "private channels have no overwrites".to_owned(),
            ));
        };
        access.require(Permissions::MANAGE_ROLES)?;
        Self::check_overwrites(&perms, who.user_id, access.perms, &[input])?;
        let old = self.ctx.store.channel_overwrites(channel).await?;
        // Replacing an overwrite also takes away its old bits: those need the right too.
        Self::check_removal(
            &perms,
            who.user_id,
            access.perms,
            old.iter().filter(|o| o.target_id == input.target_id.0),
        )?;
        let record = overwrite_record(channel.0, &input);
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().upsert_overwrite(&record).await?;
        change.invalidate(server);
        let previous = old.iter().find(|o| o.target_id == record.target_id);
        let changes: Vec<AuditChange> = [
            AuditChange::diff(
                "allow",
                previous.map_or(0, |o| o.allow_bits),
                record.allow_bits,
            ),
            AuditChange::diff(
                "deny",
                previous.map_or(0, |o| o.deny_bits),
                record.deny_bits,
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        change.audit(
            server,
            who.user_id,
            AuditAction::ChannelOverwriteUpdate,
            Some(channel),
            "",
            changes,
        );
        let target = record.target_id;
        let mut overwrites: Vec<OverwriteRecord> = old
            .into_iter()
            .filter(|o| o.target_id != target)
            .chain([record])
            .collect();
        overwrites.sort_by_key(|o| o.target_id);
        Self::after_overwrite_change(change, server, access.channel, overwrites, perms).await
    }

    /// Removes the overwrite of a role or member (MANAGE_ROLES in the channel).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn delete_overwrite(
        &self,
        who: &Principal,
        channel: Id,
        target: Id,
    ) -> Result<Channel> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        let (Some(server), Some(perms)) = (access.server_id(), access.server.clone()) else {
            return Err(Error::FailedPrecondition(
                "private channels have no overwrites".to_owned(),
            ));
        };
        access.require(Permissions::MANAGE_ROLES)?;
        let old = self.ctx.store.channel_overwrites(channel).await?;
        Self::check_removal(
            &perms,
            who.user_id,
            access.perms,
            old.iter().filter(|o| o.target_id == target.0),
        )?;
        let mut change = Change::begin(&self.ctx).await?;
        if !change.tx().delete_overwrite(channel, target).await? {
            return Err(Error::NotFound("overwrite"));
        }
        change.invalidate(server);
        change.audit(
            server,
            who.user_id,
            AuditAction::ChannelOverwriteDelete,
            Some(channel),
            "",
            Vec::new(),
        );
        let overwrites = old
            .into_iter()
            .filter(|o| o.target_id != target.0)
            .collect();
        Self::after_overwrite_change(change, server, access.channel, overwrites, perms).await
    }

    /// Members who keep seeing the channel get the update; gains and losses get create /
    /// delete.
    async fn after_overwrite_change(
        mut change: Change,
        server: Id,
        record: ChannelRecord,
        overwrites: Vec<OverwriteRecord>,
        before: Arc<ServerPerms>,
    ) -> Result<Channel> {
        let channel = Id(record.id);
        let full = Channel {
            record,
            overwrites,
            recipients: Vec::new(),
        };
        change.publish(
            Audience::channel(server, channel),
            Event::ChannelUpdated(Box::new(full.clone())),
        );
        announce_visibility(&mut change, server, before, None);
        change.commit().await?;
        Ok(full)
    }

    /// Permissions of the caller — or, with MANAGE_ROLES, of another member — in a channel.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn effective_permissions(
        &self,
        who: &Principal,
        channel: Id,
        user: Option<Id>,
    ) -> Result<Permissions> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        match (user, &access.server) {
            (Some(other), Some(perms)) if other != who.user_id => {
                access.require(Permissions::MANAGE_ROLES)?;
                if !perms.is_member(other) {
                    return Err(Error::NotFound("member"));
                }
                Ok(perms
                    .in_channel(other, channel)
                    .unwrap_or_else(Permissions::empty))
            }
            _ => Ok(access.perms),
        }
    }
}
