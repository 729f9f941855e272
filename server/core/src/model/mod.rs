//! Domain types shared by services, events and transports. A leaf: it imports nothing of
//! this crate but `id` and `error` (the `module_graph` test checks that no module cycle
//! exists at all).

mod event;
mod kinds;
pub mod rows;

use serde::{Deserialize, Serialize};

use crate::id::Id;

pub use self::event::Event;
pub use self::kinds::{
    AdminAction, AuditAction, ChannelKind, MentionKind, MessageKind, OverwriteKind,
    RelationshipKind,
};
pub use self::rows::{
    BanRecord, ChannelRecord, MemberRecord, OverwriteRecord, RoleRecord, ServerInviteRecord,
    ServerRecord,
};

/// A server (guild).
pub type Server = ServerRecord;
/// A role.
pub type Role = RoleRecord;
/// A server invite.
pub type Invite = ServerInviteRecord;

/// A channel with its overwrites (server channels) or recipients (DMs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// The row.
    pub record: ChannelRecord,
    /// Permission overwrites (server channels).
    pub overwrites: Vec<OverwriteRecord>,
    /// Participants (DMs and group DMs).
    pub recipients: Vec<User>,
}

/// A member with their user and roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The membership row.
    pub member: MemberRecord,
    /// The user (public view).
    pub user: User,
    /// Role ids, without @everyone.
    pub role_ids: Vec<i64>,
}

/// A ban with the banned user.
#[derive(Debug, Clone)]
pub struct Ban {
    /// The row.
    pub record: BanRecord,
    /// The banned user.
    pub user: User,
}

/// Everything a client needs to draw one server.
#[derive(Debug, Clone)]
pub struct ServerSnapshot {
    /// The server.
    pub server: Server,
    /// Channels the user can see.
    pub channels: Vec<Channel>,
    /// All roles.
    pub roles: Vec<Role>,
    /// The user's own membership.
    pub member: Option<Member>,
    /// Connected members' presences (only when the user has just joined).
    pub presences: Vec<Presence>,
    /// Who is in the voice channels the user can see.
    pub voice_states: Vec<VoiceState>,
}

/// A user's connection to a voice channel (held in memory, never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceState {
    /// The user.
    pub user_id: Id,
    /// The voice channel.
    pub channel_id: Id,
    /// Its server.
    pub server_id: Option<Id>,
    /// Muted by themself.
    pub self_mute: bool,
    /// Deafened by themself.
    pub self_deaf: bool,
    /// Muted by a moderator (the member's stored flag).
    pub server_mute: bool,
    /// Deafened by a moderator (the member's stored flag).
    pub server_deaf: bool,
    /// Streaming video.
    pub self_stream: bool,
    /// Unix ms when they joined.
    pub joined_at: i64,
}

/// A ringing or ongoing DM / group DM call (held in memory, never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// The DM or group DM channel.
    pub channel_id: Id,
    /// Who started it.
    pub initiator_id: Id,
    /// Users still being rung (neither joined nor declined).
    pub ringing: Vec<Id>,
    /// Unix ms when it started.
    pub started_at: i64,
}

/// Kind of a session description (RTCSdpType).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdpKind {
    /// An offer.
    Offer,
    /// An answer.
    Answer,
    /// A provisional answer.
    Pranswer,
    /// Rollback of the last offer.
    Rollback,
}

/// The payload of a WebRTC signal, relayed as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalPayload {
    /// An SDP offer/answer.
    Sdp {
        /// Offer, answer, …
        kind: SdpKind,
        /// The SDP text.
        sdp: String,
    },
    /// A trickled ICE candidate.
    Candidate {
        /// The candidate line; empty ends the candidates.
        candidate: String,
        /// Media stream id.
        sdp_mid: String,
        /// Media line index.
        sdp_mline_index: Option<u32>,
        /// ICE username fragment.
        username_fragment: String,
    },
}

/// A signal on its way to one participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceSignal {
    /// The recipient's voice session.
    pub session_id: Id,
    /// The sender.
    pub from_user_id: Id,
    /// The voice channel.
    pub channel_id: Id,
    /// What is relayed.
    pub payload: SignalPayload,
}

/// A STUN/TURN server for RTCPeerConnection's iceServers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IceServer {
    /// URLs.
    pub urls: Vec<String>,
    /// TURN user name; empty for STUN.
    pub username: String,
    /// TURN credential; empty for STUN.
    pub credential: String,
}

/// Presence states a user can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PresenceStatus {
    /// Not connected (or invisible, as seen by others).
    #[default]
    Offline,
    /// Connected.
    Online,
    /// Away.
    Idle,
    /// Do not disturb.
    DoNotDisturb,
    /// Connected but shown as offline.
    Invisible,
}

/// A user's presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    /// Whose.
    pub user_id: Id,
    /// As others see it (never `Invisible`).
    pub status: PresenceStatus,
    /// Custom status text.
    pub status_text: String,
}

/// One parsed mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Kind.
    pub kind: MentionKind,
    /// User or role id (None for everyone/here).
    pub id: Option<Id>,
    /// The mentioned user, for user mentions.
    pub user: Option<User>,
}

