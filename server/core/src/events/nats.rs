//! The multi-node bus: NATS JetStream carries events and side effects between nodes.
//!
//! Every stored event is encoded once, without a cursor (the bytes every hub shares,
//! [`EventEncoder::encode`] with `""`), and published to ONE JetStream stream on the subjects
//! of its audience, `<prefix>.ev.s.<server>` and `<prefix>.ev.u.<user>`: one copy per server
//! and user addressed, each with its own part of the audience in a header, split so that no
//! client matches two copies ([`copies`]); an event to very many at once goes once to
//! `<prefix>.ev.m`. The stream's sequence is the cursor: it orders events globally, so a
//! client may resume on any node, and it outlives the nodes (retention by age and size).
//!
//! The stream republishes what it stores, numbered, on `<prefix>.live.…` in stream order,
//! and each node subscribes there only to the audiences its connected users need (its feed,
//! [`feed`]): traffic per node grows with its users, not with the instance. The hub keeps a
//! window of what its feed delivered for resumes and reads older cursors, or audiences the
//! node took on only now, back from the stream.
//!
//! The side effects of a committed change ([`Signal`]: permission-cache invalidation, ended
//! sessions) go into the same stream (`<prefix>.ev.ctl`, which every node takes), so a node applies an invalidation
//! before the events published after it: a member who lost access stops receiving on every
//! node at once. Ephemeral events (typing, presence, voice signals) are plain NATS
//! publications, never stored, split over `<prefix>.eph.s.<server>` / `eph.u.<user>` (and
//! `eph.m`) like stored ones: a node subscribes to those of the audiences its feed carries.
//!
//! Presence: a user is online while any live node holds a stream of theirs (key-value
//! buckets, [`presence`]); announcements travel as ephemeral events, so a node hears those
//! of its users' audiences only, and what it tells new streams about others is read from
//! the buckets.
//!
//! A stored publication NATS does not take (NATS briefly unreachable) waits in an
//! [`outbox`] and is retried in order until it does: the change is committed, so its event
//! still reaches the clients, late.

mod feed;
mod inflight;
mod lease;
mod outbox;
mod presence;
pub mod voice;

use std::{
    sync::{
        Arc, Mutex, Weak,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use async_nats::{
    HeaderMap,
    jetstream::{
        self,
        consumer::{DeliverPolicy, pull::OrderedConfig},
        stream,
    },
};
use bytes::Bytes;
use futures::StreamExt;
use tokio::sync::{mpsc, oneshot};

use super::{
    Audience, AudienceKey, Clustered, Event, EventBus, EventEncoder, Hub, ReplaySource, Signal,
    Stored,
};
use crate::{
    error::{Error, Result},
    id::Id,
    model::{Presence, PresenceStatus},
    permissions::Permissions,
};

/// The header carrying an event's audience.
const AUDIENCE: &str = "Decentra-Audience";
/// The header naming the node that published a signal (it applied it already).
const NODE: &str = "Decentra-Node";
/// The header of a presence announcement: `<user> <status>`.
const PRESENCE: &str = "Decentra-Presence";
/// Shared cells expire this long after their last write (longer than any rate-limit state
/// stays relevant: a minute's budget).
const CELL_TTL: Duration = Duration::from_secs(120);
/// Long-lived shared cells ([`Cells::Hours`]) expire this long after their last write
/// (longer than the longest slow mode, 6 hours).
const LONG_CELL_TTL: Duration = Duration::from_secs(6 * 3600 + 120);
/// Compare-and-set attempts on a shared cell before giving up.
const CELL_ATTEMPTS: usize = 16;
/// Longest a resume waits for the stream to hand back what it missed.
const REPLAY_TIMEOUT: Duration = Duration::from_secs(30);

/// Where and how the nodes share events.
#[derive(Debug, Clone)]
pub struct NatsConfig {
    /// `nats://host:port` of the NATS server (with JetStream enabled).
    pub url: String,
    /// First token of every subject and of the stream's name, so several deployments (or
    /// test runs) can share one NATS server. Letters, digits, `_` and `-`.
    pub prefix: String,
    /// Stored events older than this are dropped (resuming from them needs a resync).
    pub max_age: Duration,
    /// The stream keeps at most this many bytes (oldest dropped first).
    pub max_bytes: i64,
    /// A node that stopped refreshing its liveness this long ago counts as dead: the users
    /// only it held go offline, its node id comes free. It refreshes every third of it. The
    /// same on every node (the last node started sets the buckets' expiry).
    pub node_ttl: Duration,
}

impl NatsConfig {
    /// Defaults for everything but the URL: prefix `decentra`, a day, 1 GiB.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            prefix: "decentra".to_owned(),
            max_age: Duration::from_secs(24 * 3600),
            max_bytes: 1 << 30,
            node_ttl: Duration::from_secs(30),
        }
    }

    /// Whether `prefix` can be a subject token and part of a stream name.
    pub fn valid_prefix(prefix: &str) -> bool {
        !prefix.is_empty()
            && prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }

    fn stream_name(&self) -> String {
        format!("{}_EVENTS", self.prefix.to_ascii_uppercase())
    }
}

