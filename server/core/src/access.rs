//! Who may see and do what: an in-memory permission snapshot per server, loaded from the
//! store on first use and dropped whenever a service changes roles, channels, overwrites,
//! members or ownership. Services check permissions through it, and the event hub checks
//! visibility at delivery time with the same snapshots — one rule for both paths.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use crate::{
    error::{Error, Result},
    id::Id,
    model::{ChannelKind, OverwriteKind},
    permissions::{
        MemberContext, Overwrite, OverwriteTarget, Permissions, RoleGrant, base_permissions,
        channel_permissions,
    },
    store::{ChannelRecord, PermissionRows, Store},
};

/// What a participant may do in a DM or group DM.
pub const PRIVATE_CHANNEL_PERMISSIONS: Permissions = Permissions::VIEW_CHANNEL
    .union(Permissions::SEND_MESSAGES)
    .union(Permissions::READ_MESSAGE_HISTORY)
    .union(Permissions::ADD_REACTIONS)
    .union(Permissions::EMBED_LINKS)
    .union(Permissions::ATTACH_FILES)
    .union(Permissions::CONNECT)
    .union(Permissions::SPEAK)
    .union(Permissions::USE_VOICE_ACTIVITY)
    .union(Permissions::STREAM);

#[derive(Debug, Clone)]
struct ChannelPerm {
    kind: ChannelKind,
    overwrites: Vec<Overwrite>,
    /// The row as loaded; see [`PermCache::channel_cached`] for which fields may lag.
    record: ChannelRecord,
}

/// Permission-relevant state of one server.
#[derive(Debug)]
pub struct ServerPerms {
    /// The server.
    pub server_id: Id,
    /// Its owner.
    pub owner_id: Id,
    everyone: Permissions,
    /// role id → (position, permissions)
    roles: HashMap<i64, (i64, Permissions)>,
    /// Roles anyone may @mention.
    mentionable: std::collections::HashSet<i64>,
    channels: HashMap<i64, ChannelPerm>,
    /// member → role ids (without @everyone)
    members: HashMap<i64, Vec<i64>>,
}

impl ServerPerms {
    fn from_rows(rows: PermissionRows) -> Self {
        let server_id = rows.server.id;
        let mut roles = HashMap::new();
        let mut mentionable = std::collections::HashSet::new();
        let mut everyone = Permissions::empty();
        for r in rows.roles {
            let perms = Permissions::from_wire(r.permissions as u64);
            if r.id == server_id {
                everyone = perms;
            } else {
                roles.insert(r.id, (r.position, perms));
                if r.mentionable {
                    mentionable.insert(r.id);
                }
            }
        }
        let mut channels: HashMap<i64, ChannelPerm> = rows
            .channels
            .into_iter()
            .map(|c| {
                (
                    c.id,
                    ChannelPerm {
                        kind: c.kind,
                        overwrites: Vec::new(),
                        record: c,
                    },
                )
            })
            .collect();
        for o in rows.overwrites {
            if let Some(c) = channels.get_mut(&o.channel_id) {
                c.overwrites.push(Overwrite {
                    target: match o.target_kind {
                        OverwriteKind::Role => OverwriteTarget::Role(o.target_id),
                        OverwriteKind::Member => OverwriteTarget::Member(o.target_id),
                    },
                    allow: Permissions::from_wire(o.allow_bits as u64),
                    deny: Permissions::from_wire(o.deny_bits as u64),
                });
            }
        }
        let mut members: HashMap<i64, Vec<i64>> =
            rows.members.into_iter().map(|u| (u, Vec::new())).collect();
        for (user, role) in rows.member_roles {
            if let Some(r) = members.get_mut(&user) {
                r.push(role);
            }
        }
        Self {
            server_id: Id(server_id),
            owner_id: Id(rows.server.owner_id),
            everyone,
            roles,
            mentionable,
            channels,
            members,
        }
    }

    /// Whether a role may be @mentioned by anyone (members with MENTION_EVERYONE may mention
    /// any role).
    pub fn is_mentionable(&self, role: Id) -> bool {
        self.mentionable.contains(&role.0)
    }

    /// Whether `user` is a member.
    pub fn is_member(&self, user: Id) -> bool {
        self.members.contains_key(&user.0)
    }

