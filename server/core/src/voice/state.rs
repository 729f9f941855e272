//! Who is in which voice channel: ephemeral state held in memory, behind one small type.
//! A node alone changes it under one lock, so every check-and-change (user limit, mesh cap,
//! one session per user) is atomic and two joins cannot both take the last place. With
//! several nodes the same checks run by compare-and-set on shared keys and the state is
//! mirrored here for reads ([`cluster`]).

mod cluster;

use std::{
    collections::{BTreeSet, HashMap},
    num::NonZeroU32,
    sync::Mutex,
    time::Duration,
};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::{
    access::PermCache,
    error::{Error, Result},
    events::{Audience, Event},
    id::Id,
    model::{Call, VoiceState},
    permissions::Permissions,
};

/// Events to publish after a change of voice state.
pub type Events = Vec<(Audience, Event)>;

/// Signals one user may send per second on average (an ICE restart with a full mesh
/// trickles a few dozen candidates per peer), and the burst allowed on top.
const SIGNALS_PER_SECOND: u32 = 50;
const SIGNAL_BURST: u32 = 400;

/// One user's session.
#[derive(Debug, Clone)]
struct Entry {
    session: Id,
    state: VoiceState,
}

/// A call and who may take part (the channel's participants when it started).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct CallState {
    call: Call,
    members: Vec<Id>,
}

#[derive(Debug, Default)]
struct Inner {
    by_user: HashMap<Id, Entry>,
    by_channel: HashMap<Id, BTreeSet<Id>>,
    calls: HashMap<Id, CallState>,
}

impl Inner {
    /// Who learns about `state`: those who can see its server channel, or the call's members
    /// — and the user.
    fn audience(&self, state: &VoiceState) -> Audience {
        let users = [state.user_id];
        match state.server_id {
            Some(server) => Audience::channel(server, state.channel_id).and_users(users),
            None => match self.calls.get(&state.channel_id) {
                Some(c) => Audience::users(c.members.clone()).and_users(users),
                None => Audience::users(users.to_vec()),
            },
        }
    }

    fn removed_event(&self, state: &VoiceState) -> (Audience, Event) {
        (
            self.audience(state),
            Event::VoiceStateRemoved {
                user_id: state.user_id,
                channel_id: state.channel_id,
                server_id: state.server_id,
            },
        )
    }

    fn updated_event(&self, state: &VoiceState) -> (Audience, Event) {
        (
            self.audience(state),
            Event::VoiceStateUpdated(Box::new(state.clone())),
        )
    }

    fn call_updated(&self, channel: Id) -> Option<(Audience, Event)> {
        self.calls.get(&channel).map(|c| {
            (
                Audience::users(c.members.clone()),
                Event::CallUpdated(Box::new(c.call.clone())),
            )
        })
    }

    /// Ends a user's session; a call left without a counterpart ends too.
    fn drop_session(&mut self, user: Id) -> (Option<VoiceState>, Events) {
        let Some(entry) = self.remove(user) else {
            return (None, Vec::new());
        };
        let mut events = vec![self.removed_event(&entry.state)];
        if entry.state.server_id.is_none() {
            events.extend(self.settle_call(entry.state.channel_id));
        }
        (Some(entry.state), events)
    }

    /// Ends a call nobody can continue: nobody in it, or one participant and nobody rung.
    fn settle_call(&mut self, channel: Id) -> Events {
        let Some(call) = self.calls.get(&channel) else {
            return Vec::new();
        };
        let here = self.by_channel.get(&channel).map_or(0, BTreeSet::len);
        if here == 0 || (here == 1 && call.call.ringing.is_empty()) {
            self.end_call(channel)
        } else {
            Vec::new()
        }
    }

    fn end_call(&mut self, channel: Id) -> Events {
        let mut events = Vec::new();
        let users: Vec<Id> = self
            .by_channel
            .get(&channel)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        for user in users {
            if let Some(e) = self.remove(user) {
                events.push(self.removed_event(&e.state));
            }
        }
        if let Some(c) = self.calls.remove(&channel) {
            events.push((
                Audience::users(c.members),
                Event::CallEnded {
                    channel_id: channel,
                },
            ));
        }
        events
    }

