//! Message persistence: messages, mentions, reactions, pins, attachments, read state.

use async_trait::async_trait;

use super::UserRecord;
use crate::{
    error::Result,
    id::Id,
    model::{MentionKind, MessageKind, ReadState},
};

/// A message row, with the author's current server nickname (empty if none or in DMs).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRecord {
    /// Snowflake id.
    pub id: i64,
    /// Channel.
    pub channel_id: i64,
    /// Server; None in DMs.
    pub server_id: Option<i64>,
    /// Author.
    pub author_id: i64,
    /// What the message is.
    pub kind: MessageKind,
    /// Text.
    pub content: String,
    /// Client nonce (idempotent retries).
    pub nonce: Option<String>,
    /// Replied-to message.
    pub reply_to_id: Option<i64>,
    /// Whether @everyone/@here was used with permission.
    pub mention_everyone: bool,
    /// Unix ms of pinning; None if not pinned.
    pub pinned_at: Option<i64>,
    /// Unix ms of the last edit.
    pub edited_at: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The author's nickname in the message's server (read at query time; not a column of
    /// `messages`, ignored on insert).
    pub author_nickname: String,
}

/// One stored mention of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct MentionRecord {
    /// The message.
    pub message_id: i64,
    /// [`MentionKind::User`] or [`MentionKind::Role`].
    pub kind: MentionKind,
    /// User or role id.
    pub target_id: i64,
}

/// Reactions with one emoji on one message, as one viewer sees them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReactionCountRecord {
    /// The message.
    pub message_id: i64,
    /// The emoji.
    pub emoji: String,
    /// How many users reacted.
    pub count: i64,
    /// 1 if the viewer is one of them, else 0.
    pub me: i64,
    /// Unix ms of the first reaction with this emoji (orders emojis).
    pub first_at: i64,
}

/// An attachment row. Uploaded first with `message_id` None, bound when its message is sent.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentRecord {
    /// Snowflake id.
    pub id: i64,
    /// Channel it was uploaded to.
    pub channel_id: i64,
    /// Message it belongs to; None until sent.
    pub message_id: Option<i64>,
    /// Uploader.
    pub uploader_id: i64,
    /// Sanitised file name.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Lower-case hex SHA-256 of the content (names the file on disk).
    pub sha256: String,
    /// Image width, 0 if unknown.
    pub width: i64,
    /// Image height, 0 if unknown.
    pub height: i64,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Everything a page of messages needs besides the rows themselves.
#[derive(Debug, Clone, Default)]
pub struct MessageExtras {
    /// Stored mentions of the messages.
    pub mentions: Vec<MentionRecord>,
    /// Reaction totals, per message in order of first use.
    pub reactions: Vec<ReactionCountRecord>,
    /// Attachments, per message by id.
    pub attachments: Vec<AttachmentRecord>,
    /// The replied-to messages that still exist.
    pub replies: Vec<MessageRecord>,
}

/// Input of [`MessageStore::insert_messages`].
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// The row (`author_nickname` ignored).
    pub message: MessageRecord,
    /// (kind, target id) of each mention, without duplicates.
    pub mentions: Vec<(MentionKind, i64)>,
    /// Uploads to bind to the message.
    pub attachment_ids: Vec<i64>,
}

/// Outcome of [`MessageStore::insert_messages`], per message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    /// The message was stored, its attachments bound and the channel's last message moved.
    Created(MessageRecord),
    /// The same author already sent this nonce in this channel: that message, unchanged.
    Duplicate(MessageRecord),
    /// This attachment is not an unbound upload of the author in this channel; nothing was
    /// stored.
    AttachmentUnavailable(i64),
}

/// Outcome of [`MessageStore::pin_message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    /// Pinned now.
    Pinned,
    /// It was pinned already; nothing changed.
    AlreadyPinned,
    /// The channel already holds the maximum number of pins; nothing changed.
    LimitReached,
    /// No such message in the channel.
    NotFound,
}

