//! Voice channels and DM calls: who is connected where ([`state`], in memory), the
//! signalling relay between the participants of one session (peer-to-peer mesh, up to the
//! configured cap) and the ICE servers clients connect through ([`ice`]).
//!
//! Voice needs an open event stream (signals arrive on it); a user's session ends when their
//! last stream closes. Server mute/deafen, moving and disconnecting others live in
//! `ServerService::update_member`, which uses the same state.

pub mod config;
pub mod ice;
pub mod state;

use std::sync::Arc;

use tracing::instrument;

use crate::{
    change::publish_voice,
    context::Context,
    dms::{DmService, with_recipients},
    error::{Error, Result},
    events::{Audience, Event},
    id::{Id, now_ms},
    model::{Call, ChannelKind, IceServer, SignalPayload, VoiceSignal, VoiceState},
    permissions::Permissions,
    principal::Principal,
};
use state::{Events, JoinLimits};

/// Largest SDP accepted in a signal (a mesh offer with audio and video is a few KiB).
const MAX_SDP: usize = 64 * 1024;
/// Largest ICE candidate line.
const MAX_CANDIDATE: usize = 1024;

/// What joining gives the client.
#[derive(Debug, Clone)]
pub struct JoinedVoice {
    /// The new session.
    pub session_id: Id,
    /// STUN/TURN servers.
    pub ice_servers: Vec<IceServer>,
    /// Everyone in the channel, the caller included.
    pub voice_states: Vec<VoiceState>,
    /// Whether the caller may transmit (SPEAK, not server-muted).
    pub can_speak: bool,
    /// Whether the caller must use push-to-talk (no USE_VOICE_ACTIVITY).
    pub push_to_talk_only: bool,
}

/// What starting or answering a call gives the client.
#[derive(Debug, Clone)]
pub struct InCall {
    /// The call.
    pub call: Call,
    /// The caller's session.
    pub session_id: Id,
    /// STUN/TURN servers.
    pub ice_servers: Vec<IceServer>,
    /// Everyone in the call, the caller included.
    pub voice_states: Vec<VoiceState>,
}

/// Where to start a call.
#[derive(Debug, Clone, Copy)]
pub enum CallTarget {
    /// The 1:1 DM with this user (opened if needed).
    User(Id),
    /// This DM or group DM.
    Channel(Id),
}

/// Changes to one's own voice flags; `None` leaves a flag.
#[derive(Debug, Clone, Copy, Default)]
pub struct SelfFlags {
    /// Self mute.
    pub self_mute: Option<bool>,
    /// Self deafen.
    pub self_deaf: Option<bool>,
    /// Streaming.
    pub self_stream: Option<bool>,
}

/// A signal to relay.
#[derive(Debug, Clone)]
pub struct OutgoingSignal {
    /// The sender's session.
    pub session_id: Id,
    /// The recipient.
    pub to_user_id: Id,
    /// What to relay.
    pub payload: SignalPayload,
}

/// The voice service.
#[derive(Debug, Clone)]
pub struct VoiceService {
    ctx: Arc<Context>,
}