/// Reaction totals for one emoji, from one viewer's point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionCount {
    /// The emoji.
    pub emoji: String,
    /// How many users reacted.
    pub count: u32,
    /// Whether the viewer is one of them.
    pub me: bool,
}

/// The message a reply points at, as shown above the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyPreview {
    /// Id of the referenced message.
    pub message_id: Id,
    /// Its author (None if deleted).
    pub author: Option<User>,
    /// Start of its content.
    pub content: String,
    /// Whether it was deleted.
    pub deleted: bool,
}

/// File metadata attached to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Snowflake id.
    pub id: Id,
    /// Original file name.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// Where authorised clients download it.
    pub url: String,
    /// Image width, 0 if unknown.
    pub width: u32,
    /// Image height, 0 if unknown.
    pub height: u32,
}

/// A message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Snowflake id (orders history).
    pub id: Id,
    /// Channel.
    pub channel_id: Id,
    /// Server, None in DMs.
    pub server_id: Option<Id>,
    /// Author (public view).
    pub author: User,
    /// Author's server nickname at send time of this view; empty if none.
    pub author_nickname: String,
    /// What the message is.
    pub kind: MessageKind,
    /// Text.
    pub content: String,
    /// Client nonce echoed back (idempotent retries).
    pub nonce: Option<String>,
    /// Replied-to message.
    pub reply_to_id: Option<Id>,
    /// Preview of the replied-to message.
    pub reply_to: Option<ReplyPreview>,
    /// Parsed mentions.
    pub mentions: Vec<Mention>,
    /// Whether @everyone/@here was used with permission.
    pub mention_everyone: bool,
    /// Reaction totals (viewer-specific `me`; empty in events).
    pub reactions: Vec<ReactionCount>,
    /// Pinned.
    pub pinned: bool,
    /// Files.
    pub attachments: Vec<Attachment>,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// Unix milliseconds of the last edit.
    pub edited_at_ms: Option<i64>,
}

/// A user's read position in one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadState {
    /// Channel.
    pub channel_id: Id,
    /// Last message the user has read.
    pub last_read_message_id: Option<Id>,
    /// Unread messages mentioning the user.
    pub mention_count: u32,
    /// Whether there are messages after the read position.
    pub unread: bool,
}

/// The first message of a fresh event stream: everything needed to draw the UI.
#[derive(Debug, Clone)]
pub struct Ready {
    /// The user (private view).
    pub user: User,
    /// Servers with the channels the user can see.
    pub servers: Vec<ServerSnapshot>,
    /// DMs and group DMs (recipients: the other participants).
    pub private_channels: Vec<Channel>,
    /// The user's relationships.
    pub relationships: Vec<Relationship>,
    /// Read state of every channel the user can see.
    pub read_states: Vec<ReadState>,
    /// Presences of connected users the user shares a server with.
    pub presences: Vec<Presence>,
    /// The user's own presence.
    pub self_presence: Presence,
    /// Heartbeat period of this stream.
    pub heartbeat_interval_secs: u32,
    /// The session the stream belongs to.
    pub session_id: Id,
    /// Ongoing or ringing calls in the user's DMs and group DMs.
    pub calls: Vec<Call>,
    /// Who is in those calls.
    pub private_voice_states: Vec<VoiceState>,
}

/// A user. Private fields (`email`, `email_verified`, `disabled`) are only filled when the
/// user looks at themself or an admin looks; [`User::public`] clears them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Snowflake id.
    pub id: Id,
    /// Unique (case-insensitively) username.
    pub username: String,
    /// Display name; empty means "show the username".
    pub display_name: String,
    /// Avatar URL.
    pub avatar_url: String,
    /// Instance administrator.
    pub is_admin: bool,
    /// Bot account.
    pub is_bot: bool,
    /// Profile text.
    pub bio: String,
    /// Custom status.
    pub status_text: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// E-mail address (private).
    pub email: Option<String>,
    /// Whether the e-mail was verified (private).
    pub email_verified: bool,
    /// Whether the account is disabled (private).
    pub disabled: bool,
    /// Opted in to notification e-mails (private).
    pub email_notifications: bool,
}

impl User {
    /// The profile as other users see it.
    pub fn public(mut self) -> Self {
        self.email = None;
        self.email_verified = false;
        self.disabled = false;
        self.email_notifications = false;
        self
    }
}

/// The caller's relationship with another user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    /// The other user (public view).
    pub user: User,
    /// Kind, from the caller's point of view.
    pub kind: RelationshipKind,
    /// Unix ms when the relationship reached its current kind.
    pub created_at_ms: i64,
}

/// One changed field in an audit entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditChange {
    /// Field name.
    pub key: String,
    /// Value before.
    pub old_value: String,
    /// Value after.
    pub new_value: String,
}

impl AuditChange {
    /// A change record, if the value actually changed.
    pub fn diff(key: &str, old: impl ToString, new: impl ToString) -> Option<Self> {
        let (old_value, new_value) = (old.to_string(), new.to_string());
        (old_value != new_value).then(|| Self {
            key: key.to_owned(),
            old_value,
            new_value,
        })
    }
}
