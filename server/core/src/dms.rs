//! Direct messages: 1:1 DMs and group DMs. Messages in them go through the ordinary message
//! service; this service decides who takes part. Only participants can see a private
//! channel (everyone else gets NOT_FOUND from [`crate::access::PermCache::channel`]), and
//! every change is announced to the participants concerned with `ChannelCreated`,
//! `ChannelUpdated` or `ChannelDeleted`.
//!
//! Channels returned to a caller list the *other* participants as recipients; events, which
//! are encoded once for everyone, list all participants.

use std::{collections::HashMap, sync::Arc};

use tracing::instrument;

use crate::{
    change::Change,
    context::Context,
    error::{Error, Result},
    events::{Audience, Event},
    id::{Id, now_ms},
    model::User,
    model::{Channel, ChannelKind},
    principal::Principal,
    relationships::are_friends,
    store::{AddRecipient, ChannelRecord, RemoveRecipient},
    validate,
};

/// The generic refusal for DMs across a block (or without friendship / shared server).
fn cannot_message() -> Error {
    Error::PermissionDenied("you cannot message this user".to_owned())
}

/// The refusal for adding a non-friend (blocked users are never friends).
fn cannot_add() -> Error {
    Error::PermissionDenied("you can only add your friends to a group DM".to_owned())
}

/// Refuses a post in a 1:1 DM when either participant blocked the other. Group DMs and
/// server channels always pass. Call after the caller's access to `channel` was checked.
pub async fn can_post_in_dm(ctx: &Context, channel: &ChannelRecord, user: Id) -> Result<()> {
    if channel.kind == ChannelKind::Dm && ctx.store.dm_blocked(Id(channel.id), user).await? {
        return Err(cannot_message());
    }
    Ok(())
}

/// Changes to a group DM; `None` leaves a field, an empty string clears it.
#[derive(Debug, Clone, Default)]
pub struct GroupDmPatch {
    /// Name (up to 100 characters).
    pub name: Option<String>,
    /// Icon URL.
    pub icon_url: Option<String>,
}

/// A channel as `viewer` sees it: the other participants as recipients.
fn view(mut channel: Channel, viewer: Id) -> Channel {
    channel.recipients.retain(|u| u.id != viewer);
    channel
}

/// A private channel with all its participants (public views).
pub(crate) async fn with_recipients(ctx: &Context, record: ChannelRecord) -> Result<Channel> {
    let recipients = ctx
        .store
        .recipients(Id(record.id))
        .await?
        .into_iter()
        .map(|u| User::from(u).public())
        .collect();
    Ok(Channel {
        record,
        overwrites: Vec::new(),
        recipients,
    })
}

/// A user's DMs and group DMs, most recently active first, recipients without the user
/// (for `ListPrivateChannels` and the Ready snapshot).
pub(crate) async fn private_channels_of(ctx: &Context, user: Id) -> Result<Vec<Channel>> {
    let records = ctx.store.private_channels(user).await?;
    let ids: Vec<i64> = records.iter().map(|c| c.id).collect();
    let pairs = ctx.store.recipient_pairs(&ids).await?;
    let mut user_ids: Vec<i64> = pairs
        .iter()
        .map(|(_, u)| *u)
        .filter(|u| *u != user.0)
        .collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let users: HashMap<i64, User> = ctx
        .store
        .users_by_ids(&user_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, User::from(u).public()))
        .collect();
    let mut by_channel: HashMap<i64, Vec<User>> = HashMap::new();
    for (c, u) in pairs {
        if let Some(user) = users.get(&u) {
            by_channel.entry(c).or_default().push(user.clone());
        }
    }
    Ok(records
        .into_iter()
        .map(|record| Channel {
            recipients: by_channel.remove(&record.id).unwrap_or_default(),
            overwrites: Vec::new(),
            record,
        })
        .collect())
}

/// An event for exactly `users` (none when the list is empty: the hub delivers nothing).
fn to_users(users: Vec<Id>, event: Event) -> (Audience, Event) {
    (Audience::users(users), event)
}

/// The DM service.
#[derive(Debug, Clone)]
pub struct DmService {
    ctx: Arc<Context>,
}

