//! Message persistence: messages, mentions, reactions, pins, attachments, read state.

use async_trait::async_trait;

use crate::{error::Result, id::Id, model::ReadState};

/// Message persistence.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Read state of `user` in each of `channels` (channels never acked count as unread if
    /// they have messages). Mentions count messages by others after the read position that
    /// mention the user, one of their roles, or everyone.
    async fn read_states(&self, user: Id, channels: &[Id]) -> Result<Vec<ReadState>>;
}