impl VoiceService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Joins a voice channel (VIEW_CHANNEL + CONNECT), leaving any other voice session.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn join(
        &self,
        who: &Principal,
        channel: Id,
        self_mute: bool,
        self_deaf: bool,
    ) -> Result<JoinedVoice> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        let server = match access.server_id() {
            Some(server) if access.channel.kind == ChannelKind::Voice => server,
            _ => {
                return Err(Error::FailedPrecondition(
                    "not a voice channel (DM and group DM calls use StartCall)".to_owned(),
                ));
            }
        };
        access.require(Permissions::CONNECT)?;
        self.require_stream(who.user_id)?;
        let member = self
            .ctx
            .store
            .member(server, who.user_id)
            .await?
            .ok_or(Error::NotFound("channel"))?;
        let bypass_limit = access.perms.contains(Permissions::MOVE_MEMBERS);
        let user_limit = (access.channel.user_limit > 0 && !bypass_limit)
            .then(|| usize::try_from(access.channel.user_limit).unwrap_or(usize::MAX));
        let mine = VoiceState {
            user_id: who.user_id,
            channel_id: channel,
            server_id: Some(server),
            self_mute,
            self_deaf,
            server_mute: member.server_mute,
            server_deaf: member.server_deaf,
            self_stream: false,
            joined_at: now_ms(),
        };
        let (joined, events) = self
            .ctx
            .voice
            .join(
                mine,
                self.ctx.ids.next(),
                JoinLimits {
                    user_limit,
                    mesh_cap: self.ctx.voice_config.mesh_cap,
                },
            )
            .await?;
        publish_voice(&self.ctx, events).await;
        Ok(JoinedVoice {
            session_id: joined.session,
            ice_servers: self.ice_servers_for(who.user_id).0,
            voice_states: joined.states,
            can_speak: access.perms.contains(Permissions::SPEAK) && !member.server_mute,
            push_to_talk_only: !access.perms.contains(Permissions::USE_VOICE_ACTIVITY),
        })
    }

    /// Leaves voice (only `session` if given). Idempotent.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn leave(&self, who: &Principal, session: Option<Id>) -> Result<()> {
        let events = self.ctx.voice.leave(who.user_id, session).await;
        publish_voice(&self.ctx, events).await;
        Ok(())
    }

    /// Changes the caller's own flags. Streaming needs STREAM in the channel.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn update_self(&self, who: &Principal, flags: SelfFlags) -> Result<VoiceState> {
        let (_, current) = self
            .ctx
            .voice
            .get(who.user_id)
            .ok_or_else(|| Error::FailedPrecondition("you are not in voice".to_owned()))?;
        if flags.self_stream == Some(true) {
            self.ctx
                .perms
                .channel(who.user_id, current.channel_id)
                .await?
                .require(Permissions::STREAM)?;
        }
        let updated = self
            .ctx
            .voice
            .update(who.user_id, |s| {
                if let Some(v) = flags.self_mute {
                    s.self_mute = v;
                }
                if let Some(v) = flags.self_deaf {
                    s.self_deaf = v;
                }
                if let Some(v) = flags.self_stream {
                    s.self_stream = v;
                }
            })
            .await
            .ok_or_else(|| Error::FailedPrecondition("you are not in voice".to_owned()))?;
        if updated != current {
            let event = self.ctx.voice.updated(&updated);
            publish_voice(&self.ctx, vec![event]).await;
        }
        Ok(updated)
    }

    /// Starts a call in a DM / group DM (the 1:1 DM with a user is opened if needed) and puts
    /// the caller in it; the others are rung (`call_ringing`) until they answer, decline or
    /// the unanswered timeout passes. Refused across a block in a 1:1 DM.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn start_call(&self, who: &Principal, target: CallTarget) -> Result<InCall> {
        let record = match target {
            CallTarget::User(other) => {
                let opened = DmService::new(std::sync::Arc::clone(&self.ctx))
                    .open(who, other)
                    .await?;
                self.ctx
                    .perms
                    .channel(who.user_id, Id(opened.record.id))
                    .await?
                    .channel
            }
            CallTarget::Channel(channel) => {
                self.ctx.perms.channel(who.user_id, channel).await?.channel
            }
        };
        if record.kind != ChannelKind::Dm && record.kind != ChannelKind::GroupDm {
            return Err(Error::FailedPrecondition(
                "calls are for DMs and group DMs (join a server voice channel instead)".to_owned(),
            ));
        }
        self.require_stream(who.user_id)?;
        let channel = with_recipients(&self.ctx, record).await?;
        let members: Vec<Id> = channel.recipients.iter().map(|u| u.id).collect();
        let mut ringing = Vec::new();
        for other in members.iter().copied().filter(|u| *u != who.user_id) {
            let blocked = self
                .ctx
                .store
                .blocked_either_way(who.user_id, other)
                .await?;
            if blocked && channel.record.kind == ChannelKind::Dm {
                return Err(Error::PermissionDenied(
                    "you cannot call this user".to_owned(),
                ));
            }
            if !blocked {
                ringing.push(other);
            }
        }
        let channel_id = Id(channel.record.id);
        let call = Call {
            channel_id,
            initiator_id: who.user_id,
            ringing,
            started_at: now_ms(),
        };
        let mine = call_state(who.user_id, channel_id);
        let (joined, events) = self
            .ctx
            .voice
            .start_call(
                call.clone(),
                members.clone(),
                mine,
                self.ctx.ids.next(),
                self.ctx.voice_config.mesh_cap,
            )
            .await?;
        let mut all = vec![(
            Audience::users(members),
            Event::CallRinging {
                call: Box::new(call.clone()),
                channel: Box::new(channel),
            },
        )];
        all.extend(events);
        publish_voice(&self.ctx, all).await;
        // The unanswered timeout: whoever is still rung then stops being rung.
        let ctx = std::sync::Arc::clone(&self.ctx);
        let timeout = self.ctx.voice_config.ring_timeout;
        let started_at = call.started_at;
        tokio::spawn(async move {
            tokio::time::sleep(timeout).await;
            let events = ctx.voice.stop_ringing(channel_id, started_at).await;
            publish_voice(&ctx, events).await;
        });
        Ok(InCall {
            call,
            session_id: joined.session,
            ice_servers: self.ice_servers_for(who.user_id).0,
            voice_states: joined.states,
        })
    }

    /// Joins the running call in a DM / group DM the caller is part of.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn accept_call(&self, who: &Principal, channel: Id) -> Result<InCall> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        if access.channel.kind == ChannelKind::Dm
            && self.ctx.store.dm_blocked(channel, who.user_id).await?
        {
            return Err(Error::PermissionDenied(
                "you cannot call this user".to_owned(),
            ));
        }
        self.require_stream(who.user_id)?;
        let (joined, call, events) = self
            .ctx
            .voice
            .accept_call(
                call_state(who.user_id, channel),
                self.ctx.ids.next(),
                self.ctx.voice_config.mesh_cap,
            )
            .await?;
        publish_voice(&self.ctx, events).await;
        Ok(InCall {
            call,
            session_id: joined.session,
            ice_servers: self.ice_servers_for(who.user_id).0,
            voice_states: joined.states,
        })
    }

    /// Stops the ringing for the caller; a call left with nobody to talk to ends.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn decline_call(&self, who: &Principal, channel: Id) -> Result<()> {
        self.ctx.perms.channel(who.user_id, channel).await?;
        let events = self.ctx.voice.decline_call(who.user_id, channel).await?;
        publish_voice(&self.ctx, events).await;
        Ok(())
    }

    /// Hangs up (the initiator hanging up before anyone answered cancels the call); a call
    /// with fewer than two participants and nobody rung ends.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn end_call(&self, who: &Principal, channel: Id) -> Result<()> {
        self.ctx.perms.channel(who.user_id, channel).await?;
        let events = self.ctx.voice.hang_up(who.user_id, channel).await?;
        publish_voice(&self.ctx, events).await;
        Ok(())
    }

    fn require_stream(&self, user: Id) -> Result<()> {
        if self.ctx.hub.is_connected(user) {
            Ok(())
        } else {
            Err(Error::FailedPrecondition(
                "open the event stream (Subscribe) before joining voice: signals arrive on it"
                    .to_owned(),
            ))
        }
    }

    /// Relays a signal to another participant of the caller's session.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn send_signal(&self, who: &Principal, signal: OutgoingSignal) -> Result<()> {
        match &signal.payload {
            SignalPayload::Sdp { sdp, .. } if sdp.len() > MAX_SDP => {
                return Err(Error::invalid("sdp.sdp", "at most 64 KiB"));
            }
            SignalPayload::Candidate {
                candidate,
                sdp_mid,
                username_fragment,
                ..
            } if candidate.len() > MAX_CANDIDATE
                || sdp_mid.len() > 256
                || username_fragment.len() > 256 =>
            {
                return Err(Error::invalid("ice_candidate", "candidate too long"));
            }
            _ => {}
        }
        let (_, mine) = self
            .ctx
            .voice
            .get(who.user_id)
            .filter(|(s, _)| *s == signal.session_id)
            .ok_or_else(|| {
                Error::FailedPrecondition("unknown or ended voice session".to_owned())
            })?;
        if signal.to_user_id == who.user_id {
            return Err(Error::invalid("to_user_id", "cannot signal yourself"));
        }
        let (to_session, theirs) = self
            .ctx
            .voice
            .get(signal.to_user_id)
            .filter(|(_, s)| s.channel_id == mine.channel_id)
            .ok_or(Error::NotFound("participant"))?;
        self.ctx.voice.admit_signal(who.user_id)?;
        publish_voice(
            &self.ctx,
            vec![(
                Audience::users(vec![theirs.user_id]),
                Event::VoiceSignal(Box::new(VoiceSignal {
                    session_id: to_session,
                    from_user_id: who.user_id,
                    channel_id: mine.channel_id,
                    payload: signal.payload,
                })),
            )],
        )
        .await;
        Ok(())
    }

    /// Fresh STUN/TURN servers and when their credentials expire (Unix ms).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn ice_servers(&self, who: &Principal) -> Result<(Vec<IceServer>, i64)> {
        Ok(self.ice_servers_for(who.user_id))
    }

    fn ice_servers_for(&self, user: Id) -> (Vec<IceServer>, i64) {
        let ttl = self.ctx.voice_config.turn_credential_ttl.as_secs() as i64;
        let expires = now_ms() / 1000 + ttl;
        let settings = self.ctx.settings();
        let servers = ice::servers_for(
            &settings.voice,
            self.ctx.voice_config.embedded_turn.as_ref(),
            user,
            expires,
        );
        (servers, expires * 1000)
    }
}