    /// How many members the server has.
    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    /// Member user ids.
    pub fn member_ids(&self) -> impl Iterator<Item = Id> + '_ {
        self.members.keys().map(|u| Id(*u))
    }

    /// Role ids of a member (without @everyone).
    pub fn member_roles(&self, user: Id) -> &[i64] {
        self.members.get(&user.0).map_or(&[], Vec::as_slice)
    }

    fn with_context<T>(&self, user: Id, f: impl FnOnce(&MemberContext) -> T) -> Option<T> {
        let role_ids = self.members.get(&user.0)?;
        let grants: Vec<RoleGrant> = role_ids
            .iter()
            .filter_map(|r| {
                self.roles.get(r).map(|(_, p)| RoleGrant {
                    role_id: *r,
                    permissions: *p,
                })
            })
            .collect();
        Some(f(&MemberContext {
            server_id: self.server_id.0,
            owner_id: self.owner_id.0,
            user_id: user.0,
            everyone: self.everyone,
            roles: &grants,
        }))
    }

    /// Server-wide permissions of a member; None for non-members.
    pub fn base(&self, user: Id) -> Option<Permissions> {
        self.with_context(user, base_permissions)
    }

    /// Permissions of a member in a channel; None for non-members or unknown channels.
    pub fn in_channel(&self, user: Id, channel: Id) -> Option<Permissions> {
        let c = self.channels.get(&channel.0)?;
        self.with_context(user, |m| channel_permissions(m, c.kind, &c.overwrites))
    }

    /// Whether a member may see a channel.
    pub fn can_view(&self, user: Id, channel: Id) -> bool {
        self.in_channel(user, channel)
            .is_some_and(|p| p.contains(Permissions::VIEW_CHANNEL))
    }

    /// Position of a member's highest role (0 = only @everyone); the owner outranks all.
    pub fn top_position(&self, user: Id) -> i64 {
        if user == self.owner_id {
            return i64::MAX;
        }
        self.member_roles(user)
            .iter()
            .filter_map(|r| self.roles.get(r).map(|(pos, _)| *pos))
            .max()
            .unwrap_or(0)
    }

    /// Position of a role (@everyone = 0); None if it is not a role of this server.
    pub fn role_position(&self, role: Id) -> Option<i64> {
        if role == self.server_id {
            return Some(0);
        }
        self.roles.get(&role.0).map(|(pos, _)| *pos)
    }

    /// Whether `actor` outranks `target` (role hierarchy; the owner outranks everyone and
    /// nobody outranks the owner).
    pub fn outranks(&self, actor: Id, target: Id) -> bool {
        crate::permissions::can_manage(
            self.top_position(actor),
            self.top_position(target),
            actor == self.owner_id,
            target == self.owner_id,
        )
    }
}

#[derive(Debug, Default)]
struct Slot {
    generation: u64,
    state: Option<Arc<ServerPerms>>,
}

/// Cache of [`ServerPerms`], one per server.
#[derive(Debug)]
pub struct PermCache {
    store: Arc<dyn Store>,
    slots: Mutex<HashMap<Id, Slot>>,
    /// The server of each server channel looked up so far (a channel never changes server;
    /// a deleted one is simply missing from its server's snapshot).
    homes: Mutex<HashMap<Id, Id>>,
}

impl PermCache {
    /// An empty cache over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            slots: Mutex::new(HashMap::new()),
            homes: Mutex::new(HashMap::new()),
        }
    }

    fn homes(&self) -> std::sync::MutexGuard<'_, HashMap<Id, Id>> {
        self.homes.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Id, Slot>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The snapshot of a server, loading it if needed; None if the server does not exist.
    pub async fn get(&self, server: Id) -> Result<Option<Arc<ServerPerms>>> {
        let generation = {
            let mut slots = self.lock();
            let slot = slots.entry(server).or_default();
            if let Some(state) = &slot.state {
                return Ok(Some(Arc::clone(state)));
            }
            slot.generation
        };
        let Some(rows) = self.store.permission_rows(server).await? else {
            // Unknown ids leave no trace (the map must not grow with made-up ids).
            let mut slots = self.lock();
            if slots
                .get(&server)
                .is_some_and(|s| s.generation == generation && s.state.is_none())
            {
                slots.remove(&server);
            }
            return Ok(None);
        };
        let state = Arc::new(ServerPerms::from_rows(rows));
        // Only publish what we loaded if nothing changed meanwhile; otherwise the snapshot
        // may predate the change, so the next caller loads again.
        let mut slots = self.lock();
        // A slot removed meanwhile (server deleted) stays removed.
        if let Some(slot) = slots.get_mut(&server)
            && slot.generation == generation
        {
            slot.state = Some(Arc::clone(&state));
        }
        Ok(Some(state))
    }

    /// Ids of the servers `user` is a member of (empty if the store fails: used for presence
    /// fan-out, which is best effort).
    pub async fn servers_of(&self, user: Id) -> Vec<Id> {
        match self.store.servers_of_user(user).await {
            Ok(servers) => servers.into_iter().map(|s| Id(s.id)).collect(),
            Err(e) => {
                tracing::warn!(%user, error = %e, "cannot list servers for presence");
                Vec::new()
            }
        }
    }

    /// Forgets a server's snapshot; call after committing any change to its permissions.
    pub fn invalidate(&self, server: Id) {
        let mut slots = self.lock();
        let slot = slots.entry(server).or_default();
        slot.generation += 1;
        slot.state = None;
    }

    /// Forgets a deleted server entirely.
    pub fn remove(&self, server: Id) {
        self.lock().remove(&server);
        self.homes().retain(|_, home| *home != server);
    }
}

