//! Friends, friend requests and blocks.
//!
//! A relationship is kept as two directed rows, each one user's view of the other. Every
//! change is one store transition that reads the pair, applies one of the pure rules in
//! [`rules`] and writes the result atomically; afterwards each user whose view changed gets
//! `RelationshipUpdated` / `RelationshipRemoved` — about their own view only, so a blocked
//! user never learns of the block (at most that a friendship or request went away, exactly as
//! after an unfriend or a declined request).

use std::{collections::HashMap, sync::Arc};

use tracing::instrument;

use crate::{
    change::Change,
    context::Context,
    error::{Error, Result},
    events::{Audience, Event},
    id::{Id, now_ms},
    model::User,
    principal::Principal,
    store::{PairKinds, RelationshipPair, RelationshipRecord, UserRecord},
};

pub use crate::model::{Relationship, RelationshipKind};

/// Whom a friend request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FriendTarget {
    /// By username (case-insensitive).
    Username(String),
    /// By id.
    Id(Id),
}

/// The transition rules, as pure functions of (my kind, their kind).
pub mod rules {
    use super::RelationshipKind::{self, Blocked, Friend, Incoming, Outgoing};
    use crate::{
        error::{Error, Result},
        store::PairKinds,
    };

    /// The refusal for requests across a block, the same whichever side blocked.
    pub fn request_refused() -> Error {
        Error::FailedPrecondition("cannot send a friend request to this user".to_owned())
    }

    /// Their view after my side of the relationship goes away: their block stays.
    fn drop_unless_blocked(k: Option<RelationshipKind>) -> Option<RelationshipKind> {
        k.filter(|k| *k == Blocked)
    }

    /// Sending a request: refused across a block; accepts a pending incoming request.
    pub fn send(pair: PairKinds) -> Result<PairKinds> {
        match pair {
            (Some(Blocked), _) | (_, Some(Blocked)) => Err(request_refused()),
            (Some(Friend), _) => Err(Error::Conflict("you are already friends".to_owned())),
            (Some(Outgoing), _) => Err(Error::Conflict(
                "you already sent this user a friend request".to_owned(),
            )),
            (Some(Incoming), _) => Ok((Some(Friend), Some(Friend))),
            (None, _) => Ok((Some(Outgoing), Some(Incoming))),
        }
    }

    /// Accepting needs an incoming request.
    pub fn accept(pair: PairKinds) -> Result<PairKinds> {
        match pair {
            (Some(Incoming), _) => Ok((Some(Friend), Some(Friend))),
            _ => Err(Error::NotFound("friend request")),
        }
    }

    /// Declining needs an incoming request.
    pub fn decline(pair: PairKinds) -> Result<PairKinds> {
        match pair {
            (Some(Incoming), theirs) => Ok((None, drop_unless_blocked(theirs))),
            _ => Err(Error::NotFound("friend request")),
        }
    }

    /// Cancelling needs an outgoing request.
    pub fn cancel(pair: PairKinds) -> Result<PairKinds> {
        match pair {
            (Some(Outgoing), theirs) => Ok((None, drop_unless_blocked(theirs))),
            _ => Err(Error::NotFound("friend request")),
        }
    }

    /// Unfriending needs a friendship.
    pub fn remove_friend(pair: PairKinds) -> Result<PairKinds> {
        match pair {
            (Some(Friend), theirs) => Ok((None, drop_unless_blocked(theirs))),
            _ => Err(Error::NotFound("friend")),
        }
    }

    /// Blocking always works (idempotent) and ends friendship and requests both ways.
    pub fn block(pair: PairKinds) -> Result<PairKinds> {
        Ok((Some(Blocked), drop_unless_blocked(pair.1)))
    }

    /// Unblocking needs a block by me; their side is untouched.
    pub fn unblock(pair: PairKinds) -> Result<PairKinds> {
        match pair {
            (Some(Blocked), theirs) => Ok((None, theirs)),
            _ => Err(Error::NotFound("block")),
        }
    }
}

/// The relationship service.
#[derive(Debug, Clone)]
pub struct RelationshipService {
    ctx: Arc<Context>,
}

fn relationship(record: &RelationshipRecord, other: &User) -> Result<Relationship> {
    Ok(Relationship {
        user: other.clone().public(),
        kind: record.kind,
        created_at_ms: record.created_at,
    })
}