/// A fresh voice state in a call.
fn call_state(user: Id, channel: Id) -> VoiceState {
    VoiceState {
        user_id: user,
        channel_id: channel,
        server_id: None,
        self_mute: false,
        self_deaf: false,
        server_mute: false,
        server_deaf: false,
        self_stream: false,
        joined_at: now_ms(),
    }
}

/// Ends the voice session of a user whose last event stream on this node closed (unless they
/// opened a new one meanwhile).
pub(crate) async fn leave_if_disconnected(ctx: &Context, user: Id) {
    if ctx.hub.is_connected(user) {
        return;
    }
    let events = ctx.voice.disconnected(user).await;
    publish_voice(ctx, events).await;
}

/// Moves a member who is in voice in `server` to `channel` (a voice channel of that server
/// they may CONNECT to), or disconnects them (`None`). For `ServerService::update_member`,
/// which checked MOVE_MEMBERS. Returns the events to publish.
pub(crate) async fn move_member(
    ctx: &Context,
    server: Id,
    user: Id,
    channel: Option<Id>,
) -> Result<Events> {
    let in_server = ctx
        .voice
        .get(user)
        .is_some_and(|(_, s)| s.server_id == Some(server));
    if !in_server {
        return Err(Error::FailedPrecondition(
            "the member is not in a voice channel of this server".to_owned(),
        ));
    }
    let Some(channel) = channel else {
        return Ok(ctx.voice.leave(user, None).await);
    };
    let target = ctx
        .store
        .channel(channel)
        .await?
        .filter(|c| c.server_id == Some(server.0) && c.kind == ChannelKind::Voice)
        .ok_or_else(|| Error::invalid("voice_channel_id", "not a voice channel of this server"))?;
    let perms = ctx
        .perms
        .get(server)
        .await?
        .ok_or(Error::NotFound("server"))?;
    let can_connect = perms
        .in_channel(user, Id(target.id))
        .is_some_and(|p| p.contains(Permissions::VIEW_CHANNEL | Permissions::CONNECT));
    if !can_connect {
        return Err(Error::PermissionDenied(
            "the member may not connect to that voice channel".to_owned(),
        ));
    }
    ctx.voice
        .move_to(user, Id(target.id), ctx.voice_config.mesh_cap)
        .await
}

