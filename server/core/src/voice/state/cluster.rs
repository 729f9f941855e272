//! Voice states shared by several nodes, in the voice bucket (`events::nats::voice`).
//!
//! - `c.<channel>` holds a channel's (or call's) [`Record`]: the call, and each participant
//!   with their session and the node holding it. Every check-and-change of a channel (user
//!   limit, mesh cap, ringing) runs the single-node logic ([`Inner`]) on that record alone
//!   and writes it back by compare-and-set: two joins on two nodes cannot both take the
//!   last place, the second reads again and is refused as on one node. The node whose write
//!   succeeds publishes the change's events, so each is published once.
//! - `u.<user>` holds the user's one session (`<channel> <session> <node>`): a join claims
//!   it by compare-and-set, then leaves the channel it replaced — one session per user across
//!   the nodes.
//! - Every node watches the channel keys and mirrors them into its in-memory [`Inner`], so
//!   reads (Ready snapshots, signal routing) stay local.
//! - A node that died leaves its sessions behind: every node looks, as often as nodes refresh
//!   their liveness, for sessions of nodes whose liveness expired and removes them; the
//!   compare-and-set lets one node remove each, and only that one publishes the removal.

use std::{collections::HashMap, sync::Mutex};

use bytes::Bytes;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

use super::{CallState, Entry, Events, Inner, JoinLimits, Joined, VoiceStates};
use crate::{
    error::{Error, Result},
    events::nats::voice::VoiceBucket,
    id::Id,
    model::VoiceState,
};

/// Compare-and-set attempts on one key before giving up (other nodes changing it).
const ATTEMPTS: usize = 32;

/// A channel's voice state (key `c.<channel>`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    call: Option<CallState>,
    #[serde(default)]
    members: Vec<Member>,
}

/// One participant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Member {
    session: Id,
    /// The node the session was joined through (it ends with that node).
    node: String,
    state: VoiceState,
}

/// A user's one session (key `u.<user>`).
#[derive(Debug, Clone, PartialEq)]
struct Seat {
    channel: Id,
    session: Id,
    node: String,
}

impl Seat {
    fn parse(bytes: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut words = text.split(' ');
        let channel = Id(words.next()?.parse().ok()?);
        let session = Id(words.next()?.parse().ok()?);
        let node = words.next()?.to_owned();
        Some(Self {
            channel,
            session,
            node,
        })
    }

    fn text(&self) -> Bytes {
        Bytes::from(format!(
            "{} {} {}",
            self.channel.0, self.session.0, self.node
        ))
    }
}

fn channel_key(channel: Id) -> String {
    format!("c.{}", channel.0)
}

fn seat_key(user: Id) -> String {
    format!("u.{}", user.0)
}

fn parse_record(bytes: &[u8]) -> Record {
    if bytes.is_empty() {
        return Record::default();
    }
    serde_json::from_slice(bytes).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "unreadable voice record; taken as empty");
        Record::default()
    })
}

/// The single-node state of one channel's record.
fn scoped(record: &Record) -> Inner {
    let mut inner = Inner::default();
    if let Some(call) = &record.call {
        inner.calls.insert(call.call.channel_id, call.clone());
    }
    for m in &record.members {
        inner.insert(Entry {
            session: m.session,
            state: m.state.clone(),
        });
    }
    inner
}

/// The record of `channel` after a change on its scoped state; sessions new to it are
/// marked with `node`.
fn record_of(inner: &Inner, channel: Id, before: &Record, node: &str) -> Record {
    let members = inner
        .by_channel
        .get(&channel)
        .into_iter()
        .flatten()
        .filter_map(|u| inner.by_user.get(u))
        .map(|e| Member {
            session: e.session,
            node: before
                .members
                .iter()
                .find(|m| m.session == e.session)
                .map_or_else(|| node.to_owned(), |m| m.node.clone()),
            state: e.state.clone(),
        })
        .collect();
    Record {
        call: inner.calls.get(&channel).cloned(),
        members,
    }
}

/// Ends `user`'s session in a scoped state if it is `session` (any with `None`).
fn drop_if(inner: &mut Inner, user: Id, session: Option<Id>) -> (Option<VoiceState>, Events) {
    let held = inner
        .by_user
        .get(&user)
        .is_some_and(|e| session.is_none_or(|s| e.session == s));
    if held {
        inner.drop_session(user)
    } else {
        (None, Vec::new())
    }
}

/// The shared side of [`VoiceStates`].
pub(super) struct Shared {
    bucket: VoiceBucket,
    /// The records mirrored into [`VoiceStates::inner`], with their revisions (locked
    /// before it).
    records: Mutex<HashMap<Id, (u64, Record)>>,
}