struct Link {
    client: async_nats::Client,
    /// Requests for the feed to carry audiences (taken by [`NatsBus::start`]'s feed task).
    covers: mpsc::UnboundedSender<feed::Cover>,
    /// The feed's end of `covers` and of the connection's gaps (reconnects, dropped
    /// messages), until [`NatsBus::start`] takes them.
    feed_inputs: Mutex<Option<feed::Inputs>>,
    /// Stored events (not signals) this node's feed received: what the audience subjects
    /// save is visible here.
    received: AtomicU64,
    /// Ephemeral events this node received (those of the audiences its feed carries).
    received_ephemeral: AtomicU64,
    js: jetstream::Context,
    stream: String,
    prefix: String,
    /// This process among the nodes (signals it published come back to it).
    node: String,
    epoch: u64,
    start: u64,
    encoder: Arc<dyn EventEncoder>,
    presence: Arc<presence::KvPresence>,
    lease: lease::Lease,
    /// Small shared numbers (`<PREFIX>_CELLS`), e.g. the instance's rate-limit state.
    cells: async_nats::jetstream::kv::Store,
    /// The same, kept for hours (`<PREFIX>_CELLS_LONG`), e.g. slow-mode deadlines.
    long_cells: async_nats::jetstream::kv::Store,
    /// How often this node refreshes its liveness.
    refresh: Duration,
    /// Stored publications handed to NATS whose acknowledgement is awaited.
    inflight: inflight::InFlight,
    /// Stored publications NATS did not take yet.
    outbox: outbox::Outbox,
    /// Numbers this node's stored publications (their message ids).
    published: std::sync::atomic::AtomicU64,
}

/// How long a shared cell outlives its last write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cells {
    /// Two minutes: a minute's rate-limit budget.
    Minutes,
    /// Six hours: the longest slow mode.
    Hours,
}

/// The NATS JetStream [`EventBus`] (see the module docs).
#[derive(Clone)]
pub struct NatsBus(Arc<Link>);

impl std::fmt::Debug for NatsBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NatsBus")
            .field("stream", &self.0.stream)
            .field("node", &self.0.node)
            .finish_non_exhaustive()
    }
}

/// Whether a NATS server of `version` republishes a stream's messages in stream order, as
/// the feed needs ([`feed`] merges its subscriptions by sequence and skips what comes late).
/// From 2.10 one task per stream stores and republishes; 2.9 stores on each publisher's
/// connection and republishes after releasing the stream, so messages from two nodes can
/// be republished the other way round.
pub fn republishes_in_order(version: &str) -> bool {
    let mut parts = version.trim_start_matches('v').split(['.', '-', '+']);
    let mut number = || parts.next().and_then(|p| p.parse::<u64>().ok());
    matches!((number(), number()), (Some(major), Some(minor)) if (major, minor) >= (2, 10))
}

/// Applies a signal from another node (see `change::apply_signal`).
pub type ApplySignal = Arc<dyn Fn(Signal) + Send + Sync>;

fn nats_error(
    what: &'static str,
) -> impl FnOnce(Box<dyn std::error::Error + Send + Sync>) -> Error {
    move |e| Error::internal_with(what, e)
}

