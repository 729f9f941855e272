//! Servers (guilds). Every call resolves the caller's access first: a non-member learns
//! nothing (NOT_FOUND), a member without the permission is refused (PERMISSION_DENIED), and
//! nothing changes.
//!
//! - [`lifecycle`]: create, read, update, delete, transfer ownership, icons;
//! - [`members`]: the member list, nicknames and voice moderation, leaving;
//! - [`moderation`]: kick, ban, unban, the ban list.
//!
//! The audit log's listing lives in [`crate::audit`], its vocabulary in [`crate::model`]. This module holds what
//! they share: the service, the patch types, and loading members and snapshots.

pub mod lifecycle;
pub mod members;
pub mod moderation;

use std::sync::Arc;

use crate::{
    access::ServerPerms,
    change::Change,
    context::Context,
    error::{Error, Result},
    events::{Audience, Event},
    id::Id,
    model::User,
    model::{Channel, Member, ServerSnapshot},
    store::ServerRecord,
};

pub use self::lifecycle::icons;
pub use crate::model::{AuditAction, AuditChange};

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
            snapshot.presences = ctx.hub.presences(perms.member_ids()).await;
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
pub(crate) async fn remove(change: &mut Change, server: Id, user: Id) -> Result<()> {
    change.tx().remove_member(server, user).await?;
    announce_removed(change, server, user);
    Ok(())
}

/// Records that `user` is no longer a member of `server`.
pub(crate) fn announce_removed(change: &mut Change, server: Id, user: Id) {
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
    let voice_states = ctx
        .voice
        .in_server(id)
        .into_iter()
        .filter(|v| perms.can_view(user, v.channel_id))
        .collect();
    Ok(ServerSnapshot {
        server,
        channels,
        roles,
        member,
        presences: Vec::new(),
        voice_states,
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
    /// New system channel (`Some(None)` clears it).
    pub system_channel_id: Option<Option<Id>>,
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
    /// Move to a voice channel (`Some(None)`: disconnect).
    pub voice_channel_id: Option<Option<Id>>,
    /// Reason for the audit log.
    pub reason: String,
}

/// The server service.
#[derive(Debug, Clone)]
pub struct ServerService {
    pub(crate) ctx: Arc<Context>,
}

impl ServerService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }
}
