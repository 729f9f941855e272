//! Bot accounts: a bot is a user with `is_bot` and an owner. Its token is shown once, stored
//! only as a SHA-256 hash (like refresh tokens), and authenticates every transport with
//! `authorization: Bot <token>` ([`BotService::authenticate`]). Bots cannot sign in with a
//! password, have no friends, and reach servers only when a manager adds them.

use std::sync::Arc;

use tracing::instrument;

use crate::{
    auth::tokens,
    change::Change,
    context::Context,
    error::{Error, Result},
    id::{Id, now_ms},
    model::User,
    permissions::Permissions,
    principal::Principal,
    servers::{self, AuditAction},
    store::{BotRecord, NewBot},
    validate,
};

/// A bot as its owner sees it.
#[derive(Debug, Clone)]
pub struct Bot {
    /// The bot's user account (its id is the bot's id).
    pub user: User,
    /// The owning user.
    pub owner_id: Id,
    /// Unix ms.
    pub created_at: i64,
}

impl From<BotRecord> for Bot {
    fn from(r: BotRecord) -> Self {
        Self {
            user: User::from(r.user),
            owner_id: Id(r.owner_id),
            created_at: r.created_at,
        }
    }
}

/// Input of [`BotService::create`].
#[derive(Debug, Clone, Default)]
pub struct NewBotInput {
    /// Username (the same rules as users').
    pub name: String,
    /// Optional display name.
    pub display_name: String,
    /// Optional avatar URL.
    pub avatar_url: String,
}

/// The bot service.
#[derive(Debug, Clone)]
pub struct BotService {
    ctx: Arc<Context>,
}