impl DmService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    async fn existing_user(&self, id: Id) -> Result<User> {
        self.ctx
            .store
            .user_by_id(id)
            .await?
            .map(User::from)
            .ok_or(Error::NotFound("user"))
    }

    /// The caller's access to a group DM: NOT_FOUND unless a participant.
    async fn group(&self, who: &Principal, channel: Id) -> Result<ChannelRecord> {
        let access = self.ctx.perms.channel(who.user_id, channel).await?;
        if access.channel.kind != ChannelKind::GroupDm {
            return Err(Error::FailedPrecondition("not a group DM".to_owned()));
        }
        Ok(access.channel)
    }

    /// Returns the 1:1 DM with `other`, creating it if needed. A new DM needs friendship, or
    /// a shared server and `other` accepting DMs from server members. Refused across a block
    /// (either way) with the same generic message.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn open(&self, who: &Principal, other: Id) -> Result<Channel> {
        if other == who.user_id {
            return Err(Error::invalid(
                "user_id",
                "you cannot open a DM with yourself",
            ));
        }
        self.existing_user(other).await?;
        if self
            .ctx
            .store
            .blocked_either_way(who.user_id, other)
            .await?
        {
            return Err(cannot_message());
        }
        if let Some(existing) = self.ctx.store.dm_channel(who.user_id, other).await? {
            let channel = with_recipients(&self.ctx, existing).await?;
            return Ok(view(channel, who.user_id));
        }
        let allowed = are_friends(&self.ctx, who.user_id, other).await?
            || (self.ctx.store.share_server(who.user_id, other).await?
                && self.ctx.store.allow_server_dms(other).await?);
        if !allowed {
            return Err(cannot_message());
        }
        let record = ChannelRecord {
            id: self.ctx.ids.next().0,
            server_id: None,
            kind: ChannelKind::Dm,
            name: String::new(),
            topic: String::new(),
            parent_id: None,
            position: 0,
            owner_id: None,
            icon_url: String::new(),
            user_limit: 0,
            bitrate: 64_000,
            rate_limit_per_user: 0,
            last_message_id: None,
            last_pin_at: None,
            created_at: now_ms(),
        };
        let mut change = Change::begin(&self.ctx).await?;
        let opened = change.tx().create_dm(&record, who.user_id, other).await?;
        let channel = change
            .commit_then(|ctx| async move {
                let channel = with_recipients(&ctx, opened.channel).await?;
                let mut events = Vec::new();
                if opened.created {
                    events.push(to_users(
                        vec![who.user_id, other],
                        Event::ChannelCreated(Box::new(channel.clone())),
                    ));
                }
                Ok((channel, events))
            })
            .await?;
        Ok(view(channel, who.user_id))
    }

    /// Creates a group DM owned by the caller with some of their friends (2 to
    /// `max_group_dm_members` participants, the caller included).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn create_group(
        &self,
        who: &Principal,
        user_ids: Vec<Id>,
        name: &str,
    ) -> Result<Channel> {
        let max = self.ctx.settings().max_group_dm_members;
        // Bound the input before the (quadratic) de-duplication.
        if user_ids.len() > max as usize {
            return Err(Error::FailedPrecondition(format!(
                "a group DM can have at most {max} members"
            )));
        }
        let mut others: Vec<Id> = Vec::with_capacity(user_ids.len());
        for u in user_ids {
            if u != who.user_id && !others.contains(&u) {
                others.push(u);
            }
        }
        if others.is_empty() {
            return Err(Error::invalid("user_ids", "add at least one other user"));
        }
        if others.len() + 1 > max as usize {
            return Err(Error::FailedPrecondition(format!(
                "a group DM can have at most {max} members"
            )));
        }
        let name = match name.trim() {
            "" => String::new(),
            n => validate::name("name", n, 1, 100)?,
        };
        for u in &others {
            self.existing_user(*u).await?;
            if !are_friends(&self.ctx, who.user_id, *u).await? {
                return Err(cannot_add());
            }
        }
        let record = ChannelRecord {
            id: self.ctx.ids.next().0,
            server_id: None,
            kind: ChannelKind::GroupDm,
            name,
            topic: String::new(),
            parent_id: None,
            position: 0,
            owner_id: Some(who.user_id.0),
            icon_url: String::new(),
            user_limit: 0,
            bitrate: 64_000,
            rate_limit_per_user: 0,
            last_message_id: None,
            last_pin_at: None,
            created_at: now_ms(),
        };
        let mut members = vec![who.user_id];
        members.extend(others);
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().create_group_dm(&record, &members).await?;
        let channel = change
            .commit_then(|ctx| async move {
                let channel = with_recipients(&ctx, record).await?;
                let event = Event::ChannelCreated(Box::new(channel.clone()));
                Ok((channel, vec![to_users(members, event)]))
            })
            .await?;
        Ok(view(channel, who.user_id))
    }

    /// Adds one of the caller's friends to a group DM the caller is in.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn add_member(&self, who: &Principal, channel: Id, user: Id) -> Result<Channel> {
        let record = self.group(who, channel).await?;
        if user == who.user_id {
            return Err(Error::Conflict(
                "already a member of this group DM".to_owned(),
            ));
        }
        self.existing_user(user).await?;
        if !are_friends(&self.ctx, who.user_id, user).await? {
            return Err(cannot_add());
        }
        let max = self.ctx.settings().max_group_dm_members;
        let mut change = Change::begin(&self.ctx).await?;
        match change.tx().add_recipient(channel, user, max).await? {
            AddRecipient::Added => {}
            AddRecipient::AlreadyRecipient => {
                return Err(Error::Conflict(
                    "already a member of this group DM".to_owned(),
                ));
            }
            AddRecipient::Full => {
                return Err(Error::FailedPrecondition(format!(
                    "a group DM can have at most {max} members"
                )));
            }
            AddRecipient::NoChannel => return Err(Error::NotFound("channel")),
        }
        let full = change
            .commit_then(|ctx| async move {
                let full = with_recipients(&ctx, record).await?;
                let others: Vec<Id> = full
                    .recipients
                    .iter()
                    .map(|u| u.id)
                    .filter(|u| *u != user)
                    .collect();
                let events = vec![
                    to_users(vec![user], Event::ChannelCreated(Box::new(full.clone()))),
                    to_users(others, Event::ChannelUpdated(Box::new(full.clone()))),
                ];
                Ok((full, events))
            })
            .await?;
        Ok(view(full, who.user_id))
    }

    /// Removes a participant (owner only; the owner leaves with [`Self::leave`]).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn remove_member(&self, who: &Principal, channel: Id, user: Id) -> Result<Channel> {
        let record = self.group(who, channel).await?;
        if record.owner_id != Some(who.user_id.0) {
            return Err(Error::PermissionDenied(
                "only the owner can remove members of a group DM".to_owned(),
            ));
        }
        if user == who.user_id {
            return Err(Error::invalid(
                "user_id",
                "use LeaveGroupDm to leave a group DM",
            ));
        }
        let mut change = Change::begin(&self.ctx).await?;
        let deleted = Event::ChannelDeleted {
            channel_id: channel,
            server_id: None,
        };
        match change.tx().remove_recipient(channel, user).await? {
            RemoveRecipient::NotRecipient => Err(Error::NotFound("member")),
            RemoveRecipient::Deleted => {
                change.publish(Audience::users(vec![user]), deleted);
                change.commit().await?;
                Err(Error::NotFound("channel"))
            }
            RemoveRecipient::Removed { channel: record } => {
                change.publish(Audience::users(vec![user]), deleted);
                let full = change
                    .commit_then(|ctx| async move {
                        let full = with_recipients(&ctx, *record).await?;
                        let remaining = full.recipients.iter().map(|u| u.id).collect();
                        let event = Event::ChannelUpdated(Box::new(full.clone()));
                        Ok((full, vec![to_users(remaining, event)]))
                    })
                    .await?;
                Ok(view(full, who.user_id))
            }
        }
    }

    /// Leaves a group DM. The last to leave deletes it; an owner who leaves hands ownership
    /// to another participant.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn leave(&self, who: &Principal, channel: Id) -> Result<()> {
        self.group(who, channel).await?;
        let deleted = Event::ChannelDeleted {
            channel_id: channel,
            server_id: None,
        };
        let mut change = Change::begin(&self.ctx).await?;
        let remaining = match change.tx().remove_recipient(channel, who.user_id).await? {
            RemoveRecipient::NotRecipient => return Err(Error::NotFound("channel")),
            RemoveRecipient::Deleted => None,
            RemoveRecipient::Removed { channel: record } => Some(record),
        };
        let leaver = who.user_id;
        change
            .commit_then(|ctx| async move {
                let mut events = Vec::new();
                if let Some(record) = remaining {
                    let full = with_recipients(&ctx, *record).await?;
                    let remaining = full.recipients.iter().map(|u| u.id).collect();
                    events.push(to_users(remaining, Event::ChannelUpdated(Box::new(full))));
                }
                events.push(to_users(vec![leaver], deleted));
                Ok(((), events))
            })
            .await
    }

    /// Renames a group DM or changes its icon (any participant).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn update_group(
        &self,
        who: &Principal,
        channel: Id,
        patch: GroupDmPatch,
    ) -> Result<Channel> {
        let mut record = self.group(who, channel).await?;
        if let Some(n) = patch.name {
            record.name = match n.trim() {
                "" => String::new(),
                n => validate::name("name", n, 1, 100)?,
            };
        }
        if let Some(icon) = patch.icon_url {
            record.icon_url = validate::url("icon_url", &icon)?;
        }
        let mut change = Change::begin(&self.ctx).await?;
        let record = change
            .tx()
            .update_group_dm(channel, &record.name, &record.icon_url)
            .await?
            .ok_or(Error::NotFound("channel"))?;
        let full = change
            .commit_then(|ctx| async move {
                let full = with_recipients(&ctx, record).await?;
                let everyone = full.recipients.iter().map(|u| u.id).collect();
                let event = Event::ChannelUpdated(Box::new(full.clone()));
                Ok((full, vec![to_users(everyone, event)]))
            })
            .await?;
        Ok(view(full, who.user_id))
    }

    /// The caller's DMs and group DMs, most recently active first.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list(&self, who: &Principal) -> Result<Vec<Channel>> {
        private_channels_of(&self.ctx, who.user_id).await
    }
}
