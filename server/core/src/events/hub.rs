//! The in-process hub. One mutex orders publication: an event gets its sequence number,
//! enters the replay log and is queued to every recipient under the lock, so each
//! subscriber sees events in cursor order and a resume can join the live flow with neither
//! gap nor duplicate. Work under the lock is a hash lookup and a `try_send` per recipient;
//! encoding happens once per event.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use bytes::Bytes;
use futures::Stream;
use tokio::sync::mpsc;

use super::{Audience, Control, Event, EventBus, EventEncoder};
use crate::{
    access::{PermCache, ServerPerms},
    id::{Id, now_ms},
    model::{Presence, PresenceStatus},
};

/// Most stream entries a resume reads back from the cluster's stream (beyond that a fresh
/// snapshot is cheaper than the replay, and the replay would sit in memory at once).
const MAX_STREAM_REPLAY: u64 = 100_000;

/// Hub tuning.
#[derive(Debug, Clone, Copy)]
pub struct HubConfig {
    /// Events kept for resuming; older cursors must resync.
    pub replay_window: usize,
    /// Events queued per subscriber before it counts as lagging and is cut off.
    pub queue_capacity: usize,
    /// Idle streams get a heartbeat this often.
    pub heartbeat: Duration,
    /// A user goes offline this long after their last stream closed (reconnects within it
    /// are invisible to others).
    pub presence_grace: Duration,
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            replay_window: 10_000,
            queue_capacity: 1_024,
            heartbeat: Duration::from_secs(30),
            presence_grace: Duration::from_secs(5),
        }
    }
}

struct Logged {
    seq: u64,
    audience: Audience,
    bytes: Bytes,
}

struct SubHandle {
    id: u64,
    /// Stored events up to this sequence were already handed to the stream (a resume from a
    /// cursor this node had not reached yet): they are skipped when they arrive.
    skip_until: u64,
    /// The signed-in session the stream was opened with (closed when it is revoked).
    session: Id,
    tx: mpsc::Sender<Bytes>,
    lagged: Arc<AtomicBool>,
}

#[derive(Default)]
struct Inner {
    /// The last sequence delivered (or, clustered, consumed from the shared stream).
    seq: u64,
    /// The log holds every event with a sequence above this one (up to `seq`): older cursors
    /// are replayed from the cluster's stream, or, on a single node, must resync.
    floor: u64,
    log: VecDeque<Logged>,
    subs: HashMap<Id, Vec<SubHandle>>,
    /// Status each user picked (absent = online).
    chosen: HashMap<Id, PresenceStatus>,
    /// Status last announced to others (absent = offline).
    announced: HashMap<Id, PresenceStatus>,
    /// When users without streams closed their last one: they count as online for the grace
    /// period after it (a page reload), whether or not their coming online was announced yet.
    left: HashMap<Id, Instant>,
    /// The grace period (a copy of the hub's, so the status rules live on `Inner`).
    grace: Duration,
    /// Set by [`Hub::close_all`]: the node is shutting down and takes no new streams.
    closed: bool,
}

impl Inner {
    /// The status others have been told, or the visible one if nothing was announced yet.
    fn public_status(&self, user: Id) -> PresenceStatus {
        self.announced
            .get(&user)
            .copied()
            .unwrap_or_else(|| self.visible_status(user))
    }

    /// Whether this node holds the user: an open stream, or the grace period after one.
    fn here(&self, user: Id) -> bool {
        self.subs.contains_key(&user)
            || self
                .left
                .get(&user)
                .is_some_and(|at| at.elapsed() < self.grace)
    }

    /// The status others should see: offline without streams, invisible shows as offline.
    fn visible_status(&self, user: Id) -> PresenceStatus {
        if !self.here(user) {
            return PresenceStatus::Offline;
        }
        self.shown_status(user)
    }

    /// The status others see of a connected user: the chosen one, invisible as offline.
    fn shown_status(&self, user: Id) -> PresenceStatus {
        match self
            .chosen
            .get(&user)
            .copied()
            .unwrap_or(PresenceStatus::Online)
        {
            PresenceStatus::Invisible => PresenceStatus::Offline,
            s => s,
        }
    }
}

/// An audience a clustered node's feed carries: each server and each user has a subject of
/// its own (an event to several travels as one copy on each), and a node takes only those
/// its connected users need (see [`super::nats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AudienceKey {
    /// Events addressed to one server's members.
    Server(Id),
    /// Events addressed to one user.
    User(Id),
}

impl AudienceKey {
    /// The audiences a user's stream needs: their own, and each server they are a member of.
    pub fn of_user(user: Id, servers: &[Id]) -> Vec<Self> {
        std::iter::once(Self::User(user))
            .chain(servers.iter().map(|s| Self::Server(*s)))
            .collect()
    }
}

/// Where a clustered hub reads stored events older than its own log: the event stream all
/// nodes share (see [`super::nats`]).
#[async_trait::async_trait]
pub trait ReplaySource: Send + Sync + 'static {
    /// The stored events with `after < seq <= upto` that may concern `keys` (events addressed
    /// to very many audiences at once included), in order, or why they cannot be had (older
    /// than the retention window, stream unreachable).
    async fn replay(
        &self,
        after: u64,
        upto: u64,
        keys: &[AudienceKey],
    ) -> Result<Vec<Stored>, String>;
    /// The sequence of the newest stored event (a cursor beyond it is from the future).
    async fn last_seq(&self) -> Result<u64, String>;
    /// Makes this node's feed carry `keys` (requests arriving together are served together)
    /// and returns a sequence after which it delivers every event of them to the hub.
    async fn cover(&self, keys: &[AudienceKey]) -> Result<u64, String>;
}