    /// Puts the user in `state.channel_id` under `session`, after the checks.
    fn join(
        &mut self,
        state: VoiceState,
        session: Id,
        limits: JoinLimits,
    ) -> Result<(Joined, Events)> {
        let user = state.user_id;
        let channel = state.channel_id;
        let already_here = self
            .by_user
            .get(&user)
            .is_some_and(|e| e.state.channel_id == channel);
        let mut events = Vec::new();
        let previous = if already_here {
            self.remove(user).map(|e| e.state)
        } else {
            let count = self.by_channel.get(&channel).map_or(0, BTreeSet::len);
            if limits.user_limit.is_some_and(|limit| count >= limit) {
                return Err(Error::FailedPrecondition(
                    "the voice channel is full (its user limit is reached)".to_owned(),
                ));
            }
            if count >= limits.mesh_cap {
                return Err(Error::FailedPrecondition(format!(
                    "a voice session holds at most {} participants (peer-to-peer mesh)",
                    limits.mesh_cap
                )));
            }
            let (previous, left) = self.drop_session(user);
            events.extend(left);
            previous
        };
        events.push(self.updated_event(&state));
        self.insert(Entry { session, state });
        Ok((
            Joined {
                session,
                previous,
                states: self.channel(channel),
            },
            events,
        ))
    }

    fn remove(&mut self, user: Id) -> Option<Entry> {
        let entry = self.by_user.remove(&user)?;
        if let Some(set) = self.by_channel.get_mut(&entry.state.channel_id) {
            set.remove(&user);
            if set.is_empty() {
                self.by_channel.remove(&entry.state.channel_id);
            }
        }
        Some(entry)
    }

    fn insert(&mut self, entry: Entry) {
        self.by_channel
            .entry(entry.state.channel_id)
            .or_default()
            .insert(entry.state.user_id);
        self.by_user.insert(entry.state.user_id, entry);
    }