impl Shared {
    pub(super) fn node(&self) -> &str {
        self.bucket.node()
    }
}

impl VoiceStates {
    /// Voice states shared through `bucket` (start mirroring with [`Self::watch`]).
    pub fn clustered(bucket: VoiceBucket) -> Self {
        Self {
            shared: Some(Shared {
                bucket,
                records: Mutex::default(),
            }),
            ..Self::default()
        }
    }

    /// With several nodes: how often to look for sessions of dead nodes ([`Self::sweep`]).
    pub fn sweep_every(&self) -> Option<std::time::Duration> {
        self.shared.as_ref().map(|s| s.bucket.refresh())
    }

    /// With several nodes: every channel record, the current ones then each change, to
    /// pass to [`Self::mirror_change`] (until the stream ends: then watch again).
    pub async fn changes(&self) -> Result<Option<BoxStream<'static, (String, u64, Bytes)>>> {
        match &self.shared {
            None => Ok(None),
            Some(shared) => shared.bucket.watch("c.").await.map(Some),
        }
    }

    /// Mirrors a watched change of the channel record `key`.
    pub fn mirror_change(&self, key: &str, revision: u64, value: &[u8]) {
        let Some(shared) = &self.shared else { return };
        match key.parse() {
            Ok(channel) => self.mirror(shared, Id(channel), revision, parse_record(value)),
            Err(_) => tracing::warn!(%key, "unexpected key in the voice bucket"),
        }
    }

    /// Mirrors a channel's record (watched, or written by this node) unless a newer one is
    /// mirrored already.
    fn mirror(&self, shared: &Shared, channel: Id, revision: u64, record: Record) {
        let mut records = shared.records.lock().unwrap_or_else(|p| p.into_inner());
        if records
            .get(&channel)
            .is_some_and(|(known, _)| *known >= revision)
        {
            return;
        }
        let mut inner = self.lock();
        let mut gone = Vec::new();
        for user in inner.by_channel.remove(&channel).unwrap_or_default() {
            if inner
                .by_user
                .get(&user)
                .is_some_and(|e| e.state.channel_id == channel)
            {
                inner.by_user.remove(&user);
                gone.push(user);
            }
        }
        inner.calls.remove(&channel);
        if let Some(call) = &record.call {
            inner.calls.insert(channel, call.clone());
        }
        for m in &record.members {
            let user = m.state.user_id;
            inner.remove(user);
            inner.insert(Entry {
                session: m.session,
                state: m.state.clone(),
            });
            gone.retain(|u| *u != user);
        }
        records.insert(channel, (revision, record));
        // One who left this channel may still be in another's record (between two).
        for user in gone {
            let elsewhere = records
                .values()
                .flat_map(|(_, r)| &r.members)
                .find(|m| m.state.user_id == user);
            if let Some(m) = elsewhere {
                inner.insert(Entry {
                    session: m.session,
                    state: m.state.clone(),
                });
            }
        }
    }

    /// Applies `op` to the record of `channel` by compare-and-set, reading again when another
    /// node wrote it first; sessions new to it are marked with `node`, sessions it ended give
    /// up their user's seat. `op` may run several times.
    pub(super) async fn change<T>(
        &self,
        shared: &Shared,
        channel: Id,
        node: &str,
        mut op: impl FnMut(&mut Inner) -> Result<T>,
    ) -> Result<T> {
        let key = channel_key(channel);
        for _ in 0..ATTEMPTS {
            let (bytes, revision) = shared.bucket.read(&key).await?;
            let before = parse_record(&bytes);
            let mut inner = scoped(&before);
            let out = op(&mut inner)?;
            let after = record_of(&inner, channel, &before, node);
            if after == before {
                if let Some(revision) = revision {
                    self.mirror(shared, channel, revision, before);
                }
                return Ok(out);
            }
            let value = serde_json::to_vec(&after).map_err(Error::internal)?;
            let Some(written) = shared.bucket.write(&key, value.into(), revision).await else {
                continue;
            };
            let ended: Vec<(Id, Id)> = before
                .members
                .iter()
                .filter(|m| !after.members.iter().any(|a| a.session == m.session))
                .map(|m| (m.state.user_id, m.session))
                .collect();
            self.mirror(shared, channel, written, after);
            for (user, session) in ended {
                self.vacate(shared, user, channel, session).await?;
            }
            return Ok(out);
        }
        Err(Error::Unavailable(
            "voice state is changing too fast: try again".to_owned(),
        ))
    }

    /// Clears the user's seat if it is still `session` in `channel`.
    async fn vacate(&self, shared: &Shared, user: Id, channel: Id, session: Id) -> Result<()> {
        let key = seat_key(user);
        for _ in 0..ATTEMPTS {
            let (bytes, revision) = shared.bucket.read(&key).await?;
            let held = Seat::parse(&bytes)
                .is_some_and(|seat| seat.channel == channel && seat.session == session);
            if !held {
                return Ok(());
            }
            if shared
                .bucket
                .write(&key, Bytes::new(), revision)
                .await
                .is_some()
            {
                return Ok(());
            }
        }
        Err(Error::Unavailable(
            "voice state is changing too fast: try again".to_owned(),
        ))
    }

    /// Takes the user's seat for `seat`, returning the one it replaced.
    async fn claim(&self, shared: &Shared, user: Id, seat: &Seat) -> Result<Option<Seat>> {
        let key = seat_key(user);
        for _ in 0..ATTEMPTS {
            let (bytes, revision) = shared.bucket.read(&key).await?;
            if shared
                .bucket
                .write(&key, seat.text(), revision)
                .await
                .is_some()
            {
                return Ok(Seat::parse(&bytes));
            }
        }
        Err(Error::Unavailable(
            "voice state is changing too fast: try again".to_owned(),
        ))
    }

    /// Puts `user` in `channel` under `session` (`op` on its record), then takes their seat
    /// and ends the session it replaced elsewhere. Returns what `op` gave, the state ended
    /// elsewhere, and the events (the ended session's first).
    pub(super) async fn enter<T>(
        &self,
        shared: &Shared,
        user: Id,
        channel: Id,
        session: Id,
        node: &str,
        op: impl FnMut(&mut Inner) -> Result<(T, Events)>,
    ) -> Result<(T, Option<VoiceState>, Events)> {
        let (out, joined) = self.change(shared, channel, node, op).await?;
        let seat = Seat {
            channel,
            session,
            node: node.to_owned(),
        };
        let mut events = Vec::new();
        let mut previous = None;
        if let Some(old) = self
            .claim(shared, user, &seat)
            .await?
            .filter(|old| old.channel != channel)
        {
            let (state, left) = self
                .change(shared, old.channel, node, |inner| {
                    Ok(drop_if(inner, user, Some(old.session)))
                })
                .await?;
            previous = state;
            events = left;
        }
        events.extend(joined);
        Ok((out, previous, events))
    }

    pub(super) async fn join_shared(
        &self,
        shared: &Shared,
        state: VoiceState,
        session: Id,
        limits: JoinLimits,
    ) -> Result<(Joined, Events)> {
        let node = shared.node().to_owned();
        let (user, channel) = (state.user_id, state.channel_id);
        let (mut joined, previous, events) = self
            .enter(shared, user, channel, session, &node, |inner| {
                inner.join(state.clone(), session, limits)
            })
            .await?;
        joined.previous = joined.previous.or(previous);
        Ok((joined, events))
    }

    /// Ends the user's session (only `session`, only one joined through this node with
    /// `here_only`). Errors are logged: leaving is best effort, like a stream's close.
    pub(super) async fn leave_shared(
        &self,
        shared: &Shared,
        user: Id,
        session: Option<Id>,
        here_only: bool,
    ) -> Events {
        let left = async {
            let (bytes, _) = shared.bucket.read(&seat_key(user)).await?;
            let Some(seat) = Seat::parse(&bytes) else {
                return Ok(Vec::new());
            };
            if session.is_some_and(|s| s != seat.session)
                || (here_only && seat.node != shared.node())
            {
                return Ok(Vec::new());
            }
            self.change(shared, seat.channel, &seat.node, |inner| {
                Ok(drop_if(inner, user, Some(seat.session)).1)
            })
            .await
        };
        left.await.unwrap_or_else(|e: Error| {
            tracing::warn!(error = %e, %user, "cannot end a voice session");
            Vec::new()
        })
    }

    /// Removes the user from `channel` (whatever their session).
    pub(super) async fn remove_shared(&self, shared: &Shared, user: Id, channel: Id) -> Events {
        self.change(shared, channel, shared.node(), |inner| {
            Ok(drop_if(inner, user, None).1)
        })
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, %user, "cannot remove a voice session");
            Vec::new()
        })
    }

    pub(super) async fn update_shared(
        &self,
        shared: &Shared,
        user: Id,
        change: impl Fn(&mut VoiceState),
    ) -> Option<VoiceState> {
        let updated = async {
            let (bytes, _) = shared.bucket.read(&seat_key(user)).await?;
            let Some(seat) = Seat::parse(&bytes) else {
                return Ok(None);
            };
            self.change(shared, seat.channel, &seat.node, |inner| {
                Ok(inner
                    .by_user
                    .get_mut(&user)
                    .filter(|e| e.session == seat.session)
                    .map(|e| {
                        change(&mut e.state);
                        e.state.clone()
                    }))
            })
            .await
        };
        updated.await.unwrap_or_else(|e: Error| {
            tracing::warn!(error = %e, %user, "cannot change a voice state");
            None
        })
    }

    pub(super) async fn move_shared(
        &self,
        shared: &Shared,
        user: Id,
        channel: Id,
        mesh_cap: usize,
    ) -> Result<Events> {
        let not_in_voice = || Error::FailedPrecondition("the member is not in voice".to_owned());
        let (bytes, _) = shared.bucket.read(&seat_key(user)).await?;
        let seat = Seat::parse(&bytes).ok_or_else(not_in_voice)?;
        if seat.channel == channel {
            return Ok(Vec::new());
        }
        let (session, mut after) = self
            .get(user)
            .filter(|(s, _)| *s == seat.session)
            .ok_or_else(not_in_voice)?;
        after.channel_id = channel;
        let limits = JoinLimits {
            user_limit: None,
            mesh_cap,
        };
        let (_, _, events) = self
            .enter(shared, user, channel, session, &seat.node, |inner| {
                inner.join(after.clone(), session, limits)
            })
            .await?;
        Ok(events)
    }

    /// Removes the sessions of nodes whose liveness expired; returns the events of those
    /// this node removed (another node may have been first).
    pub async fn sweep(&self) -> Events {
        let Some(shared) = &self.shared else {
            return Vec::new();
        };
        let held: Vec<(Id, Id, Id, String)> = shared
            .records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .flat_map(|(channel, (_, r))| {
                r.members
                    .iter()
                    .map(move |m| (*channel, m.state.user_id, m.session, m.node.clone()))
            })
            .filter(|(_, _, _, node)| node != shared.node())
            .collect();
        let mut verdicts: HashMap<String, bool> = HashMap::new();
        let mut events = Vec::new();
        for (channel, user, session, node) in held {
            let dead = match verdicts.get(&node) {
                Some(dead) => *dead,
                None => {
                    let dead = shared.bucket.dead(&node).await;
                    verdicts.insert(node, dead);
                    dead
                }
            };
            if !dead {
                continue;
            }
            match self
                .change(shared, channel, shared.node(), |inner| {
                    Ok(drop_if(inner, user, Some(session)).1)
                })
                .await
            {
                Ok(left) => events.extend(left),
                Err(e) => {
                    tracing::warn!(error = %e, %user, "cannot end a dead node's voice session")
                }
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(user: i64, channel: i64) -> VoiceState {
        VoiceState {
            user_id: Id(user),
            channel_id: Id(channel),
            server_id: Some(Id(1)),
            self_mute: false,
            self_deaf: false,
            server_mute: false,
            server_deaf: false,
            self_stream: false,
            joined_at: 5,
        }
    }

    /// A record survives the bucket, and a change on its scoped state keeps the node of
    /// the sessions it had while marking new ones with the writer's.
    #[test]
    fn records_round_trip_and_keep_their_nodes() {
        let before = Record {
            call: None,
            members: vec![Member {
                session: Id(10),
                node: "a".to_owned(),
                state: state(2, 7),
            }],
        };
        let bytes = serde_json::to_vec(&before).expect("json");
        assert_eq!(parse_record(&bytes), before);
        assert_eq!(parse_record(b""), Record::default());
        let mut inner = scoped(&before);
        let limits = JoinLimits {
            user_limit: Some(2),
            mesh_cap: 8,
        };
        inner.join(state(3, 7), Id(11), limits).expect("room left");
        let after = record_of(&inner, Id(7), &before, "b");
        let nodes: Vec<(&str, Id)> = after
            .members
            .iter()
            .map(|m| (m.node.as_str(), m.state.user_id))
            .collect();
        assert_eq!(nodes, vec![("a", Id(2)), ("b", Id(3))]);
        let mut full = scoped(&after);
        assert!(full.join(state(4, 7), Id(12), limits).is_err(), "limit 2");
        let seat = Seat {
            channel: Id(7),
            session: Id(11),
            node: "b".to_owned(),
        };
        assert_eq!(Seat::parse(&seat.text()), Some(seat));
        assert_eq!(Seat::parse(b""), None);
    }
}