/// A stored event as the cluster's stream holds it.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its stream sequence: the resume cursor.
    pub seq: u64,
    /// Who may receive it.
    pub audience: Audience,
    /// The event encoded without a cursor ([`EventEncoder::encode`] with `""`).
    pub bytes: Bytes,
}

/// Who holds a user's streams across nodes, for clustered hubs (see `super::nats`): a user
/// is online while any node holds them.
#[async_trait::async_trait]
pub trait PresenceDirectory: Send + Sync + 'static {
    /// Records whether this node holds `user` (an open stream, or the grace period after
    /// one) and returns whether another live node does.
    async fn hold(&self, user: Id, here: bool) -> bool;
    /// Records the status `user` picked, for every node to read.
    async fn choose(&self, user: Id, status: PresenceStatus);
    /// The status `user` last picked through any node, if one was recorded.
    async fn chosen(&self, user: Id) -> Option<PresenceStatus>;
    /// Those of `users` whom a live node holds, each with the status they picked (online
    /// when none was recorded), in the order given.
    async fn held(&self, users: Vec<Id>) -> Vec<(Id, PresenceStatus)>;
}

/// How a hub that is one of several nodes numbers and replays events.
pub struct Clustered {
    /// Identifies the shared stream (cursors of another stream are refused).
    pub epoch: u64,
    /// The stream's last sequence when this node started consuming it.
    pub start: u64,
    /// Reads what this node's log does not hold.
    pub source: Arc<dyn ReplaySource>,
    /// Who holds which user's streams on the other nodes.
    pub presence: Arc<dyn PresenceDirectory>,
}

/// The event hub. See the module docs.
pub struct Hub {
    encoder: Arc<dyn EventEncoder>,
    perms: Arc<PermCache>,
    config: HubConfig,
    /// Distinguishes this process's cursors from a previous one's (clustered: the shared
    /// stream's identity).
    epoch: u64,
    /// Set when several nodes share one event stream.
    source: Option<Arc<dyn ReplaySource>>,
    /// Set when several nodes share presence.
    directory: Option<Arc<dyn PresenceDirectory>>,
    /// Where this hub's own announcements (presence) go when it is one of several nodes.
    outbound: Mutex<Option<std::sync::Weak<dyn EventBus>>>,
    next_sub: AtomicU64,
    inner: Mutex<Inner>,
    watchers: Mutex<Option<PresenceWatchers>>,
    on_disconnect: Mutex<Option<DisconnectHook>>,
    /// Serialises presence announcements end to end, so two changes racing through their
    /// awaits cannot publish in reverse order (e.g. "online" after "invisible").
    announcing: tokio::sync::Mutex<()>,
}

/// Runs when a user's last stream closed (e.g. to end their voice session).
pub type DisconnectHook = Arc<dyn Fn(Id) -> futures::future::BoxFuture<'static, ()> + Send + Sync>;

/// Returns, for a user, who else should see their presence (friends).
pub type PresenceWatchers =
    Arc<dyn Fn(Id) -> futures::future::BoxFuture<'static, Vec<Id>> + Send + Sync>;

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("config", &self.config)
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

/// How a new subscription begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionStart {
    /// Missed events are queued, followed by `Resumed`; no snapshot is needed.
    Resumed,
    /// The caller must send a fresh snapshot first; `resync` says why a resume failed.
    Fresh {
        /// Why the given cursor could not be resumed, if one was given.
        resync: Option<String>,
    },
}

/// Whether `user` may receive an entry with this audience, judged on `snapshots`.
fn visible(audience: &Audience, user: Id, snapshots: &HashMap<Id, Arc<ServerPerms>>) -> bool {
    let addressed = audience.users.contains(&user)
        || audience
            .servers
            .iter()
            .any(|s| snapshots.get(s).is_some_and(|p| admits(audience, p, user)));
    addressed && !excepted(audience, user, snapshots)
}

/// Whether `user` receives this copy of an event through another one.
fn excepted(audience: &Audience, user: Id, snapshots: &HashMap<Id, Arc<ServerPerms>>) -> bool {
    audience
        .except
        .as_deref()
        .is_some_and(|e| visible(e, user, snapshots))
}

/// Whether a member of the server `p` is in the audience.
fn admits(audience: &Audience, p: &ServerPerms, user: Id) -> bool {
    let in_scope = match audience.channel {
        Some(channel) => p.can_view(user, channel),
        None => p.is_member(user),
    };
    in_scope
        && audience
            .permission
            .is_none_or(|needed| p.base(user).is_some_and(|b| b.contains(needed)))
}

/// Recipients of an entry among the users with streams on this node.
fn recipients(
    inner: &Inner,
    audience: &Audience,
    snapshots: &HashMap<Id, Arc<ServerPerms>>,
) -> HashSet<Id> {
    let mut recipients: HashSet<Id> = audience
        .users
        .iter()
        .copied()
        .filter(|u| inner.subs.contains_key(u))
        .collect();
    for server in &audience.servers {
        let Some(p) = snapshots.get(server) else {
            continue;
        };
        recipients.extend(
            p.member_ids()
                .filter(|u| inner.subs.contains_key(u) && admits(audience, p, *u)),
        );
    }
    if audience.except.is_some() {
        recipients.retain(|u| !excepted(audience, *u, snapshots));
    }
    recipients
}