    fn channel(&self, channel: Id) -> Vec<VoiceState> {
        self.by_channel
            .get(&channel)
            .map(|users| {
                users
                    .iter()
                    .filter_map(|u| self.by_user.get(u).map(|e| e.state.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// See [`VoiceStates::start_call`].
    fn start_call(
        &mut self,
        call: Call,
        members: Vec<Id>,
        state: VoiceState,
        session: Id,
        mesh_cap: usize,
    ) -> Result<(Joined, Events)> {
        let channel = call.channel_id;
        if self.calls.contains_key(&channel) {
            return Err(Error::Conflict(
                "a call is already running in this channel: accept it to join".to_owned(),
            ));
        }
        self.calls.insert(channel, CallState { call, members });
        let joined = self.join(
            state,
            session,
            JoinLimits {
                user_limit: None,
                mesh_cap,
            },
        );
        if joined.is_err() {
            self.calls.remove(&channel);
        }
        joined
    }

    /// See [`VoiceStates::accept_call`].
    fn accept_call(
        &mut self,
        state: VoiceState,
        session: Id,
        mesh_cap: usize,
    ) -> Result<(Joined, Call, Events)> {
        let (user, channel) = (state.user_id, state.channel_id);
        let call = self
            .calls
            .get(&channel)
            .filter(|c| c.members.contains(&user))
            .ok_or(Error::NotFound("call"))?;
        let was_ringing = call.call.ringing.contains(&user);
        let (joined, mut events) = self.join(
            state,
            session,
            JoinLimits {
                user_limit: None,
                mesh_cap,
            },
        )?;
        if was_ringing && let Some(c) = self.calls.get_mut(&channel) {
            c.call.ringing.retain(|u| *u != user);
            events.extend(self.call_updated(channel));
        }
        let call = self
            .calls
            .get(&channel)
            .map(|c| c.call.clone())
            .ok_or(Error::NotFound("call"))?;
        Ok((joined, call, events))
    }

    /// See [`VoiceStates::decline_call`].
    fn decline_call(&mut self, user: Id, channel: Id) -> Result<Events> {
        let call = self
            .calls
            .get_mut(&channel)
            .filter(|c| c.members.contains(&user))
            .ok_or(Error::NotFound("call"))?;
        if !call.call.ringing.contains(&user) {
            return Ok(Vec::new());
        }
        call.call.ringing.retain(|u| *u != user);
        let mut events: Events = self.call_updated(channel).into_iter().collect();
        events.extend(self.settle_call(channel));
        Ok(events)
    }

    /// See [`VoiceStates::hang_up`].
    fn hang_up(&mut self, user: Id, channel: Id) -> Result<Events> {
        if !self
            .calls
            .get(&channel)
            .is_some_and(|c| c.members.contains(&user))
        {
            return Err(Error::NotFound("call"));
        }
        let in_it = self
            .by_user
            .get(&user)
            .is_some_and(|e| e.state.channel_id == channel);
        if in_it {
            return Ok(self.drop_session(user).1);
        }
        // Not in it: hanging up on a ringing call declines it.
        let mut events = Vec::new();
        if let Some(c) = self.calls.get_mut(&channel)
            && c.call.ringing.contains(&user)
        {
            c.call.ringing.retain(|u| *u != user);
            events.extend(self.call_updated(channel));
            events.extend(self.settle_call(channel));
        }
        Ok(events)
    }

    /// See [`VoiceStates::stop_ringing`].
    fn stop_ringing(&mut self, channel: Id, started_at: i64) -> Events {
        let Some(c) = self
            .calls
            .get_mut(&channel)
            .filter(|c| c.call.started_at == started_at && !c.call.ringing.is_empty())
        else {
            return Vec::new();
        };
        c.call.ringing.clear();
        let mut events: Events = self.call_updated(channel).into_iter().collect();
        events.extend(self.settle_call(channel));
        events
    }
}

/// Limits a join must respect.
#[derive(Debug, Clone, Copy)]
pub struct JoinLimits {
    /// The channel's user limit (None = unlimited or bypassed).
    pub user_limit: Option<usize>,
    /// Participants a mesh session may hold.
    pub mesh_cap: usize,
}

/// What a join did.
#[derive(Debug, Clone)]
pub struct Joined {
    /// The session the user now has in the channel.
    pub session: Id,
    /// Their state before, if they were in voice (possibly in the same channel).
    pub previous: Option<VoiceState>,
    /// Everyone in the channel now, the joiner included.
    pub states: Vec<VoiceState>,
}

/// The voice states of this node, or with several nodes those of the instance (mirrored
/// here from a shared bucket, see [`cluster`]).
pub struct VoiceStates {
    /// Alone: the voice states. Several nodes: a mirror of the shared ones, for reads.
    inner: Mutex<Inner>,
    signals: DefaultKeyedRateLimiter<Id>,
    /// Several nodes: where the voice states of the instance are changed.
    shared: Option<cluster::Shared>,
}

impl std::fmt::Debug for VoiceStates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoiceStates").finish_non_exhaustive()
    }
}

impl Default for VoiceStates {
    fn default() -> Self {
        let rate = NonZeroU32::new(SIGNALS_PER_SECOND).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(SIGNAL_BURST).unwrap_or(NonZeroU32::MIN);
        Self {
            inner: Mutex::new(Inner::default()),
            signals: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
            shared: None,
        }
    }
}

impl VoiceStates {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts `state.user_id` into `state.channel_id` with a new session `session`, leaving any
    /// other channel or call. Rejoining the same channel keeps the place (limits are not
    /// re-checked).
    pub async fn join(
        &self,
        state: VoiceState,
        session: Id,
        limits: JoinLimits,
    ) -> Result<(Joined, Events)> {
        match &self.shared {
            None => self.lock().join(state, session, limits),
            Some(shared) => self.join_shared(shared, state, session, limits).await,
        }
    }

    /// Ends the user's session (only `session` if given); a call left without a counterpart
    /// ends too.
    pub async fn leave(&self, user: Id, session: Option<Id>) -> Events {
        match &self.shared {
            None => self.leave_here(user, session),
            Some(shared) => self.leave_shared(shared, user, session, false).await,
        }
    }

    fn leave_here(&self, user: Id, session: Option<Id>) -> Events {
        let mut inner = self.lock();
        if session.is_some_and(|s| inner.by_user.get(&user).is_none_or(|e| e.session != s)) {
            return Vec::new();
        }
        inner.drop_session(user).1
    }

    /// Ends the session of a user whose last event stream on this node closed: with several
    /// nodes, only a session joined through this node (their streams elsewhere keep theirs).
    pub async fn disconnected(&self, user: Id) -> Events {
        match &self.shared {
            None => self.leave_here(user, None),
            Some(shared) => self.leave_shared(shared, user, None, true).await,
        }
    }

    /// The event announcing `state` (to those who can see its channel or call).
    pub fn updated(&self, state: &VoiceState) -> (Audience, Event) {
        self.lock().updated_event(state)
    }

    /// Starts a call in `call.channel_id` among `members` and puts its initiator in it.
    /// CONFLICT if one is already running there.
    pub async fn start_call(
        &self,
        call: Call,
        members: Vec<Id>,
        state: VoiceState,
        session: Id,
        mesh_cap: usize,
    ) -> Result<(Joined, Events)> {
        let Some(shared) = &self.shared else {
            return self
                .lock()
                .start_call(call, members, state, session, mesh_cap);
        };
        let node = shared.node().to_owned();
        let (user, channel) = (state.user_id, state.channel_id);
        let (mut joined, previous, events) = self
            .enter(shared, user, channel, session, &node, |inner| {
                inner.start_call(
                    call.clone(),
                    members.clone(),
                    state.clone(),
                    session,
                    mesh_cap,
                )
            })
            .await?;
        joined.previous = joined.previous.or(previous);
        Ok((joined, events))
    }

    /// Joins a running call the user is a member of (no longer rung). NOT_FOUND without one.
    pub async fn accept_call(
        &self,
        state: VoiceState,
        session: Id,
        mesh_cap: usize,
    ) -> Result<(Joined, Call, Events)> {
        let Some(shared) = &self.shared else {
            return self.lock().accept_call(state, session, mesh_cap);
        };
        let node = shared.node().to_owned();
        let (user, channel) = (state.user_id, state.channel_id);
        let ((mut joined, call), previous, events) = self
            .enter(shared, user, channel, session, &node, |inner| {
                inner
                    .accept_call(state.clone(), session, mesh_cap)
                    .map(|(joined, call, events)| ((joined, call), events))
            })
            .await?;
        joined.previous = joined.previous.or(previous);
        Ok((joined, call, events))
    }

    /// Stops ringing the user; a call left with nobody to talk to ends. NOT_FOUND without a
    /// call the user is a member of.
    pub async fn decline_call(&self, user: Id, channel: Id) -> Result<Events> {
        match &self.shared {
            None => self.lock().decline_call(user, channel),
            Some(shared) => {
                self.change(shared, channel, shared.node(), |inner| {
                    inner.decline_call(user, channel)
                })
                .await
            }
        }
    }

    /// Leaves the call in `channel` (hanging up; the initiator hanging up before anyone
    /// answered cancels it). NOT_FOUND without a call the user is a member of.
    pub async fn hang_up(&self, user: Id, channel: Id) -> Result<Events> {
        match &self.shared {
            None => self.lock().hang_up(user, channel),
            Some(shared) => {
                self.change(shared, channel, shared.node(), |inner| {
                    inner.hang_up(user, channel)
                })
                .await
            }
        }
    }

    /// The unanswered timeout of the call started at `started_at`: nobody is rung any more,
    /// and a call nobody answered ends.
    pub async fn stop_ringing(&self, channel: Id, started_at: i64) -> Events {
        match &self.shared {
            None => self.lock().stop_ringing(channel, started_at),
            Some(shared) => self
                .change(shared, channel, shared.node(), |inner| {
                    Ok(inner.stop_ringing(channel, started_at))
                })
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, %channel, "cannot stop a call's ringing");
                    Vec::new()
                }),
        }
    }