impl BotService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Resolves a bot token to its principal. Unknown, reset and deleted tokens, and
    /// disabled bots, are refused.
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        let hash = tokens::hash_refresh_token(token.trim());
        let found = self
            .ctx
            .store
            .bot_by_token_hash(&hash)
            .await?
            .ok_or_else(|| Error::Unauthenticated("invalid bot token".to_owned()))?;
        Ok(Principal {
            user_id: found.bot_id,
            session_id: found.token_id,
            is_bot: true,
        })
    }

    /// Creates a bot owned by the caller; returns it with its token (shown once).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn create(&self, who: &Principal, input: NewBotInput) -> Result<(Bot, String)> {
        require_user(who)?;
        let username = validate::username(&input.name).map_err(|e| field_is(e, "name"))?;
        let display_name = validate::name("display_name", &input.display_name, 0, 32)?;
        let avatar_url = validate::url("avatar_url", &input.avatar_url)?;
        let limit = self.ctx.settings().max_bots_per_user;
        if self.ctx.store.bot_count(who.user_id).await? >= i64::from(limit) {
            return Err(Error::FailedPrecondition(format!(
                "you already own the maximum of {limit} bots"
            )));
        }
        let (token, token_hash) = tokens::new_refresh_token();
        let bot = NewBot {
            id: self.ctx.ids.next(),
            username,
            display_name,
            avatar_url,
            owner_id: who.user_id,
            token_hash,
            token_id: self.ctx.ids.next(),
            created_at: now_ms(),
        };
        let mut change = Change::begin(&self.ctx).await?;
        let record = change.tx().create_bot(&bot).await?;
        change.commit().await?;
        Ok((Bot::from(record), token))
    }

    /// The caller's bots, oldest first.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list(&self, who: &Principal) -> Result<Vec<Bot>> {
        require_user(who)?;
        let bots = self.ctx.store.bots_of(who.user_id).await?;
        Ok(bots.into_iter().map(Bot::from).collect())
    }

    /// Replaces the bot's token: the old one is refused from now on and the event streams
    /// opened with it end. Returns the new token (shown once).
    #[instrument(skip_all, fields(user_id = %who.user_id, bot_id = %bot))]
    pub async fn reset_token(&self, who: &Principal, bot: Id) -> Result<String> {
        self.owned(who, bot).await?;
        let (token, hash) = tokens::new_refresh_token();
        let mut change = Change::begin(&self.ctx).await?;
        let old = change
            .tx()
            .set_bot_token(bot, &hash, self.ctx.ids.next())
            .await?
            .ok_or(Error::NotFound("bot"))?;
        change.close_streams([old]);
        change.commit().await?;
        Ok(token)
    }

    /// Deletes a bot: its token is refused from now on, it leaves every server (members see
    /// it go) and its streams end. Its messages stay.
    #[instrument(skip_all, fields(user_id = %who.user_id, bot_id = %bot))]
    pub async fn delete(&self, who: &Principal, bot: Id) -> Result<()> {
        self.owned(who, bot).await?;
        let servers = self.ctx.store.servers_of_user(bot).await?;
        let mut change = Change::begin(&self.ctx).await?;
        let token = retire(&mut change, bot, &servers_ids(&servers)).await?;
        change.close_streams(token);
        change.commit().await
    }

    /// Deletes every bot `owner` owns (as [`Self::delete`] each). For the deletion of the
    /// owner's account; returns the deleted bots' ids.
    #[instrument(skip_all, fields(owner_id = %owner))]
    pub async fn delete_owned_by(&self, owner: Id) -> Result<Vec<Id>> {
        let owned = self.owned_by(owner).await?;
        let mut change = Change::begin(&self.ctx).await?;
        retire_owned(&mut change, &owned).await?;
        change.commit().await?;
        Ok(owned.into_iter().map(|(bot, _)| bot).collect())
    }

    /// The bots `owner` owns, each with the servers it is in: what [`retire_owned`] needs,
    /// read before the change opens.
    pub(crate) async fn owned_by(&self, owner: Id) -> Result<Vec<(Id, Vec<Id>)>> {
        let bots = self.ctx.store.bots_of(owner).await?;
        let mut owned = Vec::with_capacity(bots.len());
        for bot in &bots {
            let servers = self.ctx.store.servers_of_user(Id(bot.user.id)).await?;
            owned.push((Id(bot.user.id), servers_ids(&servers)));
        }
        Ok(owned)
    }

    /// Adds one of the caller's bots to a server where the caller has MANAGE_SERVER. Members
    /// see it join; the bot gets the server on its stream. Banned bots are refused.
    #[instrument(skip_all, fields(user_id = %who.user_id, bot_id = %bot, server_id = %server))]
    pub async fn add_to_server(&self, who: &Principal, bot: Id, server: Id) -> Result<()> {
        require_user(who)?;
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_SERVER)?;
        self.owned(who, bot).await?;
        if self.ctx.store.member(server, bot).await?.is_some() {
            return Err(Error::Conflict("the bot is already a member".to_owned()));
        }
        if self.ctx.store.ban_of(server, bot).await?.is_some() {
            return Err(Error::FailedPrecondition(
                "the bot is banned from this server".to_owned(),
            ));
        }
        if let Some(record) = self.ctx.store.server(server).await? {
            let limit = self.ctx.settings().max_members_per_server;
            if record.member_count >= i64::from(limit) {
                return Err(Error::FailedPrecondition(format!(
                    "this server has reached its limit of {limit} members"
                )));
            }
        }
        let mut change = Change::begin(&self.ctx).await?;
        if !change.tx().add_member(server, bot, now_ms()).await? {
            // Joined or banned between the checks and the write.
            return Err(Error::Conflict(
                "the bot is already a member or banned".to_owned(),
            ));
        }
        change.audit(
            server,
            who.user_id,
            AuditAction::BotAdd,
            Some(bot),
            "",
            Vec::new(),
        );
        servers::joined(&mut change, bot, server);
        change.commit().await
    }

    /// The caller's bot `bot`, or NOT_FOUND (other users' bots are not revealed).
    async fn owned(&self, who: &Principal, bot: Id) -> Result<BotRecord> {
        require_user(who)?;
        match self.ctx.store.bot(bot).await? {
            Some(b) if b.owner_id == who.user_id.0 => Ok(b),
            _ => Err(Error::NotFound("bot")),
        }
    }
}

/// Writes a bot's deletion into `change`: token gone, account retired, removed from
/// `servers` (announced). Returns the token id whose streams must end after commit.
async fn retire(change: &mut Change, bot: Id, servers: &[Id]) -> Result<Option<Id>> {
    for server in servers {
        servers::remove(change, *server, bot).await?;
    }
    change.tx().delete_bot(bot).await
}

/// Writes the deletion of `owned` bots (from [`BotService::owned_by`]) into `change`; their
/// streams end after commit.
pub(crate) async fn retire_owned(change: &mut Change, owned: &[(Id, Vec<Id>)]) -> Result<()> {
    let mut tokens = Vec::new();
    for (bot, servers) in owned {
        tokens.extend(retire(change, *bot, servers).await?);
    }
    change.close_streams(tokens);
    Ok(())
}

fn servers_ids(servers: &[crate::store::ServerRecord]) -> Vec<Id> {
    servers.iter().map(|s| Id(s.id)).collect()
}

/// Bots manage no bots.
fn require_user(who: &Principal) -> Result<()> {
    if who.is_bot {
        return Err(Error::PermissionDenied(
            "bots cannot manage bots".to_owned(),
        ));
    }
    Ok(())
}

/// `err` with its field violations renamed to `field` (a rule shared with another field).
fn field_is(err: Error, field: &'static str) -> Error {
    match err {
        Error::Invalid(mut violations) => {
            for v in &mut violations {
                v.field = field;
            }
            Error::Invalid(violations)
        }
        other => other,
    }
}
