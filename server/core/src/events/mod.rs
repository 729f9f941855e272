//! Real-time fan-out. Services publish domain [`Event`]s to an [`Audience`] after their
//! database commit; the [`Hub`] encodes each event once, keeps it in a bounded replay log
//! under a cursor, and hands the same bytes to every subscriber allowed to see it.

mod hub;
pub mod nats;
mod service;

pub use hub::{
    AudienceKey, Clustered, Hub, HubConfig, PresenceDirectory, ReplaySource, Stored, Subscription,
    SubscriptionStart,
};
pub use service::EventService;

use bytes::Bytes;

use crate::id::Id;
pub use crate::model::Event;

/// Who may receive an event. Recipients are the union of: members of `servers` currently
/// connected — restricted, when `channel` is set, to those who can view that channel, and
/// when `permission` is set, to those holding it server-wide — and the explicit `users`.
#[derive(Debug, Clone, Default)]
pub struct Audience {
    /// Servers whose members receive it.
    pub servers: Vec<Id>,
    /// Only members who can view this channel (of `servers[0]`).
    pub channel: Option<Id>,
    /// Only members holding all these permissions.
    pub permission: Option<crate::permissions::Permissions>,
    /// Users who receive it regardless of server membership.
    pub users: Vec<Id>,
    /// Recipients of this audience are left out: they receive the event through another
    /// copy (clustered, an event addressed to several servers or users travels as one copy
    /// per audience subject, see [`nats`]).
    pub(crate) except: Option<Box<Audience>>,
}

impl Audience {
    /// Every member of a server.
    pub fn server(server: Id) -> Self {
        Self {
            servers: vec![server],
            ..Self::default()
        }
    }

    /// Members of `server` who can view `channel`.
    pub fn channel(server: Id, channel: Id) -> Self {
        Self {
            servers: vec![server],
            channel: Some(channel),
            ..Self::default()
        }
    }

    /// Members of `server` holding `permission`.
    pub fn server_with(server: Id, permission: crate::permissions::Permissions) -> Self {
        Self {
            servers: vec![server],
            permission: Some(permission),
            ..Self::default()
        }
    }

    /// Exactly these users.
    pub fn users(users: Vec<Id>) -> Self {
        Self {
            users,
            ..Self::default()
        }
    }

    /// Whether nobody at all is addressed.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.servers.is_empty()
    }

    /// Every server whose permission snapshot judging this audience needs.
    pub(crate) fn servers_involved(&self) -> impl Iterator<Item = Id> + '_ {
        self.servers
            .iter()
            .chain(self.except.iter().flat_map(|e| e.servers.iter()))
            .copied()
    }

    /// Also these users.
    pub fn and_users(mut self, users: impl IntoIterator<Item = Id>) -> Self {
        self.users.extend(users);
        self
    }
}

/// What a committed change makes every node do besides delivering events: forget cached
/// state, end streams. The node that made the change applies it at once; a multi-node bus
/// carries it to the others, in order with the events (an invalidation reaches a node before
/// the events published after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// A server's permission snapshot changed.
    Invalidate(Id),
    /// A server was deleted.
    ForgetServer(Id),
    /// A session was revoked: refuse its access tokens until `until` (Unix ms) and end its
    /// streams.
    EndSession {
        /// The session.
        session: Id,
        /// Until when its access tokens are refused.
        until: i64,
    },
    /// End the streams opened with these credentials (a replaced bot token).
    CloseStreams(Id),
    /// The instance settings changed: read them again from the store.
    ReloadSettings,
}

/// Where services publish events. Subscriptions are local to a node, publication is not: the
/// in-process bus ([`LocalBus`]) hands each event to this node's [`Hub`]; the multi-node bus
/// ([`nats::NatsBus`]) forwards it to every node, each delivering into its own hub.
#[async_trait::async_trait]
pub trait EventBus: std::fmt::Debug + Send + Sync + 'static {
    /// Publishes an event to its audience. Call after the change is committed.
    async fn publish(&self, audience: Audience, event: Event);

    /// Tells the other nodes about a committed change's side effect (already applied on this
    /// node). Call after commit, before the change's events.
    async fn signal(&self, signal: Signal) {
        let _ = signal;
    }
}

/// The single-node bus: publishing is local delivery.
#[derive(Debug)]
pub struct LocalBus(pub std::sync::Arc<Hub>);

#[async_trait::async_trait]
impl EventBus for LocalBus {
    async fn publish(&self, audience: Audience, event: Event) {
        self.0.publish(audience, event).await;
    }
}

/// Turns an event into the bytes sent on the wire (a whole `SubscribeResponse`). Provided by
/// the transport so the core stays protocol-free; called once per event.
pub trait EventEncoder: Send + Sync + 'static {
    /// Encodes `event` under `cursor` (empty for ephemeral events).
    fn encode(&self, cursor: &str, event: &Event) -> Bytes;
    /// Gives an event encoded without a cursor (`encode("", …)`) its cursor: how an event
    /// numbered by the cluster's stream is delivered without being encoded again.
    fn with_cursor(&self, cursor: &str, encoded: &Bytes) -> Bytes;
    /// Encodes a stream-control message.
    fn encode_control(&self, control: &Control) -> Bytes;
    /// Encodes the snapshot that opens a fresh stream.
    fn encode_ready(&self, ready: &crate::model::Ready) -> Bytes;
}

/// Stream-control messages, never logged.
#[derive(Debug, Clone)]
pub enum Control {
    /// Keep-alive with the server time (Unix ms).
    Heartbeat(i64),
    /// The client must re-read state (lagged, or cursor too old or foreign).
    ResyncRequired(String),
    /// Replay finished; this many events were replayed.
    Resumed(u32),
}