impl NatsBus {
    /// Connects and creates the event stream, or applies the configured limits to it.
    pub async fn connect(config: &NatsConfig, encoder: Arc<dyn EventEncoder>) -> Result<Self> {
        if !NatsConfig::valid_prefix(&config.prefix) {
            return Err(Error::invalid(
                "nats_prefix",
                "use letters, digits, '_' and '-' only",
            ));
        }
        // A reconnect or messages the client had to drop leave a gap in the feed's
        // subscriptions: the feed reads it back from the stream.
        let (gaps, gaps_rx) = mpsc::unbounded_channel();
        let client = async_nats::ConnectOptions::new()
            .event_callback(move |event| {
                let gaps = gaps.clone();
                async move {
                    if matches!(
                        event,
                        async_nats::Event::Connected | async_nats::Event::SlowConsumer(_)
                    ) {
                        let _ = gaps.send(());
                    }
                }
            })
            .connect(&config.url)
            .await
            .map_err(|e| nats_error("cannot connect to NATS")(e.into()))?;
        let version = client.server_info().version;
        if !republishes_in_order(&version) {
            return Err(Error::invalid(
                "nats_url",
                format!(
                    "NATS {version} is too old: use NATS 2.10 or newer (older servers can \
                     republish the event stream out of order when several nodes publish at \
                     once, and a node would then skip events)"
                ),
            ));
        }
        let js = jetstream::new(client.clone());
        let stream = config.stream_name();
        let info = js
            .create_or_update_stream(stream::Config {
                name: stream.clone(),
                subjects: vec![format!("{}.ev.>", config.prefix)],
                // Every stored message is published again, numbered (`Nats-Sequence`), on
                // `<prefix>.live.…` as the stream stores it, i.e. in stream order: a node
                // subscribes there to the audiences it needs.
                republish: Some(stream::Republish {
                    source: format!("{}.ev.>", config.prefix),
                    destination: format!("{}.live.>", config.prefix),
                    headers_only: false,
                }),
                max_age: config.max_age,
                max_bytes: config.max_bytes,
                storage: stream::StorageType::File,
                discard: stream::DiscardPolicy::Old,
                ..Default::default()
            })
            .await
            .map_err(|e| nats_error("cannot create the JetStream event stream")(e.into()))?;
        // The stream's creation time tells this stream from an earlier one of the same name:
        // cursors of a deleted stream are refused rather than misread.
        let epoch = (info.created.unix_timestamp_nanos() / 1_000) as u64;
        let node = format!("{:016x}", rand::random::<u64>());
        let ttl = config.node_ttl;
        let presence = Arc::new(presence::KvPresence::open(&js, &config.prefix, &node, ttl).await?);
        let lease = lease::Lease::take(&js, &config.prefix, &node, ttl).await?;
        let cells = presence::bucket(&js, &format!("{}_CELLS", config.prefix), CELL_TTL).await?;
        let long_cells =
            presence::bucket(&js, &format!("{}_CELLS_LONG", config.prefix), LONG_CELL_TTL).await?;
        tracing::info!(node_id = lease.id, "leased a node id");
        let (covers, covers_rx) = mpsc::unbounded_channel();
        let (inflight, handed) = inflight::InFlight::new();
        let link = Arc::new(Link {
            client,
            covers,
            feed_inputs: Mutex::new(Some(feed::Inputs {
                covers: covers_rx,
                gaps: gaps_rx,
            })),
            received: AtomicU64::new(0),
            received_ephemeral: AtomicU64::new(0),
            js,
            stream,
            prefix: config.prefix.clone(),
            node,
            epoch,
            start: info.state.last_sequence,
            encoder,
            presence,
            lease,
            cells,
            long_cells,
            refresh: presence::refresh(ttl),
            inflight,
            outbox: outbox::Outbox::default(),
            published: std::sync::atomic::AtomicU64::new(0),
        });
        tokio::spawn(inflight::confirm(Arc::downgrade(&link), handed));
        tokio::spawn(outbox::drain(Arc::downgrade(&link), link.outbox.wake()));
        Ok(Self(link))
    }