impl Inner {
    /// Queues `bytes` to every recipient's streams (a stored event carries its `seq`).
    fn fan_out(
        &mut self,
        audience: &Audience,
        snapshots: &HashMap<Id, Arc<ServerPerms>>,
        bytes: &Bytes,
        seq: Option<u64>,
    ) {
        for user in recipients(self, audience, snapshots) {
            if let Some(subs) = self.subs.get_mut(&user) {
                deliver(subs, bytes, seq);
                if subs.is_empty() {
                    self.subs.remove(&user);
                }
            }
        }
    }

    /// Keeps a stored event for resuming, dropping the oldest beyond `window`.
    fn log(&mut self, seq: u64, audience: Audience, bytes: Bytes, window: usize) {
        self.log.push_back(Logged {
            seq,
            audience,
            bytes,
        });
        while self.log.len() > window {
            if let Some(old) = self.log.pop_front() {
                self.floor = old.seq;
            }
        }
    }
}

impl Hub {
    /// A hub encoding with `encoder` and judging visibility with `perms`.
    pub fn new(encoder: Arc<dyn EventEncoder>, perms: Arc<PermCache>, config: HubConfig) -> Self {
        Self::build(encoder, perms, config, None)
    }

    /// A hub of one node among several: events arrive numbered by the shared stream
    /// ([`Self::deliver`]), and cursors older than this node's log are replayed from it.
    pub fn clustered(
        encoder: Arc<dyn EventEncoder>,
        perms: Arc<PermCache>,
        config: HubConfig,
        cluster: Clustered,
    ) -> Self {
        Self::build(encoder, perms, config, Some(cluster))
    }

