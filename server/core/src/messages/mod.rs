//! Messages: send, edit, delete, history, reactions, pins, read state, typing, attachments.
//!
//! Every call resolves the caller's access to the channel first: channels the caller cannot
//! see (no VIEW_CHANNEL, not a DM participant) are NOT_FOUND; a missing permission is
//! PERMISSION_DENIED and changes nothing. Writes commit before their event is published.

pub mod attachments;
mod commit;
pub mod content;
mod limits;
mod typing;

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use tracing::instrument;

use crate::{
    access::ChannelAccess,
    change::Change,
    context::Context,
    error::{Error, Result},
    events::{Audience, Event},
    files,
    id::{Id, now_ms},
    model::User,
    model::{
        Attachment, ChannelKind, Mention, MentionKind, Message, MessageKind, ReactionCount,
        ReadState, ReplyPreview,
    },
    permissions::Permissions,
    principal::Principal,
    servers::AuditAction,
    store::{
        AttachmentRecord, InsertOutcome, MentionRecord, MessageExtras, MessageRecord, NewMessage,
        PinOutcome,
    },
};

use self::{
    commit::GroupCommit,
    typing::{TYPING_TTL_MS, TypingThrottle},
};

/// Most pinned messages one channel may hold.
pub const MAX_PINS: u32 = 50;
/// Characters of the replied-to message shown in a reply preview.
pub const REPLY_PREVIEW_CHARS: usize = 100;
/// Default and maximum page size of history.
pub const HISTORY_LIMIT: (u32, u32) = (50, 100);
/// Default and maximum page size of reaction user lists.
pub const REACTIONS_LIMIT: (u32, u32) = (25, 100);

/// A message to send.
#[derive(Debug, Clone, Default)]
pub struct SendMessage {
    /// Text (trimmed; may be empty when attachments are given).
    pub content: String,
    /// Client deduplication token; empty for none.
    pub nonce: String,
    /// Message of the same channel this replies to.
    pub reply_to_id: Option<Id>,
    /// Uploads (by the sender, to this channel) to attach.
    pub attachment_ids: Vec<Id>,
}

/// Which page of history to read. At most one anchor may be set; none = the newest.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryQuery {
    /// Messages older than this id.
    pub before: Option<Id>,
    /// Messages newer than this id (the ones right after it).
    pub after: Option<Id>,
    /// Messages around this id, itself included.
    pub around: Option<Id>,
    /// Page size, 1–100; 0 = 50.
    pub limit: u32,
}

/// One page of the users who reacted with an emoji.
#[derive(Debug, Clone)]
pub struct ReactionUsers {
    /// Users, ordered by id.
    pub users: Vec<User>,
    /// Pass as `after` for the next page; None when this was the last.
    pub next: Option<Id>,
}

/// A file a message may point at, and where its bytes are.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Metadata.
    pub attachment: Attachment,
    /// The content on disk.
    pub path: std::path::PathBuf,
}

/// The message service.
#[derive(Debug, Clone)]
pub struct MessageService {
    ctx: Arc<Context>,
    typing: Arc<TypingThrottle>,
    limits: Arc<limits::SendLimits>,
    /// Writes sent messages of concurrent senders in shared transactions.
    commits: Arc<GroupCommit>,
    /// Serialises "file on disk + row" against "no row left → remove file" on this node.
    files: Arc<tokio::sync::Mutex<()>>,
}

fn page_size(field: &'static str, requested: u32, (default, max): (u32, u32)) -> Result<u32> {
    match requested {
        0 => Ok(default),
        n if n <= max => Ok(n),
        _ => Err(Error::invalid(
            field,
            format!("must be between 1 and {max}"),
        )),
    }
}

/// A user row that vanished between reads (accounts cascade their messages away, so this is
/// only ever a race): shown as a deleted user rather than failing the whole page.
fn ghost(id: Id) -> User {
    User {
        id,
        username: "deleted-user".to_owned(),
        display_name: String::new(),
        avatar_url: String::new(),
        is_admin: false,
        is_bot: false,
        bio: String::new(),
        status_text: String::new(),
        created_at_ms: 0,
        email: None,
        email_verified: false,
        disabled: false,
        email_notifications: false,
    }
}