    /// Calls in `channels` and who is in them.
    pub fn calls_in(&self, channels: &[Id]) -> (Vec<Call>, Vec<VoiceState>) {
        let inner = self.lock();
        let mut calls = Vec::new();
        let mut states = Vec::new();
        for channel in channels {
            if let Some(c) = inner.calls.get(channel) {
                calls.push(c.call.clone());
                states.extend(inner.channel(*channel));
            }
        }
        (calls, states)
    }

    /// Changes the user's state in place; None if they are not in voice.
    pub async fn update(&self, user: Id, change: impl Fn(&mut VoiceState)) -> Option<VoiceState> {
        if let Some(shared) = &self.shared {
            return self.update_shared(shared, user, change).await;
        }
        let mut inner = self.lock();
        let entry = inner.by_user.get_mut(&user)?;
        change(&mut entry.state);
        Some(entry.state.clone())
    }

    /// The user's session and state.
    pub fn get(&self, user: Id) -> Option<(Id, VoiceState)> {
        self.lock()
            .by_user
            .get(&user)
            .map(|e| (e.session, e.state.clone()))
    }

    /// Everyone in a channel.
    pub fn in_channel(&self, channel: Id) -> Vec<VoiceState> {
        self.lock().channel(channel)
    }

    /// Everyone in a server's voice channels.
    pub fn in_server(&self, server: Id) -> Vec<VoiceState> {
        self.lock()
            .by_user
            .values()
            .filter(|e| e.state.server_id == Some(server))
            .map(|e| e.state.clone())
            .collect()
    }

