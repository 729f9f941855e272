//! Bot persistence: which users are bots, who owns them, and the hash of each bot's token.
//! Its own traits, so the bot API grows without touching the other areas' stores.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

use super::UserRecord;

/// A bot row joined with its user account.
#[derive(Debug, Clone)]
pub struct BotRecord {
    /// The bot's user account (`is_bot` set).
    pub user: UserRecord,
    /// The owning user.
    pub owner_id: i64,
    /// Unix ms when the bot was created.
    pub created_at: i64,
}

/// Who a bot token speaks for (see [`BotStore::bot_by_token_hash`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BotToken {
    /// The bot's user id.
    pub bot_id: Id,
    /// The id of the current token; a reset or delete ends the streams opened with it.
    pub token_id: Id,
}

/// Input of [`BotWrites::create_bot`].
#[derive(Debug, Clone)]
pub struct NewBot {
    /// Pre-generated snowflake id (the bot's user id).
    pub id: Id,
    /// Validated username.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Avatar URL.
    pub avatar_url: String,
    /// The owning user.
    pub owner_id: Id,
    /// SHA-256 of the token.
    pub token_hash: Vec<u8>,
    /// Id of the token.
    pub token_id: Id,
    /// Unix ms.
    pub created_at: i64,
}

/// Bot reads.
#[async_trait]
pub trait BotStore: Send + Sync {
    /// The live (not disabled) bot whose token hashes to `hash`.
    async fn bot_by_token_hash(&self, hash: &[u8]) -> Result<Option<BotToken>>;
    /// One bot with its account.
    async fn bot(&self, id: Id) -> Result<Option<BotRecord>>;
    /// The bots `owner` owns, oldest first.
    async fn bots_of(&self, owner: Id) -> Result<Vec<BotRecord>>;
    /// How many bots `owner` owns.
    async fn bot_count(&self, owner: Id) -> Result<i64>;
}

/// Bot writes, made inside one [`super::WriteTx`].
#[async_trait]
pub trait BotWrites: Send {
    /// Inserts the bot's user account (`is_bot`, no usable password) and its bot row.
    /// A taken username is a conflict on `users_username_key`.
    async fn create_bot(&mut self, bot: &NewBot) -> Result<BotRecord>;
    /// Replaces the bot's token; returns the previous token's id, None if no such bot.
    async fn set_bot_token(&mut self, bot: Id, hash: &[u8], token_id: Id) -> Result<Option<Id>>;
    /// Removes the bot row (its token stops working) and retires its account: disabled, and
    /// renamed to `deleted-bot-<id>` so the name is free again. The account row stays, so the
    /// bot's messages keep their author. Returns the token id it had, None if no such bot.
    async fn delete_bot(&mut self, bot: Id) -> Result<Option<Id>>;
}