/// The `@everyone` / `@here` mentions a message with `mention_everyone` carries.
fn everyone_mentions(content: &str) -> impl Iterator<Item = Mention> {
    let parsed = content::parse_mentions(content);
    [
        (parsed.everyone, MentionKind::Everyone),
        (parsed.here, MentionKind::Here),
    ]
    .into_iter()
    .filter(|(present, _)| *present)
    .map(|(_, kind)| Mention {
        kind,
        id: None,
        user: None,
    })
}

impl MessageService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self {
            commits: Arc::new(GroupCommit::new(Arc::clone(&ctx.store))),
            // Several nodes: the send limits are also the instance's.
            limits: Arc::new(limits::SendLimits::new(ctx.cluster.clone().map(|nats| {
                Arc::new(nats) as Arc<dyn crate::auth::rate_limit::SharedCells>
            }))),
            ctx,
            typing: Arc::new(TypingThrottle::default()),
            files: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// The caller's access to a channel that holds messages (text channels, DMs, group DMs).
    async fn text_channel(&self, who: &Principal, channel: Id) -> Result<ChannelAccess> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        Self::holds_messages(access)
    }

    /// [`Self::text_channel`] from the permission snapshot (no channel read once the channel
    /// is known), for sending: it reads nothing `last_message_id`/`last_pin_at` could lag in.
    async fn text_channel_cached(&self, who: &Principal, channel: Id) -> Result<ChannelAccess> {
        let access = self.ctx.perms.channel_cached(who.user_id, channel).await?;
        Self::holds_messages(access)
    }

    fn holds_messages(access: ChannelAccess) -> Result<ChannelAccess> {
        match access.channel.kind {
            ChannelKind::Text | ChannelKind::Dm | ChannelKind::GroupDm => Ok(access),
            _ => Err(Error::invalid(
                "channel_id",
                "messages live in text channels and DMs only",
            )),
        }
    }

    /// Who receives the events of a channel.
    async fn audience(&self, access: &ChannelAccess) -> Result<Audience> {
        let channel = Id(access.channel.id);
        Ok(match access.server_id() {
            Some(server) => Audience::channel(server, channel),
            None => Audience::users(
                self.ctx
                    .store
                    .recipients(channel)
                    .await?
                    .into_iter()
                    .map(|u| Id(u.id))
                    .collect(),
            ),
        })
    }

    /// A message of the channel, or NOT_FOUND.
    async fn record(&self, channel: Id, message: Id) -> Result<MessageRecord> {
        self.ctx
            .store
            .message(channel, message)
            .await?
            .ok_or(Error::NotFound("message"))
    }

    /// Resolves the mentions written in `text` against who and what exists here: users who
    /// are members (or DM participants), roles of the server, and @everyone/@here only with
    /// MENTION_EVERYONE. Returns the (kind, target) rows and `mention_everyone`.
    async fn resolve_mentions(
        &self,
        access: &ChannelAccess,
        text: &str,
    ) -> Result<(Vec<(MentionKind, i64)>, bool)> {
        let parsed = content::parse_mentions(text);
        let mut rows = Vec::new();
        match &access.server {
            Some(server) => {
                rows.extend(
                    parsed
                        .users
                        .iter()
                        .filter(|u| server.is_member(**u))
                        .map(|u| (MentionKind::User, u.0)),
                );
                rows.extend(
                    parsed
                        .roles
                        .iter()
                        .filter(|r| {
                            **r != server.server_id
                                && server.role_position(**r).is_some()
                                // Non-mentionable roles ping only when MENTION_EVERYONE allows.
                                && (server.is_mentionable(**r)
                                    || access.perms.contains(Permissions::MENTION_EVERYONE))
                        })
                        .map(|r| (MentionKind::Role, r.0)),
                );
            }
            None if !parsed.users.is_empty() => {
                let recipients: HashSet<i64> = self
                    .ctx
                    .store
                    .recipients(Id(access.channel.id))
                    .await?
                    .into_iter()
                    .map(|u| u.id)
                    .collect();
                rows.extend(
                    parsed
                        .users
                        .iter()
                        .filter(|u| recipients.contains(&u.0))
                        .map(|u| (MentionKind::User, u.0)),
                );
            }
            None => {}
        }
        let everyone = (parsed.everyone || parsed.here)
            && access.perms.contains(Permissions::MENTION_EVERYONE);
        Ok((rows, everyone))
    }

    /// Turns rows into messages as `viewer` sees them: authors, mentions, reactions (with
    /// `me`), attachments and reply previews. Keeps the order of `records`.
    async fn hydrate(&self, viewer: Id, records: Vec<MessageRecord>) -> Result<Vec<Message>> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let extras = self.ctx.store.message_extras(viewer, &records).await?;
        self.assemble(records, extras, None).await
    }

    /// Builds messages from their rows and extras, reading the users they name (but `known`,
    /// a public user already in hand). Keeps the order of `records`.
    async fn assemble(
        &self,
        records: Vec<MessageRecord>,
        extras: MessageExtras,
        known: Option<User>,
    ) -> Result<Vec<Message>> {
        let store = &self.ctx.store;
        let mut user_ids: Vec<i64> = records
            .iter()
            .map(|m| m.author_id)
            .chain(extras.replies.iter().map(|r| r.author_id))
            .chain(
                extras
                    .mentions
                    .iter()
                    .filter(|m| m.kind == MentionKind::User)
                    .map(|m| m.target_id),
            )
            .filter(|id| known.as_ref().is_none_or(|k| k.id.0 != *id))
            .collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let mut users: HashMap<i64, User> = if user_ids.is_empty() {
            HashMap::new()
        } else {
            store
                .users_by_ids(&user_ids)
                .await?
                .into_iter()
                .map(|u| (u.id, User::from(u).public()))
                .collect()
        };
        if let Some(user) = known {
            users.insert(user.id.0, user);
        }
        let user = |id: i64| users.get(&id).cloned().unwrap_or_else(|| ghost(Id(id)));

        let mut mentions: HashMap<i64, Vec<Mention>> = HashMap::new();
        for m in &extras.mentions {
            let user = match m.kind {
                MentionKind::User => Some(user(m.target_id)),
                MentionKind::Role => None,
                // Never stored: `mention_everyone` carries them.
                MentionKind::Everyone | MentionKind::Here => continue,
            };
            mentions.entry(m.message_id).or_default().push(Mention {
                kind: m.kind,
                id: Some(Id(m.target_id)),
                user,
            });
        }
        let mut reactions: HashMap<i64, Vec<ReactionCount>> = HashMap::new();
        for r in extras.reactions {
            reactions
                .entry(r.message_id)
                .or_default()
                .push(ReactionCount {
                    emoji: r.emoji,
                    count: u32::try_from(r.count).unwrap_or(u32::MAX),
                    me: r.me > 0,
                });
        }
        let mut files: HashMap<i64, Vec<Attachment>> = HashMap::new();
        for a in &extras.attachments {
            if let Some(message) = a.message_id {
                files
                    .entry(message)
                    .or_default()
                    .push(attachments::to_model(a));
            }
        }
        let replies: HashMap<i64, &MessageRecord> =
            extras.replies.iter().map(|r| (r.id, r)).collect();

        Ok(records
            .into_iter()
            .map(|m| {
                let reply_to = m.reply_to_id.map(|id| match replies.get(&id) {
                    Some(r) if r.channel_id == m.channel_id => ReplyPreview {
                        message_id: Id(id),
                        author: Some(user(r.author_id)),
                        content: r.content.chars().take(REPLY_PREVIEW_CHARS).collect(),
                        deleted: false,
                    },
                    _ => ReplyPreview {
                        message_id: Id(id),
                        author: None,
                        content: String::new(),
                        deleted: true,
                    },
                });
                let mut mentioned = mentions.remove(&m.id).unwrap_or_default();
                if m.mention_everyone {
                    mentioned.extend(everyone_mentions(&m.content));
                }
                Message {
                    id: Id(m.id),
                    channel_id: Id(m.channel_id),
                    server_id: m.server_id.map(Id),
                    author: user(m.author_id),
                    author_nickname: m.author_nickname,
                    kind: m.kind,
                    content: m.content,
                    nonce: m.nonce,
                    reply_to_id: m.reply_to_id.map(Id),
                    reply_to,
                    mentions: mentioned,
                    mention_everyone: m.mention_everyone,
                    reactions: reactions.remove(&m.id).unwrap_or_default(),
                    pinned: m.pinned_at.is_some(),
                    attachments: files.remove(&m.id).unwrap_or_default(),
                    created_at_ms: m.created_at,
                    edited_at_ms: m.edited_at,
                }
            })
            .collect())
    }

    async fn hydrate_one(&self, viewer: Id, record: MessageRecord) -> Result<Message> {
        self.hydrate(viewer, vec![record])
            .await?
            .pop()
            .ok_or_else(|| Error::internal("hydrating a message returned nothing"))
    }

    /// Posts a message (SEND_MESSAGES; ATTACH_FILES with attachments; @everyone/@here only
    /// notify with MENTION_EVERYONE). A retry with the same nonce returns the first message
    /// and publishes nothing.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn send(&self, who: &Principal, channel: Id, msg: SendMessage) -> Result<Message> {
        let access = self.text_channel_cached(who, channel).await?;
        access.require(Permissions::SEND_MESSAGES)?;
        crate::verified::require_verified_email(&self.ctx, who.user_id).await?;
        // In a 1:1 DM a block either way ends posting (history stays readable).
        crate::dms::can_post_in_dm(&self.ctx, &access.channel, who.user_id).await?;
        let per_minute = self.ctx.settings().message_rate_limit_per_minute;
        let exempt = access
            .perms
            .intersects(Permissions::MANAGE_MESSAGES | Permissions::MANAGE_CHANNELS);
        let slow_mode = access.channel.rate_limit_per_user;
        self.limits
            .admit(who.user_id, channel, per_minute, slow_mode, exempt)?;
        if self.limits.is_shared() {
            self.limits
                .admit_instance(who.user_id, channel, per_minute, slow_mode, exempt)
                .await?;
        }
        // Bound the input before any per-item work (the request may be large).
        if msg.attachment_ids.len() > attachments::MAX_ATTACHMENTS {
            return Err(Error::invalid(
                "attachment_ids",
                format!(
                    "at most {} attachments per message",
                    attachments::MAX_ATTACHMENTS
                ),
            ));
        }
        let mut attachment_ids: Vec<i64> = Vec::with_capacity(msg.attachment_ids.len());
        for id in &msg.attachment_ids {
            if !attachment_ids.contains(&id.0) {
                attachment_ids.push(id.0);
            }
        }
        if !attachment_ids.is_empty() {
            access.require(Permissions::ATTACH_FILES)?;
        }
        let text = content::content(
            &msg.content,
            !attachment_ids.is_empty(),
            self.ctx.settings().max_message_length,
        )?;
        let nonce = content::nonce(&msg.nonce)?;
        if let Some(reply) = msg.reply_to_id
            && self.ctx.store.message(channel, reply).await?.is_none()
        {
            return Err(Error::invalid(
                "reply_to_id",
                "must be a message in this channel",
            ));
        }
        let (mentions, mention_everyone) = self.resolve_mentions(&access, &text).await?;
        let new = NewMessage {
            message: MessageRecord {
                id: self.ctx.ids.next().0,
                channel_id: channel.0,
                server_id: access.channel.server_id,
                author_id: who.user_id.0,
                kind: MessageKind::Default,
                content: text,
                nonce,
                reply_to_id: msg.reply_to_id.map(|r| r.0),
                mention_everyone,
                pinned_at: None,
                edited_at: None,
                created_at: now_ms(),
                author_nickname: String::new(),
            },
            mentions,
            attachment_ids,
        };
        // A new message has no reactions yet and its mentions are the ones just written: unless
        // it has attachments or a reply preview to read, nothing but its users needs a read.
        let known =
            (new.attachment_ids.is_empty() && new.message.reply_to_id.is_none()).then(|| {
                let mut mentions: Vec<MentionRecord> = new
                    .mentions
                    .iter()
                    .map(|&(kind, target_id)| MentionRecord {
                        message_id: new.message.id,
                        kind,
                        target_id,
                    })
                    .collect();
                // The order history reads them in.
                mentions.sort_unstable_by_key(|m| (m.kind, m.target_id));
                mentions.dedup();
                MessageExtras {
                    mentions,
                    ..MessageExtras::default()
                }
            });
        // Users mentioned by name may be mailed if offline (see `notifications`).
        let named: Vec<Id> = new
            .mentions
            .iter()
            .filter(|(kind, _)| *kind == MentionKind::User)
            .map(|&(_, user)| Id(user))
            .collect();
        let committed = self.commits.insert(new).await?;
        match committed.outcome {
            InsertOutcome::Created(record) => {
                let message = match known {
                    Some(extras) => self
                        .assemble(vec![record], extras, committed.author)
                        .await?
                        .pop()
                        .ok_or_else(|| Error::internal("assembling a message returned nothing"))?,
                    None => self.hydrate_one(who.user_id, record).await?,
                };
                let audience = self.audience(&access).await?;
                // DM participants, or the users a server message names (see `notifications`).
                let recipients = match access.server_id() {
                    _ if !crate::notifications::enabled(&self.ctx.settings()) => Vec::new(),
                    Some(_) => named,
                    None => audience.users.clone(),
                };
                self.ctx
                    .bus
                    .publish(audience, Event::MessageCreated(Box::new(message.clone())))
                    .await;
                if !recipients.is_empty() {
                    let sent = crate::notifications::Sent {
                        message: message.id,
                        channel,
                        author: who.user_id,
                    };
                    crate::notifications::after_send(&self.ctx, sent, &recipients).await;
                }
                Ok(message)
            }
            InsertOutcome::Duplicate(record) => self.hydrate_one(who.user_id, record).await,
            InsertOutcome::AttachmentUnavailable(id) => Err(Error::invalid(
                "attachment_ids",
                format!("{id} is not an unused upload of yours in this channel"),
            )),
        }
    }

    /// Replaces the text of one's own message (author only), re-parsing its mentions.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn edit(
        &self,
        who: &Principal,
        channel: Id,
        message: Id,
        new_content: &str,
    ) -> Result<Message> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        crate::dms::can_post_in_dm(&self.ctx, &access.channel, who.user_id).await?;
        let old = self.record(channel, message).await?;
        if old.author_id != who.user_id.0 {
            return Err(Error::PermissionDenied(
                "only the author can edit a message".to_owned(),
            ));
        }
        let has_files = !self
            .ctx
            .store
            .message_extras(who.user_id, std::slice::from_ref(&old))
            .await?
            .attachments
            .is_empty();
        let text = content::content(
            new_content,
            has_files,
            self.ctx.settings().max_message_length,
        )?;
        let (mentions, mention_everyone) = self.resolve_mentions(&access, &text).await?;
        let audience = self.audience(&access).await?;
        let mut change = Change::begin(&self.ctx).await?;
        let record = change
            .tx()
            .edit_message(message, &text, mention_everyone, &mentions, now_ms())
            .await?
            .ok_or(Error::NotFound("message"))?;
        change
            .commit_then(|_| async move {
                let edited = self.hydrate_one(who.user_id, record).await?;
                let mut event = edited.clone();
                event.reactions.clear();
                Ok((
                    edited,
                    vec![(audience, Event::MessageUpdated(Box::new(event)))],
                ))
            })
            .await
    }

    /// Deletes a message: one's own, or anyone's with MANAGE_MESSAGES (audited in servers).
    /// Its attachments go with it, and their files once nothing else refers to them.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn delete(&self, who: &Principal, channel: Id, message: Id) -> Result<()> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        let record = self.record(channel, message).await?;
        let own = record.author_id == who.user_id.0;
        if !own {
            access.require(Permissions::MANAGE_MESSAGES)?;
        }
        let audience = self.audience(&access).await?;
        let mut change = Change::begin(&self.ctx).await?;
        let hashes = change
            .tx()
            .delete_message(channel, message)
            .await?
            .ok_or(Error::NotFound("message"))?;
        let server_id = access.server_id();
        if let (Some(server), false) = (server_id, own) {
            change.audit(
                server,
                who.user_id,
                AuditAction::MessageDelete,
                Some(Id(record.author_id)),
                "",
                Vec::new(),
            );
        }
        change.publish(
            audience,
            Event::MessageDeleted {
                channel_id: channel,
                message_id: message,
                server_id,
            },
        );
        change.commit().await?;
        // Files go only once the rows referring to them are gone for good.
        self.remove_unused_files(hashes).await;
        Ok(())
    }

    /// Removes the files of `hashes` that no attachment row refers to any more. Failures are
    /// logged: the message is already gone, and a leftover file is only wasted space.
    async fn remove_unused_files(&self, mut hashes: Vec<String>) {
        hashes.sort_unstable();
        hashes.dedup();
        if hashes.is_empty() {
            return;
        }
        let _guard = self.files.lock().await;
        let in_use: HashSet<String> = match self.ctx.store.attachment_hashes_in_use(&hashes).await {
            Ok(used) => used.into_iter().collect(),
            Err(e) => {
                tracing::warn!(error = %e, "could not check attachment files; keeping them");
                return;
            }
        };
        for hash in hashes.iter().filter(|h| !in_use.contains(*h)) {
            files::discard(&files::path_of(&self.ctx.upload_dir, hash)).await;
        }
    }

    /// A page of history, newest first in every mode (READ_MESSAGE_HISTORY).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list(
        &self,
        who: &Principal,
        channel: Id,
        query: HistoryQuery,
    ) -> Result<Vec<Message>> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        access.require(Permissions::READ_MESSAGE_HISTORY)?;
        let limit = page_size("limit", query.limit, HISTORY_LIMIT)?;
        let anchors = [query.before, query.after, query.around]
            .iter()
            .filter(|a| a.is_some())
            .count();
        if anchors > 1 {
            return Err(Error::invalid(
                "before",
                "set at most one of before, after and around",
            ));
        }
        let store = &self.ctx.store;
        let records = if let Some(after) = query.after {
            let mut page = store
                .messages_from(channel, Id(after.0.saturating_add(1)), limit)
                .await?;
            page.reverse();
            page
        } else if let Some(around) = query.around {
            let older = limit / 2;
            let mut page = store.messages_from(channel, around, limit - older).await?;
            page.reverse();
            if older > 0 {
                page.extend(store.messages_before(channel, Some(around), older).await?);
            }
            page
        } else {
            store.messages_before(channel, query.before, limit).await?
        };
        self.hydrate(who.user_id, records).await
    }

    /// One message (READ_MESSAGE_HISTORY).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn get(&self, who: &Principal, channel: Id, message: Id) -> Result<Message> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        access.require(Permissions::READ_MESSAGE_HISTORY)?;
        let record = self.record(channel, message).await?;
        self.hydrate_one(who.user_id, record).await
    }

    /// Adds the caller's reaction (ADD_REACTIONS and READ_MESSAGE_HISTORY). Idempotent: only
    /// a new reaction is announced.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn add_reaction(
        &self,
        who: &Principal,
        channel: Id,
        message: Id,
        emoji: &str,
    ) -> Result<()> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        crate::dms::can_post_in_dm(&self.ctx, &access.channel, who.user_id).await?;
        access.require(Permissions::READ_MESSAGE_HISTORY | Permissions::ADD_REACTIONS)?;
        let emoji = content::emoji(emoji)?;
        self.record(channel, message).await?;
        let audience = self.audience(&access).await?;
        let mut change = Change::begin(&self.ctx).await?;
        if change
            .tx()
            .add_reaction(message, &emoji, who.user_id, now_ms())
            .await?
        {
            change.publish(
                audience,
                Event::ReactionAdded {
                    channel_id: channel,
                    message_id: message,
                    user_id: who.user_id,
                    emoji,
                    server_id: access.server_id(),
                },
            );
        }
        change.commit().await
    }

    /// Removes a reaction: the caller's own (`user` None or the caller), or someone else's
    /// with MANAGE_MESSAGES. Idempotent: only an actual removal is announced.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn remove_reaction(
        &self,
        who: &Principal,
        channel: Id,
        message: Id,
        emoji: &str,
        user: Option<Id>,
    ) -> Result<()> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        let user = user.unwrap_or(who.user_id);
        if user != who.user_id {
            access.require(Permissions::MANAGE_MESSAGES)?;
        }
        let emoji = content::emoji(emoji)?;
        self.record(channel, message).await?;
        let audience = self.audience(&access).await?;
        let mut change = Change::begin(&self.ctx).await?;
        if change.tx().remove_reaction(message, &emoji, user).await? {
            change.publish(
                audience,
                Event::ReactionRemoved {
                    channel_id: channel,
                    message_id: message,
                    user_id: user,
                    emoji,
                    server_id: access.server_id(),
                },
            );
        }
        change.commit().await
    }

    /// Users who reacted with `emoji`, by user id, after `after` (READ_MESSAGE_HISTORY;
    /// `limit` 1–100, 0 = 25).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list_reactions(
        &self,
        who: &Principal,
        channel: Id,
        message: Id,
        emoji: &str,
        after: Option<Id>,
        limit: u32,
    ) -> Result<ReactionUsers> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        access.require(Permissions::READ_MESSAGE_HISTORY)?;
        let limit = page_size("page_size", limit, REACTIONS_LIMIT)?;
        let emoji = content::emoji(emoji)?;
        self.record(channel, message).await?;
        let mut rows = self
            .ctx
            .store
            .reaction_users(message, &emoji, after, limit + 1)
            .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let users: Vec<User> = rows.into_iter().map(|u| User::from(u).public()).collect();
        let next = more.then(|| users.last().map(|u| u.id)).flatten();
        Ok(ReactionUsers { users, next })
    }

    /// Checks the right to pin: MANAGE_MESSAGES in servers, any participant in DMs.
    fn may_pin(access: &ChannelAccess) -> Result<()> {
        if access.server.is_some() {
            access.require(Permissions::MANAGE_MESSAGES)?;
        }
        Ok(())
    }

    /// Pins a message (MANAGE_MESSAGES; any participant in DMs), at most [`MAX_PINS`] per
    /// channel (FAILED_PRECONDITION beyond). Pinning a pinned message changes nothing.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn pin(&self, who: &Principal, channel: Id, message: Id) -> Result<()> {
        let access = self.text_channel(who, channel).await?;
        Self::may_pin(&access)?;
        let audience = self.audience(&access).await?;
        let mut change = Change::begin(&self.ctx).await?;
        match change
            .tx()
            .pin_message(channel, message, now_ms(), MAX_PINS)
            .await?
        {
            PinOutcome::Pinned => {}
            PinOutcome::AlreadyPinned => return Ok(()),
            PinOutcome::NotFound => return Err(Error::NotFound("message")),
            PinOutcome::LimitReached => {
                return Err(Error::FailedPrecondition(format!(
                    "a channel can hold at most {MAX_PINS} pinned messages"
                )));
            }
        }
        self.after_pin_change(change, audience, who, &access, message, true)
            .await
    }

    /// Unpins a message (same rights as [`Self::pin`]). Unpinning an unpinned message
    /// changes nothing.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn unpin(&self, who: &Principal, channel: Id, message: Id) -> Result<()> {
        let access = self.text_channel(who, channel).await?;
        Self::may_pin(&access)?;
        let record = self.record(channel, message).await?;
        if record.pinned_at.is_none() {
            return Ok(());
        }
        let audience = self.audience(&access).await?;
        let mut change = Change::begin(&self.ctx).await?;
        if !change.tx().unpin_message(channel, message).await? {
            return Ok(());
        }
        self.after_pin_change(change, audience, who, &access, message, false)
            .await
    }

    /// Audits a pin change (servers) and announces it, with the updated message.
    async fn after_pin_change(
        &self,
        mut change: Change,
        audience: Audience,
        who: &Principal,
        access: &ChannelAccess,
        message: Id,
        pinned: bool,
    ) -> Result<()> {
        let channel = Id(access.channel.id);
        let server_id = access.server_id();
        if let Some(server) = server_id {
            change.audit(
                server,
                who.user_id,
                if pinned {
                    AuditAction::MessagePin
                } else {
                    AuditAction::MessageUnpin
                },
                Some(message),
                "",
                Vec::new(),
            );
        }
        let event = if pinned {
            Event::MessagePinned {
                channel_id: channel,
                message_id: message,
                by: who.user_id,
                server_id,
            }
        } else {
            Event::MessageUnpinned {
                channel_id: channel,
                message_id: message,
                by: who.user_id,
                server_id,
            }
        };
        change.publish(audience.clone(), event);
        change
            .commit_then(|ctx| async move {
                // Clients showing the message learn its new `pinned` flag from the update.
                let mut events = Vec::new();
                if let Some(record) = ctx.store.message(channel, message).await? {
                    let mut updated = self.hydrate_one(who.user_id, record).await?;
                    updated.reactions.clear();
                    events.push((audience, Event::MessageUpdated(Box::new(updated))));
                }
                Ok(((), events))
            })
            .await
    }

    /// Pinned messages of a channel, most recently pinned first (READ_MESSAGE_HISTORY).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list_pins(&self, who: &Principal, channel: Id) -> Result<Vec<Message>> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        access.require(Permissions::READ_MESSAGE_HISTORY)?;
        let records = self.ctx.store.pinned_messages(channel).await?;
        self.hydrate(who.user_id, records).await
    }

    /// Marks the channel read up to `message` (a message of the channel). The read position
    /// only moves forward. The new state goes to the caller's other devices too.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn ack(&self, who: &Principal, channel: Id, message: Id) -> Result<ReadState> {
        self.ctx.perms.channel(who.user_id, channel).await?;
        self.record(channel, message).await?;
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().ack(who.user_id, channel, message).await?;
        change
            .commit_then(|ctx| async move {
                let state = ctx
                    .store
                    .read_states(who.user_id, &[channel])
                    .await?
                    .pop()
                    .ok_or(Error::NotFound("channel"))?;
                let event = Event::ReadStateUpdated(state.clone());
                Ok((state, vec![(Audience::users(vec![who.user_id]), event)]))
            })
            .await
    }

    /// Shows the caller as typing for ~8 s to those who can see the channel (SEND_MESSAGES).
    /// Calls more often than every 5 s per channel succeed without a new event.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn typing(&self, who: &Principal, channel: Id) -> Result<()> {
        let access = self.text_channel(who, channel).await?;
        crate::dms::can_post_in_dm(&self.ctx, &access.channel, who.user_id).await?;
        access.require(Permissions::SEND_MESSAGES)?;
        if !self.typing.admit(who.user_id, channel) {
            return Ok(());
        }
        let audience = self.audience(&access).await?;
        crate::change::signal(
            &self.ctx,
            audience,
            Event::TypingStarted {
                channel_id: channel,
                user_id: who.user_id,
                server_id: access.server_id(),
                expires_at_ms: now_ms() + TYPING_TTL_MS,
            },
        )
        .await;
        Ok(())
    }

    /// Stores a file to attach to a following message in `channel` (SEND_MESSAGES and
    /// ATTACH_FILES; 1 byte to the instance's `max_upload_bytes`). The content is kept once
    /// per SHA-256 under the upload directory.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn upload(
        &self,
        who: &Principal,
        channel: Id,
        filename: &str,
        content_type: &str,
        data: Vec<u8>,
    ) -> Result<Attachment> {
        let access = self.text_channel(who, channel).await?;
        access.require(Permissions::SEND_MESSAGES | Permissions::ATTACH_FILES)?;
        let max = self.ctx.settings().max_upload_bytes;
        if data.is_empty() {
            return Err(Error::invalid("data", "file is empty"));
        }
        if data.len() as u64 > max {
            return Err(Error::invalid(
                "data",
                format!("file exceeds the {max} byte limit"),
            ));
        }
        let filename = attachments::filename(filename)?;
        let content_type = attachments::content_type(content_type, &filename, &data)?;
        let (width, height) = attachments::dimensions(&data);
        let sha256 = files::sha256_hex(&data);
        let id = self.ctx.ids.next();
        let record = AttachmentRecord {
            id: id.0,
            channel_id: channel.0,
            message_id: None,
            uploader_id: who.user_id.0,
            filename,
            content_type,
            size: i64::try_from(data.len()).map_err(Error::internal)?,
            sha256,
            width: i64::from(width),
            height: i64::from(height),
            created_at: now_ms(),
        };
        let dir = &self.ctx.upload_dir;
        let temp = files::write_temp(dir, &record.sha256, &data, id).await?;
        drop(data);
        let _guard = self.files.lock().await;
        if let Err(e) = files::commit_file(dir, &record.sha256, &temp).await {
            files::discard(&temp).await;
            return Err(e);
        }
        self.ctx.store.insert_attachment(&record).await?;
        Ok(attachments::to_model(&record))
    }

    /// An attachment's metadata and file, for downloading: attached files to those who may
    /// read the channel's history, unsent uploads to their uploader only; NOT_FOUND otherwise.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn open_attachment(&self, who: &Principal, id: Id) -> Result<StoredFile> {
        let record = self
            .ctx
            .store
            .attachment(id)
            .await?
            .ok_or(Error::NotFound("attachment"))?;
        match record.message_id {
            Some(_) => {
                let access = self
                    .ctx
                    .perms
                    .channel(who.user_id, Id(record.channel_id))
                    .await
                    .map_err(|e| match e {
                        Error::NotFound(_) => Error::NotFound("attachment"),
                        other => other,
                    })?;
                if !access.perms.contains(Permissions::READ_MESSAGE_HISTORY) {
                    return Err(Error::NotFound("attachment"));
                }
            }
            None if record.uploader_id == who.user_id.0 => {}
            None => return Err(Error::NotFound("attachment")),
        }
        Ok(StoredFile {
            path: files::path_of(&self.ctx.upload_dir, &record.sha256),
            attachment: attachments::to_model(&record),
        })
    }
}