/// After a member's server mute/deafen changed: their voice state follows. Returns the
/// events to publish.
pub(crate) async fn set_server_flags(
    ctx: &Context,
    server: Id,
    user: Id,
    server_mute: bool,
    server_deaf: bool,
) -> Events {
    let in_server = ctx
        .voice
        .get(user)
        .is_some_and(|(_, s)| s.server_id == Some(server));
    if !in_server {
        return Vec::new();
    }
    ctx.voice
        .update(user, |s| {
            s.server_mute = server_mute;
            s.server_deaf = server_deaf;
        })
        .await
        .map(|s| vec![ctx.voice.updated(&s)])
        .unwrap_or_default()
}

/// With several nodes: mirrors the instance's voice states into this node's, and removes
/// those of nodes that died (see `state::cluster`). Both tasks stop with the context.
pub(crate) fn spawn_cluster_tasks(ctx: &Arc<Context>) {
    let Some(every) = ctx.voice.sweep_every() else {
        return;
    };
    let weak = Arc::downgrade(ctx);
    tokio::spawn(async move {
        use futures::StreamExt;
        loop {
            let changes = match weak.upgrade() {
                Some(ctx) => ctx.voice.changes().await,
                None => return,
            };
            match changes {
                Ok(Some(mut changes)) => {
                    while let Some((key, revision, value)) = changes.next().await {
                        let Some(ctx) = weak.upgrade() else { return };
                        ctx.voice.mirror_change(&key, revision, &value);
                    }
                    tracing::warn!("the voice state watch ended; watching again");
                }
                Ok(None) => return,
                Err(e) => tracing::warn!(error = %e, "cannot watch the voice states"),
            }
            // Not a synchronisation: NATS is away, try again shortly.
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    });
    let weak = Arc::downgrade(ctx);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(ctx) = weak.upgrade() else { return };
            let events = ctx.voice.sweep().await;
            publish_voice(&ctx, events).await;
        }
    });
}