    /// Applies `change` to the shared number under `key` by compare-and-set (see
    /// `auth::rate_limit::SharedCells`); a value expires as `life` says after its last write.
    pub async fn update_cell(
        &self,
        life: Cells,
        key: &str,
        change: &mut (dyn FnMut(Option<u64>) -> Option<u64> + Send),
    ) -> std::result::Result<(), String> {
        let cells = match life {
            Cells::Minutes => &self.0.cells,
            Cells::Hours => &self.0.long_cells,
        };
        for _ in 0..CELL_ATTEMPTS {
            let entry = cells
                .entry(key)
                .await
                .map_err(|e| format!("shared cells unavailable: {e}"))?;
            let (current, revision) = match &entry {
                Some(e) if e.operation == async_nats::jetstream::kv::Operation::Put => (
                    std::str::from_utf8(&e.value)
                        .ok()
                        .and_then(|v| v.parse().ok()),
                    Some(e.revision),
                ),
                Some(e) => (None, Some(e.revision)),
                None => (None, None),
            };
            let Some(next) = change(current) else {
                return Ok(());
            };
            let value = Bytes::from(next.to_string());
            let written = match revision {
                Some(r) => cells.update(key, value, r).await.is_ok(),
                None => cells.create(key, value).await.is_ok(),
            };
            if written {
                return Ok(());
            }
        }
        Err("shared cell contended".to_owned())
    }

    /// The id-generator node id this node leased (no other live node holds it).
    pub fn node_id(&self) -> u16 {
        self.0.lease.id
    }

    /// How this node's hub numbers and replays events.
    pub fn cluster(&self) -> Clustered {
        Clustered {
            epoch: self.0.epoch,
            start: self.0.start,
            source: Arc::new(self.clone()),
            presence: Arc::clone(&self.0.presence) as Arc<dyn super::PresenceDirectory>,
        }
    }

    /// Starts reading the stream (from where [`Self::cluster`] said) into `hub`, applying
    /// other nodes' signals with `apply`, and the ephemeral events of the audiences the feed
    /// carries. Stops when the hub is gone.
    pub async fn start(&self, hub: &Arc<Hub>, apply: ApplySignal) -> Result<()> {
        let link = &self.0;
        let inputs = link
            .feed_inputs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| Error::internal("the event feed was started twice"))?;
        let feed = feed::Feed::open(Arc::clone(link), Arc::downgrade(hub), apply).await?;
        tokio::spawn(feed.run(inputs));
        tokio::spawn(keep_alive(Arc::clone(link), Arc::downgrade(hub)));
        Ok(())
    }

    /// Stored events (not signals) this node's feed has received since it started.
    pub fn received(&self) -> u64 {
        self.0.received.load(Ordering::Relaxed)
    }

    /// Ephemeral events this node has received since it started.
    pub fn received_ephemeral(&self) -> u64 {
        self.0.received_ephemeral.load(Ordering::Relaxed)
    }

    fn subject(&self, kind: &str, token: &str) -> String {
        format!("{}.{kind}.{token}", self.0.prefix)
    }

    async fn stream(&self) -> std::result::Result<stream::Stream, String> {
        self.0
            .js
            .get_stream(&self.0.stream)
            .await
            .map_err(|e| format!("event stream unavailable: {e}"))
    }
}

/// Refreshes this node's liveness and node-id lease, and re-judges the users other nodes hold, so those only a
/// dead node held go offline once its liveness key expired.
async fn keep_alive(link: Arc<Link>, hub: Weak<Hub>) {
    let mut tick = tokio::time::interval(link.refresh);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(hub) = hub.upgrade() else { return };
        link.presence.beat().await;
        link.lease.renew().await;
        for user in hub.held_elsewhere() {
            hub.announce_presence(user).await;
        }
    }
}

#[async_trait::async_trait]
impl EventBus for NatsBus {
    async fn publish(&self, audience: Audience, event: Event) {
        let link = &self.0;
        let bytes = link.encoder.encode("", &event);
        let ephemeral = event.is_ephemeral();
        for (token, part) in copies(&audience) {
            let mut headers = HeaderMap::new();
            headers.insert(AUDIENCE, audience_header(&part).as_str());
            if let Event::PresenceUpdated(p) = &event {
                headers.insert(PRESENCE, presence_header(p).as_str());
            }
            if ephemeral {
                let subject = self.subject("eph", &token);
                if let Err(e) = link
                    .client
                    .publish_with_headers(subject, headers, bytes.clone())
                    .await
                {
                    tracing::warn!(error = %e, "publishing an ephemeral event to NATS failed");
                }
                continue;
            }
            link.publish_or_queue(self.subject("ev", &token), headers, bytes.clone())
                .await;
        }
    }

