//! `Subscribe`: opens a user's event stream — a snapshot (or a replay), then live events.

use std::sync::Arc;

use tracing::instrument;

use super::{Control, Subscription, SubscriptionStart};
use crate::{
    context::Context,
    error::{Error, Result},
    id::Id,
    model::User,
    model::{Presence, PresenceStatus, Ready},
    principal::Principal,
    servers::snapshot_for,
};

/// The event stream service.
#[derive(Debug, Clone)]
pub struct EventService {
    ctx: Arc<Context>,
}

impl EventService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Sets the caller's presence status (ONLINE, IDLE, DND or INVISIBLE) and announces it.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn set_presence(&self, who: &Principal, status: PresenceStatus) -> Result<Presence> {
        if status == PresenceStatus::Offline {
            return Err(Error::invalid(
                "status",
                "choose ONLINE, IDLE, DND or INVISIBLE (offline is automatic)",
            ));
        }
        Ok(self.ctx.hub.set_status(who.user_id, status).await)
    }

    /// Opens a stream for the caller. With a resumable cursor, missed events are replayed;
    /// otherwise the stream starts with a `Ready` snapshot (after a resync notice if a cursor
    /// was given but could not be honoured).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn subscribe(&self, who: &Principal, resume: Option<&str>) -> Result<Subscription> {
        let servers = self.ctx.store.servers_of_user(who.user_id).await?;
        let server_ids: Vec<Id> = servers.iter().map(|s| Id(s.id)).collect();
        let (mut sub, start) = self
            .ctx
            .hub
            .subscribe(who.user_id, who.session_id, &server_ids, resume)
            .await
            .ok_or_else(|| Error::Unavailable("the server is shutting down".to_owned()))?;
        // Registered, so online: an offline period with a notification mail ends here.
        crate::notifications::end_period(&self.ctx, who.user_id).await;
        // Registered first, servers re-read second: a server joined meanwhile is one this
        // node's feed (clustered) may not carry yet. It carries it before the snapshot is
        // read, so the snapshot holds what came before and the stream what comes after; a
        // replay read without that server is incomplete and becomes a snapshot.
        let servers = self.ctx.store.servers_of_user(who.user_id).await?;
        let joined = servers.iter().any(|s| !server_ids.contains(&Id(s.id)));
        if joined {
            let now: Vec<Id> = servers.iter().map(|s| Id(s.id)).collect();
            self.ctx.hub.cover(who.user_id, &now).await;
        }
        let fresh = match start {
            SubscriptionStart::Fresh { resync } => Some(resync),
            SubscriptionStart::Resumed if joined => {
                sub.clear_prelude();
                Some(Some(
                    "joined a server while reconnecting; reload the state".to_owned(),
                ))
            }
            SubscriptionStart::Resumed => None,
        };
        if let Some(resync) = fresh {
            // Registered first, snapshot second: events racing with the snapshot are queued
            // behind it rather than lost.
            let ready = self.ready(who, servers).await?;
            let encoder = self.ctx.hub.encoder();
            sub.push_front(encoder.encode_ready(&ready));
            if let Some(reason) = resync {
                sub.push_front(encoder.encode_control(&Control::ResyncRequired(reason)));
            }
        }
        Ok(sub)
    }

    async fn ready(
        &self,
        who: &Principal,
        servers: Vec<crate::store::ServerRecord>,
    ) -> Result<Ready> {
        let user: User = self
            .ctx
            .store
            .user_by_id(who.user_id)
            .await?
            .map(User::from)
            .ok_or_else(|| Error::Unauthenticated("account no longer exists".to_owned()))?;
        let mut snapshots = Vec::with_capacity(servers.len());
        let mut co_members = std::collections::HashSet::new();
        for server in servers {
            let Some(perms) = self.ctx.perms.get(Id(server.id)).await? else {
                continue;
            };
            co_members.extend(perms.member_ids().filter(|u| *u != who.user_id));
            snapshots.push(snapshot_for(&self.ctx, who.user_id, server, &perms).await?);
        }
        let relationships = crate::relationships::list_for(&self.ctx, who.user_id).await?;
        co_members.extend(
            relationships
                .iter()
                .filter(|r| r.kind == crate::relationships::RelationshipKind::Friend)
                .map(|r| r.user.id),
        );
        let private_channels = crate::dms::private_channels_of(&self.ctx, who.user_id).await?;
        let visible_channels: Vec<Id> = snapshots
            .iter()
            .flat_map(|s| s.channels.iter().map(|c| Id(c.record.id)))
            .chain(private_channels.iter().map(|c| Id(c.record.id)))
            .collect();
        let read_states = self
            .ctx
            .store
            .read_states(who.user_id, &visible_channels)
            .await?;
        let presences = self.ctx.hub.presences(co_members).await;
        let private_ids: Vec<Id> = private_channels.iter().map(|c| Id(c.record.id)).collect();
        let (calls, private_voice_states) = self.ctx.voice.calls_in(&private_ids);
        Ok(Ready {
            calls,
            private_voice_states,
            self_presence: Presence {
                user_id: user.id,
                status: self.ctx.hub.chosen_status(user.id).await,
                status_text: user.status_text.clone(),
            },
            user,
            servers: snapshots,
            private_channels,
            relationships,
            read_states,
            presences,
            heartbeat_interval_secs: self.ctx.hub.config().heartbeat.as_secs() as u32,
            session_id: who.session_id,
        })
    }
}
