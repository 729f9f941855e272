//! The member list, one member, nickname and voice moderation, and leaving.

use tracing::instrument;

use super::{MAX_REASON, MemberPatch, ServerService, load_member, remove};
use crate::{
    change::Change,
    error::{Error, Result},
    events::{Audience, Event},
    id::Id,
    model::Member,
    model::User,
    model::{AuditAction, AuditChange},
    permissions::Permissions,
    principal::Principal,
    validate,
};

impl ServerService {
    /// Leaves a server. The owner must transfer ownership or delete it first.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn leave(&self, who: &Principal, server: Id) -> Result<()> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        if access.is_owner() {
            return Err(Error::FailedPrecondition(
                "the owner must transfer ownership or delete the server before leaving".to_owned(),
            ));
        }
        let mut change = Change::begin(&self.ctx).await?;
        remove(&mut change, server, who.user_id).await?;
        change.commit().await
    }

    /// Members ordered by user id; `page_token` is the last user id of the previous page.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn members(
        &self,
        who: &Principal,
        server: Id,
        page_size: u32,
        page_token: &str,
        query: &str,
    ) -> Result<(Vec<Member>, Option<String>)> {
        self.ctx.perms.server(who.user_id, server).await?;
        let limit = validate::page_size(page_size, 100, 1000);
        let after = match page_token.trim() {
            "" => None,
            t => Some(Id::parse("page_token", t)?),
        };
        let query = query.trim().to_lowercase();
        let rows = self
            .ctx
            .store
            .members(
                server,
                after,
                limit,
                (!query.is_empty()).then_some(query.as_str()),
            )
            .await?;
        let user_ids: Vec<i64> = rows.iter().map(|(m, _)| m.user_id).collect();
        let pairs = self.ctx.store.member_role_pairs(server, &user_ids).await?;
        let next = (rows.len() == limit as usize)
            .then(|| rows.last().map(|(m, _)| m.user_id.to_string()))
            .flatten();
        let members = rows
            .into_iter()
            .map(|(member, user)| Member {
                role_ids: pairs
                    .iter()
                    .filter(|(u, _)| *u == member.user_id)
                    .map(|(_, r)| *r)
                    .collect(),
                member,
                user: User::from(user).public(),
            })
            .collect();
        Ok((members, next))
    }

    /// One member.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn member(&self, who: &Principal, server: Id, user: Id) -> Result<Member> {
        self.ctx.perms.server(who.user_id, server).await?;
        load_member(&self.ctx, server, user).await
    }

    /// Nickname (own: CHANGE_NICKNAME; others: MANAGE_NICKNAMES), server mute
    /// (MUTE_MEMBERS) and deafen (DEAFEN_MEMBERS). Acting on others needs a higher role.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn update_member(
        &self,
        who: &Principal,
        server: Id,
        user: Id,
        patch: MemberPatch,
    ) -> Result<Member> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        if !access.perms.is_member(user) {
            return Err(Error::NotFound("member"));
        }
        let reason = validate::text("reason", &patch.reason, MAX_REASON)?;
        let acting_on_other = user != who.user_id;
        if acting_on_other
            && (patch.nickname.is_some()
                || patch.server_mute.is_some()
                || patch.server_deaf.is_some())
            && !access.perms.outranks(who.user_id, user)
        {
            return Err(Error::PermissionDenied(
                "you cannot moderate a member whose highest role is equal to or above yours"
                    .to_owned(),
            ));
        }
        // A move or disconnect changes only in-memory voice state: done first, so its
        // refusals (not in voice, channel full) reach the caller; then audited.
        let mut voice_events = Vec::new();
        let mut moved = None;
        if let Some(target) = &patch.voice_channel_id {
            access.require(Permissions::MOVE_MEMBERS)?;
            if acting_on_other && !access.perms.outranks(who.user_id, user) {
                return Err(Error::PermissionDenied(
                    "you cannot moderate a member whose highest role is equal to or above yours"
                        .to_owned(),
                ));
            }
            let channel = *target;
            voice_events = crate::voice::move_member(&self.ctx, server, user, channel).await?;
            moved = Some(channel.map(|c| c.to_string()).unwrap_or_default());
        }
        let old = load_member(&self.ctx, server, user).await?;
        let old_flags = (old.member.server_mute, old.member.server_deaf);
        let mut new = old.member.clone();
        if let Some(nick) = patch.nickname {
            access.require(if acting_on_other {
                Permissions::MANAGE_NICKNAMES
            } else {
                Permissions::CHANGE_NICKNAME
            })?;
            new.nickname = if nick.trim().is_empty() {
                String::new()
            } else {
                validate::name("nickname", &nick, 1, 32)?
            };
        }
        if let Some(mute) = patch.server_mute {
            access.require(Permissions::MUTE_MEMBERS)?;
            new.server_mute = mute;
        }
        if let Some(deaf) = patch.server_deaf {
            access.require(Permissions::DEAFEN_MEMBERS)?;
            new.server_deaf = deaf;
        }
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().update_member(&new).await?;
        let mut changes: Vec<AuditChange> = [
            AuditChange::diff("nickname", &old.member.nickname, &new.nickname),
            AuditChange::diff("server_mute", old.member.server_mute, new.server_mute),
            AuditChange::diff("server_deaf", old.member.server_deaf, new.server_deaf),
        ]
        .into_iter()
        .flatten()
        .collect();
        let member = Member { member: new, ..old };
        if let Some(to) = moved {
            let voice_change = AuditChange {
                key: "voice_channel_id".to_owned(),
                old_value: String::new(),
                new_value: to,
            };
            if changes.is_empty() {
                change.audit(
                    server,
                    who.user_id,
                    AuditAction::MemberVoiceMove,
                    Some(user),
                    &reason,
                    vec![voice_change],
                );
            } else {
                changes.push(voice_change);
            }
            for (audience, event) in voice_events {
                change.publish(audience, event);
            }
        }
        if (member.member.server_mute, member.member.server_deaf) != (old_flags.0, old_flags.1) {
            let (mute, deaf) = (member.member.server_mute, member.member.server_deaf);
            change.announce(Box::new(move |ctx| {
                Box::pin(async move {
                    Ok(crate::voice::set_server_flags(&ctx, server, user, mute, deaf).await)
                })
            }));
        }
        if !changes.is_empty() {
            change.audit(
                server,
                who.user_id,
                AuditAction::MemberUpdate,
                Some(user),
                &reason,
                changes,
            );
            change.publish(
                Audience::server(server),
                Event::MemberUpdated(Box::new(member.clone())),
            );
        }
        change.commit().await?;
        Ok(member)
    }
}
