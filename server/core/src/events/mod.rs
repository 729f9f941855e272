//! Real-time fan-out. Services publish domain [`Event`]s to an [`Audience`] after their
//! database commit; the [`Hub`] encodes each event once, keeps it in a bounded replay log
//! under a cursor, and hands the same bytes to every subscriber allowed to see it.

mod hub;
mod service;

pub use hub::{Hub, HubConfig, Subscription, SubscriptionStart};
pub use service::EventService;

use bytes::Bytes;

use crate::{
    id::Id,
    model::{
        Ban, Call, Channel, Invite, Member, Message, Presence, ReadState, Relationship, Role,
        Server, ServerSnapshot, User, VoiceSignal, VoiceState,
    },
};

/// Something that happened, as the clients concerned should learn it.
#[derive(Debug, Clone)]
pub enum Event {
    /// A message was sent.
    MessageCreated(Box<Message>),
    /// A message was edited (reactions are not part of it).
    MessageUpdated(Box<Message>),
    /// A message was deleted.
    MessageDeleted {
        /// Channel.
        channel_id: Id,
        /// Message.
        message_id: Id,
        /// Server, None in DMs.
        server_id: Option<Id>,
    },
    /// A reaction was added.
    ReactionAdded {
        /// Channel.
        channel_id: Id,
        /// Message.
        message_id: Id,
        /// Who reacted.
        user_id: Id,
        /// Emoji.
        emoji: String,
        /// Server, None in DMs.
        server_id: Option<Id>,
    },
    /// A reaction was removed.
    ReactionRemoved {
        /// Channel.
        channel_id: Id,
        /// Message.
        message_id: Id,
        /// Whose reaction.
        user_id: Id,
        /// Emoji.
        emoji: String,
        /// Server, None in DMs.
        server_id: Option<Id>,
    },
    /// A message was pinned.
    MessagePinned {
        /// Channel.
        channel_id: Id,
        /// Message.
        message_id: Id,
        /// Moderator.
        by: Id,
        /// Server, None in DMs.
        server_id: Option<Id>,
    },
    /// A message was unpinned.
    MessageUnpinned {
        /// Channel.
        channel_id: Id,
        /// Message.
        message_id: Id,
        /// Moderator.
        by: Id,
        /// Server, None in DMs.
        server_id: Option<Id>,
    },
    /// Someone started typing (ephemeral: never replayed).
    TypingStarted {
        /// Channel.
        channel_id: Id,
        /// Who.
        user_id: Id,
        /// Server, None in DMs.
        server_id: Option<Id>,
        /// Unix ms when the indicator lapses.
        expires_at_ms: i64,
    },
    /// The user's read position moved (sent to the user's other devices).
    ReadStateUpdated(ReadState),
    /// A user's presence changed (ephemeral).
    PresenceUpdated(Presence),
    /// A user's profile changed.
    UserUpdated(User),
    /// The user joined or created a server.
    ServerCreated(Box<ServerSnapshot>),
    /// A server's settings changed.
    ServerUpdated(Server),
    /// A server was deleted, or the user left / was removed.
    ServerDeleted {
        /// Server.
        server_id: Id,
    },
    /// A channel was created.
    ChannelCreated(Box<Channel>),
    /// A channel changed.
    ChannelUpdated(Box<Channel>),
    /// A channel was deleted.
    ChannelDeleted {
        /// Channel.
        channel_id: Id,
        /// Server, None for DMs.
        server_id: Option<Id>,
    },
    /// A role was created.
    RoleCreated(Role),
    /// A role changed.
    RoleUpdated(Role),
    /// A role was deleted.
    RoleDeleted {
        /// Server.
        server_id: Id,
        /// Role.
        role_id: Id,
    },
    /// Someone joined a server.
    MemberAdded(Box<Member>),
    /// A member's nickname, roles or voice moderation changed.
    MemberUpdated(Box<Member>),
    /// Someone left, was kicked or banned.
    MemberRemoved {
        /// Server.
        server_id: Id,
        /// User.
        user_id: Id,
    },
    /// An invite was created.
    InviteCreated(Invite),
    /// An invite was revoked.
    InviteDeleted {
        /// Server.
        server_id: Id,
        /// Code.
        code: String,
    },
    /// A user was banned.
    BanAdded(Box<Ban>),
    /// A ban was lifted.
    BanRemoved {
        /// Server.
        server_id: Id,
        /// User.
        user_id: Id,
    },
    /// A relationship of the recipient was created or changed kind (sent only to the user
    /// whose view it is).
    RelationshipUpdated(Box<Relationship>),
    /// A relationship of the recipient ended (sent only to the user whose view it was).
    RelationshipRemoved {
        /// The other user.
        user_id: Id,
    },
    /// Someone joined a voice channel or changed their voice flags.
    VoiceStateUpdated(Box<VoiceState>),
    /// Someone left a voice channel (or was moved out of it).
    VoiceStateRemoved {
        /// Who.
        user_id: Id,
        /// The channel they left.
        channel_id: Id,
        /// Its server, None for calls.
        server_id: Option<Id>,
    },
    /// A WebRTC signal for one participant (ephemeral: never replayed).
    VoiceSignal(Box<VoiceSignal>),
    /// A call started and rings its `ringing` users.
    CallRinging {
        /// The call.
        call: Box<Call>,
        /// Its DM / group DM channel (all participants as recipients).
        channel: Box<Channel>,
    },
    /// A call changed (who is still rung).
    CallUpdated(Box<Call>),
    /// A call ended.
    CallEnded {
        /// Its channel.
        channel_id: Id,
    },
}

impl Event {
    /// Ephemeral events are delivered live only: no cursor, no replay.
    pub fn is_ephemeral(&self) -> bool {
        matches!(
            self,
            Event::TypingStarted { .. } | Event::PresenceUpdated(_) | Event::VoiceSignal(_)
        )
    }
}

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

    /// Also these users.
    pub fn and_users(mut self, users: impl IntoIterator<Item = Id>) -> Self {
        self.users.extend(users);
        self
    }
}

/// Where services publish events. Subscriptions are local to a node, publication is not: the
/// in-process bus ([`LocalBus`]) hands each event to this node's [`Hub`]; a multi-node bus
/// (NATS) forwards it to every node, each delivering into its own hub.
#[async_trait::async_trait]
pub trait EventBus: std::fmt::Debug + Send + Sync + 'static {
    /// Publishes an event to its audience. Call after the change is committed.
    async fn publish(&self, audience: Audience, event: Event);
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