    fn build(
        encoder: Arc<dyn EventEncoder>,
        perms: Arc<PermCache>,
        config: HubConfig,
        cluster: Option<Clustered>,
    ) -> Self {
        let (epoch, start, source, directory) = match cluster {
            Some(c) => (c.epoch, c.start, Some(c.source), Some(c.presence)),
            None => (rand::random::<u32>() as u64, 0, None, None),
        };
        Self {
            encoder,
            perms,
            config,
            epoch,
            source,
            directory,
            outbound: Mutex::new(None),
            next_sub: AtomicU64::new(1),
            inner: Mutex::new(Inner {
                grace: config.presence_grace,
                seq: start,
                floor: start,
                ..Inner::default()
            }),
            watchers: Mutex::new(None),
            on_disconnect: Mutex::new(None),
            announcing: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The encoder (for snapshots and control messages built outside the hub).
    pub fn encoder(&self) -> &dyn EventEncoder {
        &*self.encoder
    }

    /// Hub settings.
    pub fn config(&self) -> HubConfig {
        self.config
    }

    async fn snapshots(
        &self,
        servers: impl IntoIterator<Item = Id>,
    ) -> HashMap<Id, Arc<ServerPerms>> {
        let mut out = HashMap::new();
        for s in servers {
            if out.contains_key(&s) {
                continue;
            }
            match self.perms.get(s).await {
                Ok(Some(p)) => {
                    out.insert(s, p);
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(server = %s, error = %e, "permission snapshot unavailable")
                }
            }
        }
        out
    }

    /// Publishes an event to its audience. Call after the change is committed.
    pub async fn publish(&self, audience: Audience, event: Event) {
        // Visibility is judged on current permission state, loaded before taking the lock.
        let snapshots = self.snapshots(audience.servers_involved()).await;
        let ephemeral = event.is_ephemeral();
        let mut inner = self.lock();
        if ephemeral {
            let bytes = self.encoder.encode("", &event);
            inner.fan_out(&audience, &snapshots, &bytes, None);
            return;
        }
        inner.seq += 1;
        let seq = inner.seq;
        let bytes = self
            .encoder
            .encode(&format!("{}.{seq}", self.epoch), &event);
        inner.fan_out(&audience, &snapshots, &bytes, Some(seq));
        inner.log(seq, audience, bytes, self.config.replay_window);
    }

    /// Delivers a stored event that arrived from the cluster's stream under `seq` (encoded
    /// without a cursor). Events arrive in stream order; one seen before is ignored.
    pub async fn deliver(&self, seq: u64, audience: Audience, encoded: &Bytes) {
        let snapshots = self.snapshots(audience.servers_involved()).await;
        let bytes = self
            .encoder
            .with_cursor(&format!("{}.{seq}", self.epoch), encoded);
        let mut inner = self.lock();
        if seq <= inner.seq {
            return;
        }
        inner.seq = seq;
        inner.fan_out(&audience, &snapshots, &bytes, Some(seq));
        inner.log(seq, audience, bytes, self.config.replay_window);
    }

    /// Delivers an ephemeral event (never stored, no cursor) that arrived from the cluster.
    pub async fn deliver_ephemeral(&self, audience: Audience, bytes: &Bytes) {
        let snapshots = self.snapshots(audience.servers_involved()).await;
        self.lock().fan_out(&audience, &snapshots, bytes, None);
    }

    /// Sends this hub's own announcements (presence) through `bus`, so every node hears
    /// them (held weakly: the bus owns the way back to this hub).
    pub fn set_outbound(&self, bus: std::sync::Weak<dyn EventBus>) {
        *self.outbound.lock().unwrap_or_else(|p| p.into_inner()) = Some(bus);
    }

    /// Publishes one of the hub's own announcements: through the cluster when there is one.
    async fn announce(&self, audience: Audience, event: Event) {
        let bus = self
            .outbound
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .and_then(std::sync::Weak::upgrade);
        match bus {
            Some(bus) => bus.publish(audience, event).await,
            None => self.publish(audience, event).await,
        }
    }

    /// Registers a subscriber for `user`. With a valid `resume` cursor the missed events the
    /// user may see are queued first; otherwise the caller must send a snapshot. `None` once
    /// [`Hub::close_all`] ran: a stream opened during shutdown would hold the drain open.
    pub async fn subscribe(
        self: &Arc<Self>,
        user: Id,
        session: Id,
        user_servers: &[Id],
        resume: Option<&str>,
    ) -> Option<(Subscription, SubscriptionStart)> {
        let parsed = resume.map(|c| self.parse_cursor(c));
        let snapshots = match parsed {
            Some(Ok(_)) => self.snapshots(user_servers.iter().copied()).await,
            _ => HashMap::new(),
        };
        let (tx, rx) = mpsc::channel(self.config.queue_capacity);
        let lagged = Arc::new(AtomicBool::new(false));
        let id = self.next_sub.fetch_add(1, Ordering::Relaxed);
        let mut prelude = VecDeque::new();
        // Clustered, a cursor older than this node's log is replayed from the shared stream
        // first (up to the log's floor), then from the log under the lock.
        let mut fetched: Option<(u64, Vec<Stored>)> = None;
        let mut refused: Option<String> = None;
        let mut ahead = false;
        // Clustered, the node's feed must carry the user's audiences before the stream is
        // registered: from `covered` on, every event of them reaches this hub.
        let keys = AudienceKey::of_user(user, user_servers);
        let covered = match &self.source {
            Some(source) => match source.cover(&keys).await {
                Ok(covered) => covered,
                Err(why) => {
                    tracing::warn!(%user, %why, "cannot carry the user's audiences");
                    refused = Some(why);
                    0
                }
            },
            None => 0,
        };
        if let (Some(Ok(after)), Some(source), None) = (&parsed, &self.source, &refused) {
            let (floor, seq) = {
                let inner = self.lock();
                (inner.floor.max(covered), inner.seq)
            };
            if *after < floor && floor - *after > MAX_STREAM_REPLAY {
                refused = Some("cursor is too far behind to replay; resync".to_owned());
            } else if *after < floor {
                match source.replay(*after, floor, &keys).await {
                    Ok(events) => fetched = Some((floor, events)),
                    Err(why) => refused = Some(why),
                }
            } else if *after > seq {
                // Another node handed out a cursor this one has not reached yet.
                match source.last_seq().await {
                    Ok(last) => ahead = *after <= last,
                    Err(why) => refused = Some(why),
                }
            }
        }
        let parsed = match (parsed, refused) {
            (Some(Ok(_)), Some(why)) => Some(Err(why)),
            (parsed, _) => parsed,
        };
        let start = {
            let mut inner = self.lock();
            if inner.closed {
                return None;
            }
            let mut skip_until = 0;
            let start = match parsed {
                None => SubscriptionStart::Fresh { resync: None },
                Some(Err(why)) => SubscriptionStart::Fresh { resync: Some(why) },
                Some(Ok(after)) if ahead && after > inner.seq => {
                    skip_until = after;
                    prelude.push_back(self.encoder.encode_control(&Control::Resumed(0)));
                    SubscriptionStart::Resumed
                }
                Some(Ok(after)) => {
                    let from = match &fetched {
                        Some((upto, _)) => *upto,
                        None => after,
                    };
                    // Read back beyond what this hub has consumed (its feed only just took
                    // one of the user's audiences): the rest arrives live and is skipped.
                    if from > inner.seq && fetched.is_some() {
                        skip_until = from;
                    }
                    if after > inner.seq && fetched.is_none() {
                        SubscriptionStart::Fresh {
                            resync: Some("cursor is from the future".to_owned()),
                        }
                    } else if from < inner.floor {
                        SubscriptionStart::Fresh {
                            resync: Some("cursor is older than the replay window".to_owned()),
                        }
                    } else {
                        let mut replayed = 0u32;
                        let older = fetched
                            .iter()
                            .flat_map(|(_, events)| events.iter())
                            .filter(|e| visible(&e.audience, user, &snapshots));
                        for e in older {
                            prelude.push_back(
                                self.encoder
                                    .with_cursor(&format!("{}.{}", self.epoch, e.seq), &e.bytes),
                            );
                            replayed += 1;
                        }
                        for l in inner.log.iter().filter(|l| l.seq > from) {
                            if visible(&l.audience, user, &snapshots) {
                                prelude.push_back(l.bytes.clone());
                                replayed += 1;
                            }
                        }
                        prelude.push_back(self.encoder.encode_control(&Control::Resumed(replayed)));
                        SubscriptionStart::Resumed
                    }
                }
            };
            inner.left.remove(&user);
            let subs = inner.subs.entry(user).or_default();
            subs.push(SubHandle {
                id,
                skip_until,
                session,
                tx,
                lagged: Arc::clone(&lagged),
            });
            start
        };
        self.spawn_presence_update(user, Duration::ZERO);
        let mut heartbeat = tokio::time::interval(self.config.heartbeat);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        heartbeat.reset();
        let sub = Subscription {
            hub: Arc::clone(self),
            user,
            id,
            rx,
            lagged,
            prelude,
            heartbeat,
            finished: false,
        };
        Some((sub, start))
    }

    fn parse_cursor(&self, cursor: &str) -> Result<u64, String> {
        let (epoch, seq) = cursor
            .split_once('.')
            .ok_or_else(|| "malformed cursor".to_owned())?;
        if epoch.parse::<u64>().ok() != Some(self.epoch) {
            return Err("cursor is from another server session".to_owned());
        }
        seq.parse::<u64>()
            .map_err(|_| "malformed cursor".to_owned())
    }

    /// Ends every stream (after what is already queued), e.g. on shutdown; clients resume
    /// elsewhere or later with their cursor.
    pub fn close_all(&self) {
        let mut inner = self.lock();
        inner.closed = true;
        inner.subs.clear();
    }

    /// Ends the streams opened with a session that was just revoked (logout, password
    /// change): what a revoked token opened must not keep flowing.
    pub fn close_session(self: &Arc<Self>, session: Id) {
        let emptied: Vec<Id> = {
            let mut inner = self.lock();
            let mut emptied = Vec::new();
            inner.subs.retain(|user, subs| {
                subs.retain(|s| s.session != session);
                if subs.is_empty() {
                    emptied.push(*user);
                }
                !subs.is_empty()
            });
            emptied
        };
        for user in emptied {
            self.spawn_presence_update(user, Duration::ZERO);
            self.spawn_disconnect(user);
        }
    }

    /// Clustered: makes this node's feed carry a connected user's audiences (servers they
    /// joined since their stream opened), returning once it does. Nothing on a single node.
    pub async fn cover(&self, user: Id, servers: &[Id]) {
        if let Some(source) = &self.source
            && let Err(why) = source.cover(&AudienceKey::of_user(user, servers)).await
        {
            tracing::warn!(%user, %why, "cannot carry the user's audiences");
        }
    }

    /// Whether a user with a stream on this node needs the audience: the user (or their
    /// grace period after one), or a member of the server.
    pub async fn serves(&self, key: AudienceKey) -> bool {
        match key {
            AudienceKey::User(user) => self.lock().here(user),
            AudienceKey::Server(server) => {
                let Some(perms) = self.snapshots([server]).await.remove(&server) else {
                    return false;
                };
                let inner = self.lock();
                if inner.subs.len() < perms.member_count() {
                    inner.subs.keys().any(|u| perms.is_member(*u))
                } else {
                    perms.member_ids().any(|u| inner.subs.contains_key(&u))
                }
            }
        }
    }

    /// Whether the user has an open stream on this node.
    pub fn is_connected(&self, user: Id) -> bool {
        self.lock().subs.contains_key(&user)
    }

    /// Registers what runs when a user's last stream closes.
    pub fn set_on_disconnect(&self, hook: DisconnectHook) {
        *self.on_disconnect.lock().unwrap_or_else(|p| p.into_inner()) = Some(hook);
    }

    fn spawn_disconnect(&self, user: Id) {
        let hook = self
            .on_disconnect
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let (Some(hook), Ok(runtime)) = (hook, tokio::runtime::Handle::try_current()) else {
            return;
        };
        runtime.spawn(hook(user));
    }

    fn unregister(self: &Arc<Self>, user: Id, id: u64) {
        let gone = {
            let mut inner = self.lock();
            match inner.subs.get_mut(&user) {
                Some(subs) => {
                    subs.retain(|s| s.id != id);
                    let empty = subs.is_empty();
                    if empty {
                        inner.subs.remove(&user);
                        inner.left.insert(user, Instant::now());
                    }
                    empty
                }
                None => true,
            }
        };
        if gone {
            self.spawn_presence_update(user, self.config.presence_grace);
            self.spawn_disconnect(user);
        }
    }

    /// Sets the status a user shows (persisting across their reconnects while the server
    /// runs) and announces the change.
    pub async fn set_status(&self, user: Id, status: PresenceStatus) -> Presence {
        self.lock().chosen.insert(user, status);
        if let Some(directory) = &self.directory {
            directory.choose(user, status).await;
        }
        self.announce_presence(user).await;
        Presence {
            user_id: user,
            status,
            status_text: String::new(),
        }
    }

    /// Presences of those of `users` whom others see online (invisible ones excluded): the
    /// status last announced — so a user between two streams (a page reload, within the grace
    /// period) still counts, as everyone was told — or, before the first announcement, the
    /// live one. Clustered, a node hears only the announcements of the audiences its users
    /// need, so it asks the directory: who is held by a live node (a grace period included),
    /// with the status they picked.
    pub async fn presences(&self, users: impl IntoIterator<Item = Id>) -> Vec<Presence> {
        let presence = |user_id, status| match status {
            PresenceStatus::Offline | PresenceStatus::Invisible => None,
            status => Some(Presence {
                user_id,
                status,
                status_text: String::new(),
            }),
        };
        if let Some(directory) = &self.directory {
            let held = directory.held(users.into_iter().collect()).await;
            return held
                .into_iter()
                .filter_map(|(u, status)| presence(u, status))
                .collect();
        }
        let inner = self.lock();
        users
            .into_iter()
            .filter_map(|u| presence(u, inner.public_status(u)))
            .collect()
    }

    /// The status a user picked for themself (clustered: through any node).
    pub async fn chosen_status(&self, user: Id) -> PresenceStatus {
        if let Some(directory) = &self.directory
            && let Some(status) = directory.chosen(user).await
        {
            return status;
        }
        self.lock()
            .chosen
            .get(&user)
            .copied()
            .unwrap_or(PresenceStatus::Online)
    }

    /// After `delay`, announces the user's presence if it changed (a quick reconnect within
    /// the delay announces nothing).
    fn spawn_presence_update(self: &Arc<Self>, user: Id, delay: Duration) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let hub = Arc::clone(self);
        runtime.spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            hub.announce_presence(user).await;
        });
    }

    /// Announces the user's presence if what others should see changed. Clustered, a user
    /// this node no longer holds stays online while another live node does.
    pub(crate) async fn announce_presence(&self, user: Id) {
        let _in_order = self.announcing.lock().await;
        let elsewhere = match &self.directory {
            Some(directory) => {
                let here = self.lock().here(user);
                let elsewhere = directory.hold(user, here).await;
                // The status may have been picked through a node whose announcements this
                // one does not hear.
                if let Some(status) = directory.chosen(user).await {
                    self.lock().chosen.insert(user, status);
                }
                elsewhere
            }
            None => false,
        };
        let status = {
            let mut inner = self.lock();
            let status = if elsewhere {
                inner.shown_status(user)
            } else {
                inner.visible_status(user)
            };
            if status == PresenceStatus::Offline {
                inner.left.remove(&user);
            }
            let last = inner
                .announced
                .get(&user)
                .copied()
                .unwrap_or(PresenceStatus::Offline);
            if status == last {
                return;
            }
            if status == PresenceStatus::Offline {
                inner.announced.remove(&user);
            } else {
                inner.announced.insert(user, status);
            }
            status
        };
        let audience = Audience {
            servers: self.perms.servers_of(user).await,
            users: self.presence_watchers(user).await,
            ..Audience::default()
        };
        let presence = Presence {
            user_id: user,
            status,
            status_text: String::new(),
        };
        self.announce(audience, Event::PresenceUpdated(presence))
            .await;
    }

    /// Users outside shared servers who follow a user's presence (friends), if a source
    /// was registered.
    async fn presence_watchers(&self, user: Id) -> Vec<Id> {
        let watchers = self
            .watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        match watchers {
            Some(w) => w(user).await,
            None => Vec::new(),
        }
    }

    /// Records a presence another node announced (clustered): what this node tells new
    /// streams, and the status the user picked (the announcement shows it unless invisible).
    pub fn note_presence(&self, user: Id, status: PresenceStatus) {
        let mut inner = self.lock();
        if status == PresenceStatus::Offline {
            inner.announced.remove(&user);
        } else {
            inner.announced.insert(user, status);
            inner.chosen.insert(user, status);
        }
    }

    /// Users announced online whom this node does not hold (clustered: another node does,
    /// or did until it died).
    pub fn held_elsewhere(&self) -> Vec<Id> {
        let inner = self.lock();
        inner
            .announced
            .keys()
            .copied()
            .filter(|u| !inner.here(*u))
            .collect()
    }

    /// Registers who besides co-members sees a user's presence (e.g. friends).
    pub fn set_presence_watchers(&self, source: PresenceWatchers) {
        *self.watchers.lock().unwrap_or_else(|p| p.into_inner()) = Some(source);
    }
}