/// Message persistence.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Read state of `user` in each of `channels` (channels never acked count as unread if
    /// they have messages). Mentions count messages by others after the read position that
    /// mention the user, one of their roles, or everyone.
    async fn read_states(&self, user: Id, channels: &[Id]) -> Result<Vec<ReadState>>;

    /// In ONE transaction, for each message of `batch`: inserts it unless its author already
    /// used its nonce in the channel, stores its mentions and binds its attachments (a channel's
    /// newest message is derived on read, so no channel row is written). Returns the outcome of each, in order, once committed. A
    /// message whose attachments cannot be bound leaves nothing behind and does not stop the
    /// others; any other failure fails the whole batch (nothing is committed).
    async fn insert_messages(&self, batch: &[NewMessage]) -> Result<Vec<InsertOutcome>>;
    /// One message of a channel.
    async fn message(&self, channel: Id, id: Id) -> Result<Option<MessageRecord>>;
    /// Messages of a channel older than `before` (or the newest), newest first.
    async fn messages_before(
        &self,
        channel: Id,
        before: Option<Id>,
        limit: u32,
    ) -> Result<Vec<MessageRecord>>;
    /// Messages of a channel with id >= `first`, oldest first.
    async fn messages_from(&self, channel: Id, first: Id, limit: u32)
    -> Result<Vec<MessageRecord>>;
    /// Pinned messages of a channel, most recently pinned first.
    async fn pinned_messages(&self, channel: Id) -> Result<Vec<MessageRecord>>;
    /// Mentions, reactions (with `viewer`'s own flagged), attachments and replied-to messages
    /// of `messages` (all of one channel).
    async fn message_extras(&self, viewer: Id, messages: &[MessageRecord])
    -> Result<MessageExtras>;
    /// Users by id (unknown ids are skipped).
    async fn users_by_ids(&self, ids: &[i64]) -> Result<Vec<UserRecord>>;

    /// Users who reacted with `emoji`, ordered by user id, after `after`.
    async fn reaction_users(
        &self,
        message: Id,
        emoji: &str,
        after: Option<Id>,
        limit: u32,
    ) -> Result<Vec<UserRecord>>;

    /// Stores an uploaded attachment's metadata.
    async fn insert_attachment(&self, attachment: &AttachmentRecord) -> Result<()>;
    /// One attachment.
    async fn attachment(&self, id: Id) -> Result<Option<AttachmentRecord>>;
    /// Which of `sha256s` are still referenced by some attachment row.
    async fn attachment_hashes_in_use(&self, sha256s: &[String]) -> Result<Vec<String>>;
}

/// Message writes (except the send path's insert), made inside one [`super::WriteTx`].
#[async_trait]
pub trait MessageWrites: Send {
    /// Moves `user`'s read position in `channel` to `message` unless it is already further.
    async fn ack(&mut self, user: Id, channel: Id, message: Id) -> Result<()>;
    /// In one transaction: replaces content, mentions and `mention_everyone`, sets
    /// `edited_at`. None if the message no longer exists.
    async fn edit_message(
        &mut self,
        id: Id,
        content: &str,
        mention_everyone: bool,
        mentions: &[(MentionKind, i64)],
        edited_at: i64,
    ) -> Result<Option<MessageRecord>>;
    /// Deletes a message (mentions, reactions and attachment rows cascade) and returns the
    /// SHA-256 of each attachment it had; None if it did not exist.
    async fn delete_message(&mut self, channel: Id, id: Id) -> Result<Option<Vec<String>>>;
    /// Adds a reaction; false if it was already there.
    async fn add_reaction(&mut self, message: Id, emoji: &str, user: Id, now: i64) -> Result<bool>;
    /// Removes a reaction; false if there was none.
    async fn remove_reaction(&mut self, message: Id, emoji: &str, user: Id) -> Result<bool>;
    /// In one transaction: pins a message unless the channel already has `max_pins` pinned
    /// messages, and sets the channel's `last_pin_at`.
    async fn pin_message(
        &mut self,
        channel: Id,
        id: Id,
        now: i64,
        max_pins: u32,
    ) -> Result<PinOutcome>;
    /// Unpins a message; false if it was not pinned (or does not exist).
    async fn unpin_message(&mut self, channel: Id, id: Id) -> Result<bool>;
}