/// Whether `a` and `b` are friends.
pub(crate) async fn are_friends(ctx: &Context, a: Id, b: Id) -> Result<bool> {
    let pair = ctx.store.relationship_pair(a, b).await?;
    Ok(pair
        .mine
        .map(|r| r.kind == RelationshipKind::Friend)
        .unwrap_or(false))
}

/// Ids of a user's friends.
pub(crate) async fn friend_ids(ctx: &Context, user: Id) -> Result<Vec<Id>> {
    Ok(ctx
        .store
        .relationships_of(user)
        .await?
        .into_iter()
        .filter(|r| r.kind == RelationshipKind::Friend)
        .map(|r| Id(r.other_id))
        .collect())
}

/// A user's relationships, oldest first (for `ListRelationships` and the Ready snapshot).
pub(crate) async fn list_for(ctx: &Context, user: Id) -> Result<Vec<Relationship>> {
    let rows = ctx.store.relationships_of(user).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.other_id).collect();
    let users: HashMap<i64, User> = ctx
        .store
        .users_by_ids(&ids)
        .await?
        .into_iter()
        .map(|u| (u.id, User::from(u)))
        .collect();
    rows.iter()
        .filter_map(|r| users.get(&r.other_id).map(|u| relationship(r, u)))
        .collect()
}

impl RelationshipService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    async fn user(&self, id: Id) -> Result<User> {
        self.ctx
            .store
            .user_by_id(id)
            .await?
            .map(User::from)
            .ok_or(Error::NotFound("user"))
    }

    /// Runs one transition between the caller and `other`, publishes what changed and
    /// returns the caller's view afterwards.
    async fn transition(
        &self,
        who: &Principal,
        other: &User,
        rule: fn(PairKinds) -> Result<PairKinds>,
    ) -> Result<Option<Relationship>> {
        if other.id == who.user_id {
            return Err(Error::FailedPrecondition(
                "you cannot do this with yourself".to_owned(),
            ));
        }
        let me = self.user(who.user_id).await?;
        let mut change = Change::begin(&self.ctx).await?;
        let (before, after) = change
            .tx()
            .transition_relationship(who.user_id, other.id, now_ms(), &rule)
            .await?;
        self.announce(&mut change, &me, other, &before, &after)
            .await?;
        change.commit().await?;
        after
            .mine
            .as_ref()
            .map(|r| relationship(r, other))
            .transpose()
    }

    /// Records in `change` that each side whose view changed hears of it.
    async fn announce(
        &self,
        change: &mut Change,
        me: &User,
        other: &User,
        before: &RelationshipPair,
        after: &RelationshipPair,
    ) -> Result<()> {
        let sides = [
            (me.id, other, &before.mine, &after.mine),
            (other.id, me, &before.theirs, &after.theirs),
        ];
        let friend = RelationshipKind::Friend;
        for (viewer, seen, old, new) in sides {
            let event = match (old, new) {
                (Some(_), None) => Event::RelationshipRemoved { user_id: seen.id },
                (_, Some(n)) if old.as_ref().map(|o| o.kind) != Some(n.kind) => {
                    Event::RelationshipUpdated(Box::new(relationship(n, seen)?))
                }
                _ => continue,
            };
            let became_friends = new.as_ref().is_some_and(|n| n.kind == friend);
            change.publish(Audience::users(vec![viewer]), event);
            // Presence is announced on change only: a new friend would look offline until
            // their status next moved.
            if became_friends {
                for presence in self.ctx.hub.presences([seen.id]).await {
                    change.publish(
                        Audience::users(vec![viewer]),
                        Event::PresenceUpdated(presence),
                    );
                }
            }
        }
        Ok(())
    }

    /// Sends a friend request, or accepts theirs if they already sent one. Refused across a
    /// block (either way) with the same generic message.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn send_request(
        &self,
        who: &Principal,
        target: FriendTarget,
    ) -> Result<Relationship> {
        if who.is_bot {
            return Err(bots_cannot_befriend());
        }
        let other: UserRecord = match target {
            FriendTarget::Username(name) => {
                let lower = name.trim().to_lowercase();
                if lower.is_empty() {
                    return Err(Error::invalid("username", "must not be empty"));
                }
                self.ctx.store.user_by_username(&lower).await?
            }
            FriendTarget::Id(id) => self.ctx.store.user_by_id(id).await?,
        }
        .ok_or(Error::NotFound("user"))?;
        let other = User::from(other);
        if other.is_bot {
            return Err(bots_cannot_befriend());
        }
        if other.id == who.user_id {
            return Err(Error::FailedPrecondition(
                "you cannot send a friend request to yourself".to_owned(),
            ));
        }
        self.transition(who, &other, rules::send)
            .await?
            .ok_or_else(|| Error::internal("friend request left no relationship"))
    }

    /// Accepts an incoming friend request.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn accept(&self, who: &Principal, other: Id) -> Result<Relationship> {
        if who.is_bot {
            return Err(bots_cannot_befriend());
        }
        let other = self.user(other).await?;
        self.transition(who, &other, rules::accept)
            .await?
            .ok_or_else(|| Error::internal("accepting left no relationship"))
    }

    /// Declines an incoming friend request.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn decline(&self, who: &Principal, other: Id) -> Result<()> {
        let other = self.user(other).await?;
        self.transition(who, &other, rules::decline).await?;
        Ok(())
    }

    /// Withdraws an outgoing friend request.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn cancel(&self, who: &Principal, other: Id) -> Result<()> {
        let other = self.user(other).await?;
        self.transition(who, &other, rules::cancel).await?;
        Ok(())
    }

    /// Ends a friendship on both sides.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn remove_friend(&self, who: &Principal, other: Id) -> Result<()> {
        let other = self.user(other).await?;
        self.transition(who, &other, rules::remove_friend).await?;
        Ok(())
    }

    /// Blocks a user (idempotent): ends friendship and pending requests both ways.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn block(&self, who: &Principal, other: Id) -> Result<Relationship> {
        let other = self.user(other).await?;
        self.transition(who, &other, rules::block)
            .await?
            .ok_or_else(|| Error::internal("blocking left no relationship"))
    }

    /// Lifts the caller's block of a user.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn unblock(&self, who: &Principal, other: Id) -> Result<()> {
        let other = self.user(other).await?;
        self.transition(who, &other, rules::unblock).await?;
        Ok(())
    }

    /// The caller's relationships, oldest first. Blocks by others are not among them.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list(&self, who: &Principal) -> Result<Vec<Relationship>> {
        list_for(&self.ctx, who.user_id).await
    }
}