    async fn signal(&self, signal: Signal) {
        let link = &self.0;
        let mut headers = HeaderMap::new();
        headers.insert(NODE, link.node.as_str());
        let subject = format!("{}.ev.{CTL}", link.prefix);
        let payload = Bytes::from(signal_text(signal));
        link.publish_or_queue(subject, headers, payload).await;
    }
}

impl Link {
    /// Hands a publication to NATS, pipelined ([`inflight`]: the acknowledgements are awaited
    /// in order by a task of their own), or, behind publications waiting in the outbox,
    /// queues it there to be retried until NATS takes it; returns once NATS stored it or it
    /// waits in the outbox.
    async fn publish_or_queue(&self, subject: String, mut headers: HeaderMap, payload: Bytes) {
        let turn = self.inflight.turn().await;
        let n = self
            .published
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        headers.insert(
            async_nats::header::NATS_MESSAGE_ID,
            format!("{}-{n}", self.node).as_str(),
        );
        let pending = outbox::Pending {
            subject,
            headers,
            payload,
        };
        let ack = if self.outbox.is_backed_up() {
            None
        } else {
            self.js
                .publish_with_headers(
                    pending.subject.clone(),
                    pending.headers.clone(),
                    pending.payload.clone(),
                )
                .await
                .inspect_err(|e| {
                    tracing::error!(error = %e, "NATS did not take an event; it is queued and retried");
                })
                .ok()
        };
        let (settled, on_settled) = tokio::sync::oneshot::channel();
        turn.queue(
            inflight::Handed {
                pending,
                ack,
                settled,
            },
            on_settled,
        )
        .await;
    }
}

/// Publishes into the stream and waits for its acknowledgement (the outbox's retry: the next
/// publication it retries is ordered after this one).
async fn publish_stored(
    js: &jetstream::Context,
    subject: String,
    headers: HeaderMap,
    payload: Bytes,
) -> std::result::Result<(), async_nats::Error> {
    js.publish_with_headers(subject, headers, payload)
        .await?
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl ReplaySource for NatsBus {
    async fn replay(
        &self,
        after: u64,
        upto: u64,
        keys: &[AudienceKey],
    ) -> std::result::Result<Vec<Stored>, String> {
        let wanted: std::collections::HashSet<String> = keys
            .iter()
            .map(|k| key_token(*k))
            .chain([MANY.to_owned()])
            .collect();
        let prefix = format!("{}.ev.", self.0.prefix);
        let read = self
            .read(after, upto, |subject| {
                subject
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|t| wanted.contains(t))
            })
            .await?;
        Ok(read
            .into_iter()
            .filter_map(|m| {
                Some(Stored {
                    seq: m.seq,
                    audience: audience_of(m.headers.as_ref())?,
                    bytes: m.payload,
                })
            })
            .collect())
    }

    async fn last_seq(&self) -> std::result::Result<u64, String> {
        let mut stream = self.stream().await?;
        Ok(stream
            .info()
            .await
            .map_err(|e| format!("event stream unavailable: {e}"))?
            .state
            .last_sequence)
    }

    async fn cover(&self, keys: &[AudienceKey]) -> std::result::Result<u64, String> {
        let (done, answer) = oneshot::channel();
        self.0
            .covers
            .send(feed::Cover {
                keys: keys.to_vec(),
                done,
            })
            .map_err(|_| "the event feed stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the event feed stopped".to_owned())?
    }
}

/// A message read back from the stream.
struct Read {
    seq: u64,
    subject: String,
    headers: Option<HeaderMap>,
    payload: Bytes,
}