    /// Moves a user who is in voice to another channel of the same kind of session, keeping
    /// their session and flags; the user limit does not apply (moderators bypass it), the
    /// mesh cap does. Returns the events.
    pub async fn move_to(&self, user: Id, channel: Id, mesh_cap: usize) -> Result<Events> {
        if let Some(shared) = &self.shared {
            return self.move_shared(shared, user, channel, mesh_cap).await;
        }
        let mut inner = self.lock();
        let entry =
            inner.by_user.get(&user).cloned().ok_or_else(|| {
                Error::FailedPrecondition("the member is not in voice".to_owned())
            })?;
        if entry.state.channel_id == channel {
            return Ok(Vec::new());
        }
        if inner.by_channel.get(&channel).map_or(0, BTreeSet::len) >= mesh_cap {
            return Err(Error::FailedPrecondition(format!(
                "a voice session holds at most {mesh_cap} participants (peer-to-peer mesh)"
            )));
        }
        inner.remove(user);
        let before = entry.state.clone();
        let mut after = entry.state;
        after.channel_id = channel;
        let events = vec![inner.removed_event(&before), inner.updated_event(&after)];
        inner.insert(Entry {
            session: entry.session,
            state: after,
        });
        Ok(events)
    }

    /// Admits one signal from `user` or says how long to wait.
    pub fn admit_signal(&self, user: Id) -> Result<()> {
        if let Err(not_until) = self.signals.check_key(&user) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            return Err(Error::RateLimited {
                retry_after: wait.max(Duration::from_secs(1)),
            });
        }
        if self.signals.len() > 16_384 {
            self.signals.retain_recent();
        }
        Ok(())
    }

    /// Removes from a server's voice channels everyone who may no longer be there (no longer
    /// a member, channel deleted, or VIEW_CHANNEL / CONNECT lost), judged on the server's
    /// current permission snapshot; a deleted server empties them all. Returns the events.
    pub async fn reconcile(&self, perms: &PermCache, server: Id) -> Events {
        let here = self.in_server(server);
        if here.is_empty() {
            return Vec::new();
        }
        let snapshot = match perms.get(server).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(%server, error = %e, "voice: permission snapshot unavailable");
                return Vec::new();
            }
        };
        let needed = Permissions::VIEW_CHANNEL | Permissions::CONNECT;
        let mut out = Vec::new();
        for state in here {
            let allowed = snapshot.as_ref().is_some_and(|p| {
                p.in_channel(state.user_id, state.channel_id)
                    .is_some_and(|have| have.contains(needed))
            });
            if !allowed && let Some(shared) = &self.shared {
                out.extend(
                    self.remove_shared(shared, state.user_id, state.channel_id)
                        .await,
                );
            } else if !allowed {
                let removed_state = {
                    let mut inner = self.lock();
                    let still_there = inner
                        .by_user
                        .get(&state.user_id)
                        .is_some_and(|e| e.state.channel_id == state.channel_id);
                    if still_there {
                        inner.remove(state.user_id).map(|e| e.state)
                    } else {
                        None
                    }
                };
                if let Some(s) = removed_state {
                    out.push(self.lock().removed_event(&s));
                }
            }
        }
        out
    }
}