/// Bots have no friends: they neither send nor receive nor accept friend requests.
fn bots_cannot_befriend() -> Error {
    Error::PermissionDenied("bots cannot have friends".to_owned())
}

#[cfg(test)]
mod tests {
    use super::{
        RelationshipKind::{Blocked, Friend, Incoming, Outgoing},
        rules,
    };
    use crate::error::Error;

    #[test]
    fn sending_requests() {
        assert_eq!(
            rules::send((None, None)).ok(),
            Some((Some(Outgoing), Some(Incoming)))
        );
        assert_eq!(
            rules::send((Some(Incoming), Some(Outgoing))).ok(),
            Some((Some(Friend), Some(Friend)))
        );
        assert!(matches!(
            rules::send((Some(Friend), Some(Friend))),
            Err(Error::Conflict(_))
        ));
        assert!(matches!(
            rules::send((Some(Outgoing), Some(Incoming))),
            Err(Error::Conflict(_))
        ));
        // Blocked either way: the same refusal.
        let a = rules::send((None, Some(Blocked)))
            .err()
            .map(|e| e.to_string());
        let b = rules::send((Some(Blocked), None))
            .err()
            .map(|e| e.to_string());
        assert!(a.is_some());
        assert_eq!(a, b);
    }

    #[test]
    fn blocking_and_unblocking() {
        assert_eq!(
            rules::block((Some(Friend), Some(Friend))).ok(),
            Some((Some(Blocked), None))
        );
        assert_eq!(
            rules::block((None, Some(Blocked))).ok(),
            Some((Some(Blocked), Some(Blocked)))
        );
        assert_eq!(
            rules::unblock((Some(Blocked), Some(Blocked))).ok(),
            Some((None, Some(Blocked)))
        );
        assert!(matches!(
            rules::unblock((None, Some(Blocked))),
            Err(Error::NotFound(_))
        ));
        // Declining or unfriending never erases the other side's block.
        assert_eq!(
            rules::decline((Some(Incoming), Some(Blocked))).ok(),
            Some((None, Some(Blocked)))
        );
        assert!(matches!(
            rules::accept((Some(Outgoing), Some(Incoming))),
            Err(Error::NotFound(_))
        ));
    }
}