impl NatsBus {
    /// The stored messages with `after < seq <= upto` whose subject `wanted` accepts, in
    /// order (the stream is read whole over that range).
    async fn read(
        &self,
        after: u64,
        upto: u64,
        wanted: impl Fn(&str) -> bool,
    ) -> std::result::Result<Vec<Read>, String> {
        if upto <= after {
            return Ok(Vec::new());
        }
        let mut stream = self.stream().await?;
        let first = stream
            .info()
            .await
            .map_err(|e| format!("event stream unavailable: {e}"))?
            .state
            .first_sequence;
        if first > after + 1 {
            return Err("cursor is older than the retention window".to_owned());
        }
        let consumer = stream
            .create_consumer(OrderedConfig {
                deliver_policy: DeliverPolicy::ByStartSequence {
                    start_sequence: after + 1,
                },
                ..Default::default()
            })
            .await
            .map_err(|e| format!("cannot read the event stream: {e}"))?;
        let mut messages = consumer
            .messages()
            .await
            .map_err(|e| format!("cannot read the event stream: {e}"))?;
        let read = async {
            let mut out = Vec::new();
            // Every sequence up to `upto` was in the stream and none older than `after + 1`
            // is gone, so a message at or past `upto` arrives and ends the read.
            while let Some(m) = messages.next().await {
                let m = m.map_err(|e| format!("cannot read the event stream: {e}"))?;
                let seq = m
                    .info()
                    .map_err(|e| format!("unreadable stream message: {e}"))?
                    .stream_sequence;
                if seq > upto {
                    break;
                }
                if wanted(m.subject.as_str()) {
                    out.push(Read {
                        seq,
                        subject: m.subject.to_string(),
                        headers: m.headers.clone(),
                        payload: m.payload.clone(),
                    });
                }
                if seq >= upto {
                    break;
                }
            }
            Ok(out)
        };
        tokio::time::timeout(REPLAY_TIMEOUT, read)
            .await
            .map_err(|_| "the event stream did not answer in time".to_owned())?
    }
}

/// The subject token of the control messages (signals, the feed's marks).
const CTL: &str = "ctl";
/// The subject token of events addressed to more than [`MAX_COPIES`] audiences at once:
/// every node takes them.
const MANY: &str = "m";

/// Most audience subjects one event is copied to; an event addressed to more servers and
/// users than this at once (a deleted server's members, a profile update of a user in many
/// servers) travels once on [`MANY`], which every node takes.
const MAX_COPIES: usize = 16;

/// The copies an event travels as: a subject token (after `ev.` / `live.` / `eph.`) and the
/// part of the audience that receives that copy. One copy per user (`u.<user>`) and per
/// server (`s.<server>`) addressed, so a node takes only the copies of the audiences its
/// users need; a server's copy leaves out the users addressed and the members of the servers
/// before it ([`Audience::except`]), so no client receives two copies. Nobody: `none`, which
/// no node takes.
fn copies(audience: &Audience) -> Vec<(String, Audience)> {
    let mut users = audience.users.clone();
    users.sort_unstable();
    users.dedup();
    let mut servers: Vec<Id> = Vec::with_capacity(audience.servers.len());
    for s in &audience.servers {
        if !servers.contains(s) {
            servers.push(*s);
        }
    }
    match users.len() + servers.len() {
        0 => return vec![("none".to_owned(), audience.clone())],
        1 => {
            let key = match users.first() {
                Some(u) => AudienceKey::User(*u),
                None => AudienceKey::Server(servers[0]),
            };
            return vec![(key_token(key), audience.clone())];
        }
        n if n > MAX_COPIES => return vec![(MANY.to_owned(), audience.clone())],
        _ => {}
    }
    let mut out: Vec<(String, Audience)> = users
        .iter()
        .map(|u| (key_token(AudienceKey::User(*u)), Audience::users(vec![*u])))
        .collect();
    for (i, server) in servers.iter().enumerate() {
        let earlier = Audience {
            servers: servers[..i].to_vec(),
            users: users.clone(),
            ..audience.clone()
        };
        let part = Audience {
            servers: vec![*server],
            users: Vec::new(),
            except: (!earlier.is_empty()).then(|| Box::new(earlier)),
            ..audience.clone()
        };
        out.push((key_token(AudienceKey::Server(*server)), part));
    }
    out
}

fn key_token(key: AudienceKey) -> String {
    match key {
        AudienceKey::Server(s) => format!("s.{s}"),
        AudienceKey::User(u) => format!("u.{u}"),
    }
}

