//! Channels (server channels and DMs), their permission overwrites, and DM participants.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

use super::{ChannelRecord, OverwriteRecord, UserRecord};

/// Channel persistence.
#[async_trait]
pub trait ChannelStore: Send + Sync {
    /// One channel.
    async fn channel(&self, id: Id) -> Result<Option<ChannelRecord>>;

    /// All channels of a server.
    async fn channels(&self, server: Id) -> Result<Vec<ChannelRecord>>;

    /// Overwrites of every channel of a server.
    async fn server_overwrites(&self, server: Id) -> Result<Vec<OverwriteRecord>>;

    /// Overwrites of one channel.
    async fn channel_overwrites(&self, channel: Id) -> Result<Vec<OverwriteRecord>>;

    /// Whether `user` participates in the DM or group DM `channel`.
    async fn is_recipient(&self, channel: Id, user: Id) -> Result<bool>;

    /// Participants of a DM or group DM.
    async fn recipients(&self, channel: Id) -> Result<Vec<UserRecord>>;
}

/// Channel writes, made inside one [`super::WriteTx`] (a unit of work's transaction).
#[async_trait]
pub trait ChannelWrites: Send {
    /// Inserts a channel with its overwrites.
    async fn create_channel(
        &mut self,
        channel: &ChannelRecord,
        overwrites: &[OverwriteRecord],
    ) -> Result<()>;

    /// Saves a channel's editable fields.
    async fn update_channel(&mut self, channel: &ChannelRecord) -> Result<()>;

    /// Deletes a channel (messages and overwrites cascade; children lose their parent).
    async fn delete_channel(&mut self, id: Id) -> Result<()>;

    /// Sets (position, parent) of several channels in one transaction.
    async fn set_channel_positions(&mut self, positions: &[(i64, i64, Option<i64>)]) -> Result<()>;

    /// Inserts or replaces one overwrite.
    async fn upsert_overwrite(&mut self, overwrite: &OverwriteRecord) -> Result<()>;

    /// Deletes one overwrite; false if there was none.
    async fn delete_overwrite(&mut self, channel: Id, target: Id) -> Result<bool>;

    /// Replaces all overwrites of a channel (sync with category).
    async fn replace_overwrites(
        &mut self,
        channel: Id,
        overwrites: &[OverwriteRecord],
    ) -> Result<()>;
}