/// A member's view of a server.
#[derive(Debug, Clone)]
pub struct ServerAccess {
    /// Snapshot the decision was made on.
    pub perms: Arc<ServerPerms>,
    /// The member.
    pub user: Id,
    /// Their server-wide permissions.
    pub base: Permissions,
}

impl ServerAccess {
    /// Refuses unless the member has every permission in `needed`.
    pub fn require(&self, needed: Permissions) -> Result<()> {
        if self.base.contains(needed) {
            Ok(())
        } else {
            Err(missing(needed))
        }
    }

    /// Whether the member is the owner.
    pub fn is_owner(&self) -> bool {
        self.user == self.perms.owner_id
    }
}

/// A user's view of a channel (server channel or DM).
#[derive(Debug, Clone)]
pub struct ChannelAccess {
    /// The channel row.
    pub channel: ChannelRecord,
    /// The server snapshot, for server channels.
    pub server: Option<Arc<ServerPerms>>,
    /// The user.
    pub user: Id,
    /// Their permissions in this channel (includes VIEW_CHANNEL by construction).
    pub perms: Permissions,
}

impl ChannelAccess {
    /// Refuses unless the user has every permission in `needed` here.
    pub fn require(&self, needed: Permissions) -> Result<()> {
        if self.perms.contains(needed) {
            Ok(())
        } else {
            Err(missing(needed))
        }
    }

    /// The channel's server, None for DMs.
    pub fn server_id(&self) -> Option<Id> {
        self.channel.server_id.map(Id)
    }
}

fn missing(needed: Permissions) -> Error {
    let names: Vec<&str> = needed.iter_names().map(|(n, _)| n).collect();
    Error::PermissionDenied(format!("missing permission: {}", names.join(", ")))
}

impl PermCache {
    /// The caller's access to a server. Non-members get NOT_FOUND, exactly as if the server
    /// did not exist.
    pub async fn server(&self, user: Id, server: Id) -> Result<ServerAccess> {
        let perms = self.get(server).await?.ok_or(Error::NotFound("server"))?;
        let base = perms.base(user).ok_or(Error::NotFound("server"))?;
        Ok(ServerAccess { perms, user, base })
    }

    /// The caller's access to a channel. Channels the user cannot see — in servers they are
    /// not in, without VIEW_CHANNEL, or DMs they are not part of — are NOT_FOUND.
    pub async fn channel(&self, user: Id, channel: Id) -> Result<ChannelAccess> {
        let record = self
            .store
            .channel(channel)
            .await?
            .ok_or(Error::NotFound("channel"))?;
        match record.server_id {
            Some(server) => {
                let perms = self
                    .get(Id(server))
                    .await?
                    .ok_or(Error::NotFound("channel"))?;
                let p = perms
                    .in_channel(user, channel)
                    .filter(|p| p.contains(Permissions::VIEW_CHANNEL))
                    .ok_or(Error::NotFound("channel"))?;
                self.homes().insert(channel, Id(server));
                Ok(ChannelAccess {
                    channel: record,
                    server: Some(perms),
                    user,
                    perms: p,
                })
            }
            None => {
                if !self.store.is_recipient(channel, user).await? {
                    return Err(Error::NotFound("channel"));
                }
                Ok(ChannelAccess {
                    channel: record,
                    server: None,
                    user,
                    perms: PRIVATE_CHANNEL_PERMISSIONS,
                })
            }
        }
    }

    /// [`Self::channel`] answered from the server's snapshot, without reading the channel
    /// row, once the channel has been looked up before. The record is the one the snapshot
    /// was loaded with: every field a channel change rewrites is current (those changes
    /// invalidate the snapshot), but `last_message_id` and `last_pin_at` may lag — callers
    /// that show them use [`Self::channel`]. DMs and first lookups read the store.
    pub async fn channel_cached(&self, user: Id, channel: Id) -> Result<ChannelAccess> {
        let home = self.homes().get(&channel).copied();
        if let Some(server) = home {
            if let Some(perms) = self.get(server).await?
                && let Some(cached) = perms.channels.get(&channel.0)
            {
                let p = perms
                    .in_channel(user, channel)
                    .filter(|p| p.contains(Permissions::VIEW_CHANNEL))
                    .ok_or(Error::NotFound("channel"))?;
                return Ok(ChannelAccess {
                    channel: cached.record.clone(),
                    server: Some(Arc::clone(&perms)),
                    user,
                    perms: p,
                });
            }
            // Deleted (or its server is): forget it; the store has the last word below.
            self.homes().remove(&channel);
        }
        self.channel(user, channel).await
    }
}
