//! Social persistence: relationships (friends, requests, blocks), 1:1 DM and group DM
//! channels, user search and profile fields.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

use super::{ChannelRecord, UserRecord};
pub use crate::model::RelationshipKind;

/// A relationship row: `user_id`'s view of `other_id`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RelationshipRecord {
    /// Whose view.
    pub user_id: i64,
    /// The other user.
    pub other_id: i64,
    /// This user's relationship with the other.
    pub kind: RelationshipKind,
    /// Unix ms when the row reached its current kind.
    pub created_at: i64,
}

/// Both directions of one pair of users, from the point of view of `me`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationshipPair {
    /// My row (my view of them).
    pub mine: Option<RelationshipRecord>,
    /// Their row (their view of me).
    pub theirs: Option<RelationshipRecord>,
}

/// The kinds of a pair, (mine, theirs): what a transition rule reads and returns.
pub type PairKinds = (Option<RelationshipKind>, Option<RelationshipKind>);

/// A transition rule: given the current kinds, the new kinds, or an error that aborts the
/// transaction without changing anything.
pub type PairRule<'a> = &'a (dyn Fn(PairKinds) -> Result<PairKinds> + Send + Sync);

/// Profile fields written by [`RelationshipStore::update_profile`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFields {
    /// Display name.
    pub display_name: String,
    /// Avatar URL.
    pub avatar_url: String,
    /// About me.
    pub bio: String,
    /// Custom status.
    pub status_text: String,
}

/// Outcome of [`RelationshipStore::create_dm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmOpened {
    /// The pair's DM channel (new or existing).
    pub channel: ChannelRecord,
    /// Whether this call created it.
    pub created: bool,
}

/// Outcome of [`RelationshipStore::add_recipient`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddRecipient {
    /// Added.
    Added,
    /// Already a participant; nothing changed.
    AlreadyRecipient,
    /// The channel already has `max` participants.
    Full,
    /// The channel does not exist (any more).
    NoChannel,
}

/// Outcome of [`RelationshipStore::remove_recipient`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoveRecipient {
    /// The user was not a participant.
    NotRecipient,
    /// Removed; the channel lives on.
    Removed {
        /// The channel after the change (owner possibly transferred).
        channel: Box<ChannelRecord>,
    },
    /// Removed the last participant, which deleted the channel.
    Deleted,
}

/// Social persistence.
#[async_trait]
pub trait RelationshipStore: Send + Sync {
    /// Both rows of the pair (`me`, `other`).
    async fn relationship_pair(&self, me: Id, other: Id) -> Result<RelationshipPair>;
    /// All of `user`'s own rows, oldest first.
    async fn relationships_of(&self, user: Id) -> Result<Vec<RelationshipRecord>>;
    /// Whether either user blocked the other.
    async fn blocked_either_way(&self, a: Id, b: Id) -> Result<bool>;
    /// Whether, in the 1:1 DM `channel`, `user` and the other participant are blocked
    /// either way.
    async fn dm_blocked(&self, channel: Id, user: Id) -> Result<bool>;
    /// Whether the two users are members of at least one common server.
    async fn share_server(&self, a: Id, b: Id) -> Result<bool>;

    /// Users whose username or display name starts with `prefix_lower` (already lower-case),
    /// ordered by lower-case username, after `after_lower` if given; never users who blocked
    /// `searcher`, nor disabled accounts.
    async fn search_users(
        &self,
        searcher: Id,
        prefix_lower: &str,
        after_lower: Option<&str>,
        limit: u32,
    ) -> Result<Vec<UserRecord>>;
    /// Whether members of a shared server may open a DM with `user`.
    async fn allow_server_dms(&self, user: Id) -> Result<bool>;

    /// The 1:1 DM channel of a pair, if any.
    async fn dm_channel(&self, a: Id, b: Id) -> Result<Option<ChannelRecord>>;
    /// The DM and group DM channels of a user, most recently active first.
    async fn private_channels(&self, user: Id) -> Result<Vec<ChannelRecord>>;
    /// (channel id, user id) of every participant of these channels.
    async fn recipient_pairs(&self, channels: &[i64]) -> Result<Vec<(i64, i64)>>;
}

/// Social writes, made inside one [`super::WriteTx`].
#[async_trait]
pub trait RelationshipWrites: Send {
    /// Atomically reads the pair (`me`, `other`), applies `rule` and writes the rows that
    /// changed (rows whose kind changes get `now` as `created_at`; `None` deletes). Returns the
    /// pair before and after. Concurrent transitions of the same pair are serialised.
    async fn transition_relationship(
        &mut self,
        me: Id,
        other: Id,
        now: i64,
        rule: PairRule<'_>,
    ) -> Result<(RelationshipPair, RelationshipPair)>;
    /// Saves the profile fields of a user.
    async fn update_profile(&mut self, user: Id, fields: &ProfileFields) -> Result<()>;
    /// Sets that privacy setting.
    async fn set_allow_server_dms(&mut self, user: Id, allow: bool) -> Result<()>;
    /// Creates the pair's DM (`channel`, with both as recipients) unless one exists, in which
    /// case that one is returned.
    async fn create_dm(&mut self, channel: &ChannelRecord, a: Id, b: Id) -> Result<DmOpened>;
    /// Inserts a group DM with its participants.
    async fn create_group_dm(&mut self, channel: &ChannelRecord, members: &[Id]) -> Result<()>;
    /// Adds a participant unless the channel has `max` already.
    async fn add_recipient(&mut self, channel: Id, user: Id, max: u32) -> Result<AddRecipient>;
    /// Removes a participant; deletes the channel when nobody is left, and, when the owner
    /// leaves, hands ownership to the remaining participant with the lowest id.
    async fn remove_recipient(&mut self, channel: Id, user: Id) -> Result<RemoveRecipient>;
    /// Saves a group DM's name and icon; returns the channel, None if it is gone.
    async fn update_group_dm(
        &mut self,
        channel: Id,
        name: &str,
        icon_url: &str,
    ) -> Result<Option<ChannelRecord>>;
}