/// `s=1,2;c=3;p=8;u=4,5` (empty parts left out).
fn audience_header(a: &Audience) -> String {
    let ids = |ids: &[Id]| {
        ids.iter()
            .map(|i| i.0.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut parts = Vec::new();
    if !a.servers.is_empty() {
        parts.push(format!("s={}", ids(&a.servers)));
    }
    if let Some(c) = a.channel {
        parts.push(format!("c={}", c.0));
    }
    if let Some(p) = a.permission {
        parts.push(format!("p={}", p.bits()));
    }
    if !a.users.is_empty() {
        parts.push(format!("u={}", ids(&a.users)));
    }
    // The servers and users left out; channel and permission are the audience's own.
    if let Some(e) = &a.except {
        if !e.servers.is_empty() {
            parts.push(format!("xs={}", ids(&e.servers)));
        }
        if !e.users.is_empty() {
            parts.push(format!("xu={}", ids(&e.users)));
        }
    }
    parts.join(";")
}

fn audience_of(headers: Option<&HeaderMap>) -> Option<Audience> {
    parse_audience(headers?.get(AUDIENCE)?.as_str())
}

fn parse_audience(text: &str) -> Option<Audience> {
    let ids = |v: &str| -> Option<Vec<Id>> {
        v.split(',')
            .map(|i| i.parse().ok().map(Id))
            .collect::<Option<Vec<_>>>()
    };
    let mut a = Audience::default();
    let mut except = Audience::default();
    for part in text.split(';').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=')?;
        match key {
            "s" => a.servers = ids(value)?,
            "c" => a.channel = Some(Id(value.parse().ok()?)),
            "p" => a.permission = Some(Permissions::from_bits_retain(value.parse().ok()?)),
            "u" => a.users = ids(value)?,
            "xs" => except.servers = ids(value)?,
            "xu" => except.users = ids(value)?,
            _ => return None,
        }
    }
    if !except.is_empty() {
        except.channel = a.channel;
        except.permission = a.permission;
        a.except = Some(Box::new(except));
    }
    Some(a)
}

fn status_word(status: PresenceStatus) -> &'static str {
    match status {
        PresenceStatus::Offline => "offline",
        PresenceStatus::Online => "online",
        PresenceStatus::Idle => "idle",
        PresenceStatus::DoNotDisturb => "dnd",
        PresenceStatus::Invisible => "invisible",
    }
}

fn parse_status(word: &str) -> Option<PresenceStatus> {
    Some(match word {
        "offline" => PresenceStatus::Offline,
        "online" => PresenceStatus::Online,
        "idle" => PresenceStatus::Idle,
        "dnd" => PresenceStatus::DoNotDisturb,
        "invisible" => PresenceStatus::Invisible,
        _ => return None,
    })
}

fn presence_header(p: &Presence) -> String {
    format!("{} {}", p.user_id.0, status_word(p.status))
}

fn parse_presence(text: &str) -> Option<(Id, PresenceStatus)> {
    let (user, status) = text.split_once(' ')?;
    Some((Id(user.parse().ok()?), parse_status(status)?))
}

fn signal_text(signal: Signal) -> String {
    match signal {
        Signal::Invalidate(id) => format!("invalidate {}", id.0),
        Signal::ForgetServer(id) => format!("forget {}", id.0),
        Signal::EndSession { session, until } => format!("end {} {until}", session.0),
        Signal::CloseStreams(id) => format!("close {}", id.0),
        Signal::ReloadSettings => "settings".to_owned(),
    }
}

