//! What clients learn live. The event vocabulary is domain data (the hub in `events` fans it
//! out; transports encode it), so it lives with the other domain types.

use super::{
    Ban, Call, Channel, Invite, Member, Message, Presence, ReadState, Relationship, Role, Server,
    ServerSnapshot, User, VoiceSignal, VoiceState,
};
use crate::id::Id;

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