/// Queues `bytes` to each subscriber; one whose queue is full is cut off and told to resync
/// once it drains (it never blocks the publisher or other subscribers).
fn deliver(subs: &mut Vec<SubHandle>, bytes: &Bytes, seq: Option<u64>) {
    subs.retain(|s| {
        if seq.is_some_and(|seq| seq <= s.skip_until) {
            return true;
        }
        queue(s, bytes)
    });
}

/// Queues to one subscriber; false if it is gone or cut off.
fn queue(s: &SubHandle, bytes: &Bytes) -> bool {
    match s.tx.try_send(bytes.clone()) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            s.lagged.store(true, Ordering::Relaxed);
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    }
}

/// One client's event stream: prelude (snapshot or replay), then live events, heartbeats
/// when idle, and a final resync notice if it fell behind. Dropping it unregisters it.
pub struct Subscription {
    hub: Arc<Hub>,
    user: Id,
    id: u64,
    rx: mpsc::Receiver<Bytes>,
    lagged: Arc<AtomicBool>,
    prelude: VecDeque<Bytes>,
    heartbeat: tokio::time::Interval,
    finished: bool,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("user", &self.user)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Subscription {
    /// Puts messages before everything else (the snapshot, or a resync notice).
    pub fn push_front(&mut self, bytes: Bytes) {
        self.prelude.push_front(bytes);
    }

    /// Forgets the prelude (a replay that turned out incomplete) so the caller can send a
    /// snapshot instead.
    pub fn clear_prelude(&mut self) {
        self.prelude.clear();
    }

    /// The subscribed user.
    pub fn user(&self) -> Id {
        self.user
    }
}

impl Stream for Subscription {
    type Item = Bytes;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        if self.finished {
            return Poll::Ready(None);
        }
        if let Some(b) = self.prelude.pop_front() {
            return Poll::Ready(Some(b));
        }
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(b)) => {
                self.heartbeat.reset();
                return Poll::Ready(Some(b));
            }
            Poll::Ready(None) => {
                self.finished = true;
                if self.lagged.load(Ordering::Relaxed) {
                    let notice = self.hub.encoder.encode_control(&Control::ResyncRequired(
                        "the connection fell behind; reconnect and resume".to_owned(),
                    ));
                    return Poll::Ready(Some(notice));
                }
                return Poll::Ready(None);
            }
            Poll::Pending => {}
        }
        if self.heartbeat.poll_tick(cx).is_ready() {
            let beat = self
                .hub
                .encoder
                .encode_control(&Control::Heartbeat(now_ms()));
            return Poll::Ready(Some(beat));
        }
        Poll::Pending
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.unregister(self.user, self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{model::Ready, store};

    /// Encodes nothing: these tests look at the hub's state, not at the bytes.
    struct Silent;

    impl EventEncoder for Silent {
        fn encode(&self, _: &str, _: &Event) -> Bytes {
            Bytes::new()
        }
        fn with_cursor(&self, _: &str, _: &Bytes) -> Bytes {
            Bytes::new()
        }
        fn encode_control(&self, _: &Control) -> Bytes {
            Bytes::new()
        }
        fn encode_ready(&self, _: &Ready) -> Bytes {
            Bytes::new()
        }
    }

    async fn hub(dir: &tempfile::TempDir, grace: Duration) -> Arc<Hub> {
        let url = format!("sqlite://{}", dir.path().join("hub.db").display());
        let store = store::connect(&url).await.expect("store");
        Arc::new(Hub::new(
            Arc::new(Silent),
            Arc::new(PermCache::new(store)),
            HubConfig {
                presence_grace: grace,
                ..HubConfig::default()
            },
        ))
    }

    /// A stream that opens and closes before its "online" announcement has run (a page
    /// reload on a busy server) still counts as online during the grace period. The test
    /// runtime is single-threaded, so the spawned announcement cannot run before the checks.
    #[tokio::test]
    async fn a_closed_stream_counts_as_online_during_the_grace_period() {
        let dir = tempfile::tempdir().expect("temp dir");
        let hub = hub(&dir, Duration::from_secs(60)).await;
        let user = Id(7);
        let (sub, _) = hub
            .subscribe(user, Id(1), &[], None)
            .await
            .expect("open hub");
        drop(sub);
        let online = hub.presences([user]).await;
        assert_eq!(online.len(), 1, "{online:?}");
        assert_eq!(online[0].status, PresenceStatus::Online);
    }

    /// Bytes that name what they are: the cursor of an event, or "control".
    struct Cursors;

    impl EventEncoder for Cursors {
        fn encode(&self, cursor: &str, _: &Event) -> Bytes {
            Bytes::from(cursor.to_owned())
        }
        fn with_cursor(&self, cursor: &str, _: &Bytes) -> Bytes {
            Bytes::from(cursor.to_owned())
        }
        fn encode_control(&self, _: &Control) -> Bytes {
            Bytes::from_static(b"control")
        }
        fn encode_ready(&self, _: &Ready) -> Bytes {
            Bytes::from_static(b"ready")
        }
    }

    /// A cluster stream holding events 1..=`last` for one user; the node's feed carries the
    /// user's audiences from `covered` on.
    struct FakeStream {
        user: Id,
        last: u64,
        covered: u64,
    }

    #[async_trait::async_trait]
    impl ReplaySource for FakeStream {
        async fn replay(
            &self,
            after: u64,
            upto: u64,
            _: &[AudienceKey],
        ) -> Result<Vec<Stored>, String> {
            Ok((after + 1..=upto.min(self.last))
                .map(|seq| Stored {
                    seq,
                    audience: Audience::users(vec![self.user]),
                    bytes: Bytes::new(),
                })
                .collect())
        }
        async fn last_seq(&self) -> Result<u64, String> {
            Ok(self.last)
        }
        async fn cover(&self, _: &[AudienceKey]) -> Result<u64, String> {
            Ok(self.covered)
        }
    }

    struct Alone;

    #[async_trait::async_trait]
    impl PresenceDirectory for Alone {
        async fn hold(&self, _: Id, _: bool) -> bool {
            false
        }
        async fn choose(&self, _: Id, _: PresenceStatus) {}
        async fn chosen(&self, _: Id) -> Option<PresenceStatus> {
            None
        }
        async fn held(&self, _: Vec<Id>) -> Vec<(Id, PresenceStatus)> {
            Vec::new()
        }
    }

    /// A hub of one node among several that started consuming after `start`; the stream
    /// holds `last` events for `user`.
    async fn clustered(dir: &tempfile::TempDir, user: Id, start: u64, last: u64) -> Arc<Hub> {
        clustered_from(dir, user, start, last, 0).await
    }

    /// [`clustered`], the feed carrying the user's audiences only from `covered` on.
    async fn clustered_from(
        dir: &tempfile::TempDir,
        user: Id,
        start: u64,
        last: u64,
        covered: u64,
    ) -> Arc<Hub> {
        let url = format!("sqlite://{}", dir.path().join("hub.db").display());
        let store = store::connect(&url).await.expect("store");
        Arc::new(Hub::clustered(
            Arc::new(Cursors),
            Arc::new(PermCache::new(store)),
            HubConfig::default(),
            Clustered {
                epoch: 7,
                start,
                source: Arc::new(FakeStream {
                    user,
                    last,
                    covered,
                }),
                presence: Arc::new(Alone),
            },
        ))
    }

    async fn next_text(sub: &mut Subscription) -> String {
        use futures::StreamExt;
        let bytes = sub.next().await.expect("stream open");
        String::from_utf8(bytes.to_vec()).expect("text")
    }

    /// A cursor older than the node's log is replayed from the stream up to the log, then
    /// from the log, then live: every event once, in order.
    #[tokio::test]
    async fn a_clustered_resume_joins_stream_and_log_without_gap_or_duplicate() {
        let dir = tempfile::tempdir().expect("temp dir");
        let user = Id(7);
        let hub = clustered(&dir, user, 10, 12).await;
        for seq in [11, 12] {
            hub.deliver(seq, Audience::users(vec![user]), &Bytes::new())
                .await;
        }
        let (mut sub, start) = hub
            .subscribe(user, Id(1), &[], Some("7.4"))
            .await
            .expect("open hub");
        assert_eq!(start, SubscriptionStart::Resumed);
        let mut got = Vec::new();
        for _ in 0..9 {
            got.push(next_text(&mut sub).await);
        }
        let want: Vec<String> = (5..=12)
            .map(|s| format!("7.{s}"))
            .chain(["control".to_owned()])
            .collect();
        assert_eq!(got, want);
        hub.deliver(13, Audience::users(vec![user]), &Bytes::new())
            .await;
        assert_eq!(next_text(&mut sub).await, "7.13");
    }

    /// A cursor another node handed out that this node has not reached yet: nothing to
    /// replay, and the events up to it are skipped when they arrive here.
    #[tokio::test]
    async fn a_cursor_ahead_of_this_node_skips_what_the_client_had() {
        let dir = tempfile::tempdir().expect("temp dir");
        let user = Id(7);
        let hub = clustered(&dir, user, 10, 20).await;
        let (mut sub, start) = hub
            .subscribe(user, Id(1), &[], Some("7.15"))
            .await
            .expect("open hub");
        assert_eq!(start, SubscriptionStart::Resumed);
        assert_eq!(next_text(&mut sub).await, "control");
        for seq in 11..=17 {
            hub.deliver(seq, Audience::users(vec![user]), &Bytes::new())
                .await;
        }
        assert_eq!(next_text(&mut sub).await, "7.16");
        assert_eq!(next_text(&mut sub).await, "7.17");
        let (_, start) = hub
            .subscribe(user, Id(1), &[], Some("7.21"))
            .await
            .expect("open hub");
        assert!(
            matches!(start, SubscriptionStart::Fresh { resync: Some(_) }),
            "beyond the stream's end: {start:?}"
        );
        let (_, start) = hub
            .subscribe(user, Id(1), &[], Some("8.3"))
            .await
            .expect("open hub");
        assert!(matches!(
            start,
            SubscriptionStart::Fresh { resync: Some(_) }
        ));
    }

    /// The feed took the user's audience on only after this hub's position (at 15, the hub
    /// at 12): a resume from 12 reads (12, 15] back from the stream and skips those when they
    /// arrive live; what follows arrives live, once.
    #[tokio::test]
    async fn an_audience_taken_on_late_is_read_back_then_skipped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let user = Id(7);
        let hub = clustered_from(&dir, user, 10, 20, 15).await;
        for seq in [11, 12] {
            hub.deliver(seq, Audience::users(vec![user]), &Bytes::new())
                .await;
        }
        let (mut sub, start) = hub
            .subscribe(user, Id(1), &[], Some("7.12"))
            .await
            .expect("open hub");
        assert_eq!(start, SubscriptionStart::Resumed);
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(next_text(&mut sub).await);
        }
        assert_eq!(got, ["7.13", "7.14", "7.15", "control"]);
        for seq in 13..=17 {
            hub.deliver(seq, Audience::users(vec![user]), &Bytes::new())
                .await;
        }
        assert_eq!(next_text(&mut sub).await, "7.16");
        assert_eq!(next_text(&mut sub).await, "7.17");
    }

    /// Without a grace period, a closed stream's user is offline at once.
    #[tokio::test]
    async fn without_grace_a_closed_stream_is_offline() {
        let dir = tempfile::tempdir().expect("temp dir");
        let hub = hub(&dir, Duration::ZERO).await;
        let user = Id(7);
        let (sub, _) = hub
            .subscribe(user, Id(1), &[], None)
            .await
            .expect("open hub");
        drop(sub);
        assert!(hub.presences([user]).await.is_empty());
    }

    /// Shutdown ends the open streams and refuses new ones: a client reconnecting while the
    /// server drains its connections must not hold the drain open.
    #[tokio::test]
    async fn after_close_all_streams_end_and_new_ones_are_refused() {
        use futures::StreamExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let hub = hub(&dir, Duration::ZERO).await;
        let (mut open, _) = hub
            .subscribe(Id(7), Id(1), &[], None)
            .await
            .expect("open hub");
        hub.close_all();
        assert!(open.next().await.is_none(), "the open stream ends");
        assert!(
            hub.subscribe(Id(8), Id(2), &[], None).await.is_none(),
            "a stream opened after shutdown began is refused"
        );
        assert!(!hub.is_connected(Id(8)));
    }
}