fn parse_signal(text: &str) -> Option<Signal> {
    let mut words = text.split(' ');
    let kind = words.next()?;
    if kind == "settings" {
        return words.next().is_none().then_some(Signal::ReloadSettings);
    }
    let id = Id(words.next()?.parse().ok()?);
    let signal = match kind {
        "invalidate" => Signal::Invalidate(id),
        "forget" => Signal::ForgetServer(id),
        "end" => Signal::EndSession {
            session: id,
            until: words.next()?.parse().ok()?,
        },
        "close" => Signal::CloseStreams(id),
        _ => return None,
    };
    words.next().is_none().then_some(signal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(a: &Audience) -> Vec<String> {
        copies(a).into_iter().map(|(t, _)| t).collect()
    }

    /// Only servers that republish in stream order are accepted; an unreadable version is
    /// refused rather than guessed.
    #[test]
    fn nats_before_2_10_is_refused() {
        for ok in ["2.10.0", "2.10.27", "v2.11.4", "2.12.0-RC.1", "3.0.0"] {
            assert!(republishes_in_order(ok), "{ok}");
        }
        for old in ["2.9.10", "2.9.25", "1.4.1", "2", "", "two.ten"] {
            assert!(!republishes_in_order(old), "{old}");
        }
    }

    /// One server or one user: its own subject, so a node can take just that audience.
    /// Several: a copy on each one's subject; very many: the subject every node takes.
    #[test]
    fn an_event_travels_on_its_audience_subjects() {
        let (s, c, u, v) = (Id(1), Id(2), Id(3), Id(4));
        assert_eq!(tokens(&Audience::server(s)), ["s.1"]);
        assert_eq!(tokens(&Audience::channel(s, c)), ["s.1"]);
        assert_eq!(tokens(&Audience::users(vec![u])), ["u.3"]);
        assert_eq!(tokens(&Audience::users(vec![u, u])), ["u.3"]);
        assert_eq!(tokens(&Audience::users(vec![v, u])), ["u.3", "u.4"]);
        assert_eq!(tokens(&Audience::server(s).and_users([u])), ["u.3", "s.1"]);
        assert_eq!(tokens(&Audience::default()), ["none"]);
        let many = Audience::users((0..=MAX_COPIES as i64).map(Id).collect());
        assert_eq!(tokens(&many), [MANY]);
    }

    /// Each copy reaches only its own part of the audience: a user addressed by name gets
    /// their own copy only, a server's members who are in an earlier server (or addressed by
    /// name) are left out of its copy; channel and permission stay with every server's copy.
    #[test]
    fn copies_split_the_audience_without_overlap() {
        let (s, t, u) = (Id(1), Id(5), Id(3));
        let needed = Permissions::from_bits_retain(8);
        let audience = Audience {
            servers: vec![s, t],
            users: vec![u],
            ..Audience::server_with(s, needed)
        };
        let parts = copies(&audience);
        let tokens: Vec<&str> = parts.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(tokens, ["u.3", "s.1", "s.5"]);
        let (user, first, second) = (&parts[0].1, &parts[1].1, &parts[2].1);
        assert!(user.users == vec![u] && user.servers.is_empty() && user.except.is_none());
        assert!(
            user.permission.is_none(),
            "a user named receives regardless"
        );
        assert_eq!(first.servers, vec![s]);
        assert_eq!(first.permission, Some(needed));
        let except = first.except.as_deref().expect("leaves out the user named");
        assert!(except.users == vec![u] && except.servers.is_empty());
        assert_eq!(second.servers, vec![t]);
        let except = second
            .except
            .as_deref()
            .expect("leaves out the first server");
        assert!(except.users == vec![u] && except.servers == vec![s]);
        assert_eq!(except.permission, Some(needed));
        // What each copy's header says is what a node reads back.
        let back = parse_audience(&audience_header(second)).expect("parses");
        let except = back.except.expect("leaves out");
        assert!(back.servers == vec![t] && back.users.is_empty());
        assert!(except.servers == vec![s] && except.users == vec![u]);
        assert_eq!(except.permission, Some(needed));
    }

    #[test]
    fn audiences_and_signals_survive_the_wire() {
        let a = Audience {
            servers: vec![Id(1), Id(2)],
            channel: Some(Id(3)),
            permission: Some(Permissions::from_bits_retain(8)),
            users: vec![Id(4), Id(5)],
            except: None,
        };
        let back = parse_audience(&audience_header(&a)).expect("parses");
        assert_eq!(back.servers, a.servers);
        assert_eq!(back.channel, a.channel);
        assert_eq!(back.permission, a.permission);
        assert_eq!(back.users, a.users);
        assert!(back.except.is_none());
        let users = parse_audience(&audience_header(&Audience::users(vec![Id(9)]))).expect("ok");
        assert!(users.servers.is_empty() && users.users == vec![Id(9)]);
        assert!(parse_audience("s=x").is_none());
        for s in [
            Signal::Invalidate(Id(7)),
            Signal::ForgetServer(Id(8)),
            Signal::EndSession {
                session: Id(9),
                until: 1234,
            },
            Signal::CloseStreams(Id(10)),
            Signal::ReloadSettings,
        ] {
            assert_eq!(parse_signal(&signal_text(s)), Some(s));
        }
        assert_eq!(parse_signal("end 9"), None);
        for status in [
            PresenceStatus::Offline,
            PresenceStatus::Online,
            PresenceStatus::Idle,
            PresenceStatus::DoNotDisturb,
            PresenceStatus::Invisible,
        ] {
            let p = Presence {
                user_id: Id(3),
                status,
                status_text: String::new(),
            };
            assert_eq!(parse_presence(&presence_header(&p)), Some((Id(3), status)));
        }
        assert_eq!(parse_signal("invalidate 1 2"), None);
    }
}
