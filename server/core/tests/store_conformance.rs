//! The store conformance suite: the SAME cases run directly against the `Store` trait on
//! SQLite and on PostgreSQL (a fresh database per test, dropped by its guard even when the
//! test panics), so the two backends cannot drift: reads and writes of each area, ordering,
//! paging, unique violations mapped to `Error::Conflict`, rollback of an uncommitted write
//! transaction, and what a delete takes with it.
//!
//! Run alone: `cargo test -p decentra-core --test store_conformance` (PostgreSQL from
//! `TEST_DATABASE_URL`, else a private throwaway cluster).

#[path = "support/pg.rs"]
mod pg;

use std::{future::Future, sync::Arc};

use decentra_core::{
    Error, Id,
    model::{AuditAction, ChannelKind, MentionKind, MessageKind, OverwriteKind, RelationshipKind},
    store::{
        self, AuditRecord, BanRecord, ChannelRecord, Gate, InsertOutcome, JoinOutcome,
        MemberRecord, MessageRecord, NewEmailToken, NewMessage, NewServer, NewUser,
        OverwriteRecord, PairKinds, PendingNotification, Registered, RoleRecord,
        ServerInviteRecord, ServerRecord, Store, TokenPurpose, UserFlags,
    },
};

/// Runs `case` on a fresh SQLite database and on a fresh PostgreSQL database.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::on_sqlite(super::$name).await;
            }

            #[tokio::test]
            async fn postgres() {
                super::on_postgres(super::$name).await;
            }
        }
    )*};
}

conformance!(
    users_are_unique_by_name,
    server_create_read_and_rollback,
    members_page_by_user_id_and_leave_cleanly,
    channels_keep_kinds_overwrites_and_parents,
    roles_shift_positions_and_cascade,
    invites_and_bans_decide_who_joins,
    audit_log_pages_newest_first_with_filters,
    deleting_a_server_takes_everything_with_it,
    relationships_store_kinds_per_direction,
    notification_periods_start_once_and_end,
    a_channel_s_newest_message_follows_sends_and_deletes,
    a_batch_stores_mentions_and_answers_nonce_twins,
    a_batch_is_stored_whole_or_not_at_all,
);

async fn on_sqlite<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    let store = store::connect(&url).await.expect("open SQLite");
    case(store).await;
}

async fn on_postgres<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let database = pg::fresh_database().await;
    let store = store::connect(&database.url)
        .await
        .expect("open PostgreSQL");
    case(store).await;
    drop(database);
}

// ---- fixtures ----------------------------------------------------------------------------

const NOW: i64 = 1_700_000_000_000;

async fn user(store: &Arc<dyn Store>, id: i64, name: &str) -> Id {
    let registered = store
        .register_user(
            NewUser {
                id: Id(id),
                username: name.to_owned(),
                email: None,
                password_hash: "hash".to_owned(),
                created_at: NOW,
            },
            Gate::Open,
            NOW,
        )
        .await
        .expect("register");
    match registered {
        Registered::Created { user, .. } => Id(user.id),
        Registered::Refused(r) => panic!("registration refused: {r:?}"),
    }
}

fn channel(id: i64, server: i64, kind: ChannelKind, parent: Option<i64>) -> ChannelRecord {
    ChannelRecord {
        id,
        server_id: Some(server),
        kind,
        name: format!("c{id}"),
        topic: String::new(),
        parent_id: parent,
        position: 0,
        owner_id: None,
        icon_url: String::new(),
        user_limit: 0,
        bitrate: 64_000,
        rate_limit_per_user: 0,
        last_message_id: None,
        last_pin_at: None,
        created_at: NOW,
    }
}

fn role(id: i64, server: i64, position: i64) -> RoleRecord {
    RoleRecord {
        id,
        server_id: server,
        name: format!("r{id}"),
        permissions: 0,
        position,
        color: 0,
        hoist: false,
        mentionable: false,
        created_at: NOW,
    }
}

/// A server `id` owned by `owner` with @everyone, a category (`id + 1`) and a text channel
/// (`id + 2`) in it, committed.
async fn server(store: &Arc<dyn Store>, id: i64, owner: Id) -> Id {
    let new = NewServer {
        server: ServerRecord {
            id,
            name: format!("s{id}"),
            owner_id: owner.0,
            icon_url: String::new(),
            description: String::new(),
            system_channel_id: Some(id + 2),
            created_at: NOW,
            member_count: 0,
        },
        everyone: role(id, id, 0),
        channels: vec![
            channel(id + 1, id, ChannelKind::Category, None),
            channel(id + 2, id, ChannelKind::Text, Some(id + 1)),
        ],
    };
    let mut tx = store.begin_write().await.expect("begin");
    tx.create_server(&new).await.expect("create server");
    tx.commit().await.expect("commit");
    Id(id)
}

fn invite(id: i64, code: &str, server: i64, max_uses: Option<i64>) -> ServerInviteRecord {
    ServerInviteRecord {
        id,
        code: code.to_owned(),
        server_id: server,
        channel_id: None,
        inviter_id: None,
        max_uses,
        uses: 0,
        expires_at: None,
        revoked_at: None,
        created_at: NOW,
    }
}

fn audit(id: i64, server: i64, action: AuditAction, actor: Id) -> AuditRecord {
    AuditRecord {
        id,
        server_id: server,
        action,
        actor_id: actor.0,
        target_id: None,
        reason: String::new(),
        changes: "[]".to_owned(),
        created_at: NOW,
    }
}

fn is_conflict<T: std::fmt::Debug>(r: Result<T, Error>) -> bool {
    matches!(r, Err(Error::Conflict(_)))
}

// ---- cases ---------------------------------------------------------------------------------

async fn users_are_unique_by_name(store: Arc<dyn Store>) {
    let ada = user(&store, 10, "ada").await;
    let found = store
        .user_by_username("ada")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(found.id, ada.0);
    let again = store
        .register_user(
            NewUser {
                id: Id(11),
                username: "ADA".to_owned(),
                email: None,
                password_hash: "hash".to_owned(),
                created_at: NOW,
            },
            Gate::Open,
            NOW,
        )
        .await;
    match again {
        Err(Error::Conflict(message)) => assert!(message.contains("username"), "{message}"),
        other => panic!("a second `ada` must conflict on the username, got {other:?}"),
    }
    assert!(store.user_by_id(Id(11)).await.expect("read").is_none());
}

async fn server_create_read_and_rollback(store: Arc<dyn Store>) {
    let owner = user(&store, 10, "owner").await;
    let s = server(&store, 100, owner).await;
    let read = store.server(s).await.expect("read").expect("exists");
    assert_eq!((read.name.as_str(), read.owner_id), ("s100", owner.0));
    assert_eq!(read.member_count, 1, "the owner is the first member");
    assert_eq!(read.system_channel_id, Some(102));
    assert_eq!(store.owned_server_count(owner).await.expect("count"), 1);

    let second = server(&store, 200, owner).await;
    let mine: Vec<i64> = store
        .servers_of_user(owner)
        .await
        .expect("list")
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(mine, [s.0, second.0], "oldest first");

    let rows = store
        .permission_rows(s)
        .await
        .expect("rows")
        .expect("exists");
    assert_eq!(rows.roles.len(), 1);
    assert_eq!(rows.channels.len(), 2);
    assert_eq!(rows.members, [owner.0]);
    assert!(
        store
            .permission_rows(Id(999))
            .await
            .expect("rows")
            .is_none()
    );

    // An uncommitted transaction leaves nothing behind.
    let mut tx = store.begin_write().await.expect("begin");
    let mut renamed = read.clone();
    renamed.name = "renamed".to_owned();
    tx.update_server(&renamed).await.expect("update");
    drop(tx);
    assert_eq!(
        store.server(s).await.expect("read").expect("exists").name,
        "s100"
    );

    let mut tx = store.begin_write().await.expect("begin");
    tx.update_server(&renamed).await.expect("update");
    tx.commit().await.expect("commit");
    assert_eq!(
        store.server(s).await.expect("read").expect("exists").name,
        "renamed"
    );

    // The same id twice is a conflict, not an internal error.
    let mut tx = store.begin_write().await.expect("begin");
    let duplicate = NewServer {
        server: read.clone(),
        everyone: role(100, 100, 0),
        channels: Vec::new(),
    };
    assert!(is_conflict(tx.create_server(&duplicate).await));
}

async fn members_page_by_user_id_and_leave_cleanly(store: Arc<dyn Store>) {
    let owner = user(&store, 10, "owner").await;
    let s = server(&store, 100, owner).await;
    let mut others = Vec::new();
    for (i, name) in ["b", "c", "d"].iter().enumerate() {
        others.push(user(&store, 20 + i as i64, name).await);
    }
    let mut tx = store.begin_write().await.expect("begin");
    for u in others.iter().rev() {
        assert!(tx.add_member(s, *u, NOW).await.expect("add"));
    }
    assert!(
        !tx.add_member(s, others[0], NOW).await.expect("again"),
        "already a member"
    );
    tx.create_role(&role(150, s.0, 1)).await.expect("role");
    assert!(
        tx.set_member_role(s, others[0], Id(150), true)
            .await
            .expect("assign")
    );
    assert!(
        !tx.set_member_role(s, others[0], Id(150), true)
            .await
            .expect("again")
    );
    tx.upsert_overwrite(&OverwriteRecord {
        channel_id: 102,
        target_id: others[0].0,
        target_kind: OverwriteKind::Member,
        allow_bits: 1,
        deny_bits: 0,
    })
    .await
    .expect("overwrite");
    tx.commit().await.expect("commit");

    let first: Vec<i64> = store
        .members(s, None, 2, None)
        .await
        .expect("page")
        .into_iter()
        .map(|(m, u)| {
            assert_eq!(m.user_id, u.id);
            m.user_id
        })
        .collect();
    assert_eq!(first, [owner.0, others[0].0], "ordered by user id");
    let rest: Vec<i64> = store
        .members(s, Some(Id(first[1])), 10, None)
        .await
        .expect("page")
        .into_iter()
        .map(|(m, _)| m.user_id)
        .collect();
    assert_eq!(rest, [others[1].0, others[2].0]);
    assert_eq!(
        store
            .member_role_pairs(s, &[others[0].0, others[1].0])
            .await
            .expect("pairs"),
        [(others[0].0, 150)]
    );

    // Leaving takes the role assignments and the member's own overwrites along.
    let mut tx = store.begin_write().await.expect("begin");
    assert!(tx.remove_member(s, others[0]).await.expect("remove"));
    assert!(!tx.remove_member(s, others[0]).await.expect("again"));
    tx.commit().await.expect("commit");
    assert!(store.member(s, others[0]).await.expect("read").is_none());
    assert!(
        store
            .member_role_pairs(s, &[others[0].0])
            .await
            .expect("pairs")
            .is_empty()
    );
    assert!(
        store
            .channel_overwrites(Id(102))
            .await
            .expect("overwrites")
            .is_empty()
    );
}

async fn channels_keep_kinds_overwrites_and_parents(store: Arc<dyn Store>) {
    let owner = user(&store, 10, "owner").await;
    let s = server(&store, 100, owner).await;
    let mut tx = store.begin_write().await.expect("begin");
    let voice = channel(110, s.0, ChannelKind::Voice, Some(101));
    let overwrite = OverwriteRecord {
        channel_id: 110,
        target_id: s.0,
        target_kind: OverwriteKind::Role,
        allow_bits: 0,
        deny_bits: 1 << 10,
    };
    tx.create_channel(&voice, std::slice::from_ref(&overwrite))
        .await
        .expect("create");
    assert!(
        is_conflict(tx.create_channel(&voice, &[]).await),
        "same id twice"
    );
    tx.commit().await.expect("commit");

    let read = store.channel(Id(110)).await.expect("read").expect("exists");
    assert_eq!(read, voice);
    assert_eq!(read.kind, ChannelKind::Voice);
    assert_eq!(
        store.channel_overwrites(Id(110)).await.expect("read"),
        std::slice::from_ref(&overwrite)
    );
    assert_eq!(store.server_overwrites(s).await.expect("read"), [overwrite]);
    let kinds: Vec<ChannelKind> = store
        .channels(s)
        .await
        .expect("list")
        .into_iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(kinds.len(), 3);
    assert!(kinds.contains(&ChannelKind::Category) && kinds.contains(&ChannelKind::Text));

    // Deleting the category orphans its children; deleting a channel takes its overwrites
    // and clears the server's system channel.
    let mut tx = store.begin_write().await.expect("begin");
    tx.delete_channel(Id(101)).await.expect("delete category");
    tx.delete_channel(Id(110)).await.expect("delete voice");
    tx.delete_channel(Id(102)).await.expect("delete text");
    tx.commit().await.expect("commit");
    assert!(store.channel(Id(110)).await.expect("read").is_none());
    assert!(
        store
            .channel_overwrites(Id(110))
            .await
            .expect("read")
            .is_empty()
    );
    assert!(store.channels(s).await.expect("list").is_empty());
    assert_eq!(
        store
            .server(s)
            .await
            .expect("read")
            .expect("exists")
            .system_channel_id,
        None
    );
}

async fn roles_shift_positions_and_cascade(store: Arc<dyn Store>) {
    let owner = user(&store, 10, "owner").await;
    let member = user(&store, 11, "member").await;
    let s = server(&store, 100, owner).await;
    let mut tx = store.begin_write().await.expect("begin");
    tx.add_member(s, member, NOW).await.expect("add");
    tx.create_role(&role(150, s.0, 1)).await.expect("a");
    tx.create_role(&role(151, s.0, 1))
        .await
        .expect("b, below a");
    tx.set_member_role(s, member, Id(150), true)
        .await
        .expect("assign");
    tx.commit().await.expect("commit");
    let positions: Vec<(i64, i64)> = {
        let mut roles: Vec<(i64, i64)> = store
            .roles(s)
            .await
            .expect("roles")
            .into_iter()
            .map(|r| (r.id, r.position))
            .collect();
        roles.sort_unstable();
        roles
    };
    assert_eq!(positions, [(100, 0), (150, 2), (151, 1)]);

    let mut tx = store.begin_write().await.expect("begin");
    tx.delete_role(Id(150)).await.expect("delete");
    tx.commit().await.expect("commit");
    assert!(
        store
            .member_role_pairs(s, &[member.0])
            .await
            .expect("pairs")
            .is_empty()
    );
    assert!(
        store.member(s, member).await.expect("read").is_some(),
        "only the role went"
    );
}

async fn invites_and_bans_decide_who_joins(store: Arc<dyn Store>) {
    let owner = user(&store, 10, "owner").await;
    let joiner = user(&store, 11, "joiner").await;
    let banned = user(&store, 12, "banned").await;
    let late = user(&store, 13, "late").await;
    let s = server(&store, 100, owner).await;
    let mut tx = store.begin_write().await.expect("begin");
    tx.create_server_invite(&invite(300, "once", s.0, Some(1)))
        .await
        .expect("invite");
    tx.create_server_invite(&invite(301, "open", s.0, None))
        .await
        .expect("invite");
    tx.commit().await.expect("commit");
    // A failed write ends its transaction (PostgreSQL aborts it): check in one of its own.
    let mut tx = store.begin_write().await.expect("begin");
    assert!(
        is_conflict(
            tx.create_server_invite(&invite(302, "open", s.0, None))
                .await
        ),
        "codes are unique"
    );
    drop(tx);

    let mut tx = store.begin_write().await.expect("begin");
    tx.ban(&BanRecord {
        server_id: s.0,
        user_id: banned.0,
        reason: "spam".to_owned(),
        banned_by: Some(owner.0),
        created_at: NOW,
    })
    .await
    .expect("ban");
    assert!(
        !tx.add_member(s, banned, NOW).await.expect("add"),
        "banned users cannot be added"
    );
    assert_eq!(
        tx.join_by_invite("once", joiner, NOW).await.expect("join"),
        JoinOutcome::Joined { server_id: s.0 }
    );
    assert_eq!(
        tx.join_by_invite("once", joiner, NOW).await.expect("join"),
        JoinOutcome::AlreadyMember { server_id: s.0 }
    );
    assert_eq!(
        tx.join_by_invite("once", late, NOW).await.expect("join"),
        JoinOutcome::UnusableInvite,
        "used up"
    );
    assert_eq!(
        tx.join_by_invite("open", banned, NOW).await.expect("join"),
        JoinOutcome::Banned
    );
    assert_eq!(
        tx.join_by_invite("nope", late, NOW).await.expect("join"),
        JoinOutcome::UnknownInvite
    );
    let revoked = tx
        .revoke_server_invite("open", NOW)
        .await
        .expect("revoke")
        .expect("exists");
    assert_eq!(revoked.revoked_at, Some(NOW));
    assert_eq!(
        tx.join_by_invite("open", late, NOW).await.expect("join"),
        JoinOutcome::UnusableInvite,
        "revoked"
    );
    tx.commit().await.expect("commit");

    assert_eq!(
        store
            .server_invite("once")
            .await
            .expect("read")
            .expect("exists")
            .uses,
        1
    );
    let listed: Vec<i64> = store
        .server_invites(s, None, 10)
        .await
        .expect("list")
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(listed, [301, 300], "newest first");
    assert_eq!(
        store
            .server_invites(s, Some(Id(301)), 10)
            .await
            .expect("page")
            .len(),
        1
    );
    let ban = store
        .ban_of(s, banned)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(ban.reason, "spam");
    assert_eq!(store.bans(s, None, 10).await.expect("list").len(), 1);
    assert!(
        store
            .bans(s, Some(banned), 10)
            .await
            .expect("page")
            .is_empty()
    );

    let mut tx = store.begin_write().await.expect("begin");
    assert!(tx.unban(s, banned).await.expect("unban"));
    assert!(!tx.unban(s, banned).await.expect("again"));
    tx.commit().await.expect("commit");
    assert!(store.ban_of(s, banned).await.expect("read").is_none());
}

async fn audit_log_pages_newest_first_with_filters(store: Arc<dyn Store>) {
    let owner = user(&store, 10, "owner").await;
    let moderator = user(&store, 11, "moderator").await;
    let s = server(&store, 100, owner).await;
    let mut tx = store.begin_write().await.expect("begin");
    tx.add_audit(&audit(400, s.0, AuditAction::ChannelCreate, owner))
        .await
        .expect("audit");
    tx.add_audit(&audit(401, s.0, AuditAction::MemberKick, moderator))
        .await
        .expect("audit");
    tx.add_audit(&audit(402, s.0, AuditAction::ChannelCreate, moderator))
        .await
        .expect("audit");
    tx.commit().await.expect("commit");
    let mut tx = store.begin_write().await.expect("begin");
    assert!(
        is_conflict(
            tx.add_audit(&audit(402, s.0, AuditAction::RoleCreate, owner))
                .await
        ),
        "same id twice"
    );
    drop(tx);

    let ids = |entries: Vec<AuditRecord>| entries.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.audit_log(s, None, 10, None, None).await.expect("all")),
        [402, 401, 400]
    );
    assert_eq!(
        ids(store
            .audit_log(s, Some(Id(402)), 1, None, None)
            .await
            .expect("page")),
        [401]
    );
    let creates = store
        .audit_log(s, None, 10, Some(AuditAction::ChannelCreate), None)
        .await
        .expect("by action");
    assert!(
        creates
            .iter()
            .all(|e| e.action == AuditAction::ChannelCreate)
    );
    assert_eq!(ids(creates), [402, 400]);
    assert_eq!(
        ids(store
            .audit_log(s, None, 10, Some(AuditAction::ChannelCreate), Some(owner))
            .await
            .expect("by both")),
        [400]
    );
}

async fn deleting_a_server_takes_everything_with_it(store: Arc<dyn Store>) {
    let owner = user(&store, 10, "owner").await;
    let member = user(&store, 11, "member").await;
    let s = server(&store, 100, owner).await;
    let mut tx = store.begin_write().await.expect("begin");
    tx.add_member(s, member, NOW).await.expect("add");
    tx.create_role(&role(150, s.0, 1)).await.expect("role");
    tx.set_member_role(s, member, Id(150), true)
        .await
        .expect("assign");
    tx.create_server_invite(&invite(300, "code", s.0, None))
        .await
        .expect("invite");
    tx.add_audit(&audit(400, s.0, AuditAction::RoleCreate, owner))
        .await
        .expect("audit");
    tx.commit().await.expect("commit");

    let mut tx = store.begin_write().await.expect("begin");
    tx.delete_server(s).await.expect("delete");
    tx.commit().await.expect("commit");
    assert!(store.server(s).await.expect("read").is_none());
    assert!(store.channels(s).await.expect("channels").is_empty());
    assert!(store.channel(Id(102)).await.expect("channel").is_none());
    assert!(store.roles(s).await.expect("roles").is_empty());
    assert!(store.member(s, member).await.expect("member").is_none());
    assert!(store.server_invite("code").await.expect("invite").is_none());
    assert!(
        store
            .audit_log(s, None, 10, None, None)
            .await
            .expect("audit")
            .is_empty()
    );
    assert!(store.servers_of_user(owner).await.expect("list").is_empty());
    assert!(
        store.user_by_id(member).await.expect("user").is_some(),
        "users stay"
    );
}

async fn relationships_store_kinds_per_direction(store: Arc<dyn Store>) {
    let a = user(&store, 10, "a").await;
    let b = user(&store, 11, "b").await;
    let request = |_: PairKinds| {
        Ok((
            Some(RelationshipKind::Outgoing),
            Some(RelationshipKind::Incoming),
        ))
    };
    let mut tx = store.begin_write().await.expect("begin");
    let (before, after) = tx
        .transition_relationship(a, b, NOW, &request)
        .await
        .expect("request");
    tx.commit().await.expect("commit");
    assert!(before.mine.is_none() && before.theirs.is_none());
    assert_eq!(after.mine.map(|r| r.kind), Some(RelationshipKind::Outgoing));
    let pair = store.relationship_pair(b, a).await.expect("pair");
    assert_eq!(pair.mine.map(|r| r.kind), Some(RelationshipKind::Incoming));
    assert_eq!(
        pair.theirs.map(|r| r.kind),
        Some(RelationshipKind::Outgoing)
    );
    assert!(!store.blocked_either_way(a, b).await.expect("blocked"));

    // A refused transition writes nothing.
    let refuse = |_: PairKinds| Err(Error::invalid("user_id", "refused"));
    let mut tx = store.begin_write().await.expect("begin");
    assert!(
        tx.transition_relationship(a, b, NOW, &refuse)
            .await
            .is_err()
    );
    drop(tx);

    let block = |_: PairKinds| Ok((Some(RelationshipKind::Blocked), None));
    let mut tx = store.begin_write().await.expect("begin");
    tx.transition_relationship(a, b, NOW + 1, &block)
        .await
        .expect("block");
    tx.commit().await.expect("commit");
    assert!(store.blocked_either_way(b, a).await.expect("blocked"));
    let mine = store.relationships_of(a).await.expect("list");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].kind, RelationshipKind::Blocked);
    assert!(store.relationships_of(b).await.expect("list").is_empty());
}

fn pending(user: Id, message: i64) -> PendingNotification {
    PendingNotification {
        user_id: user.0,
        channel_id: 500,
        author_id: 99,
        message_id: message,
        due_at: NOW + 10,
        created_at: NOW,
    }
}

/// A notification row is written once per offline period and only for an opted-in user with
/// a verified address; it is due at `due_at`, mailed once, and gone when the period ends. An
/// unsubscribe token works once and turns the opt-in off.
async fn notification_periods_start_once_and_end(store: Arc<dyn Store>) {
    let ada = user(&store, 10, "ada").await;
    let bob = user(&store, 11, "bob").await;
    let mut tx = store.begin_write().await.expect("begin");
    for (who, address) in [(ada, "ada@example.test"), (bob, "bob@example.test")] {
        tx.set_email(who, address).await.expect("email");
        tx.set_user_flags(
            who,
            UserFlags {
                email_verified: Some(true),
                ..UserFlags::default()
            },
        )
        .await
        .expect("verified");
    }
    tx.set_email_notifications(ada, true).await.expect("opt in");
    tx.commit().await.expect("commit");
    assert!(
        store
            .user_by_id(ada)
            .await
            .expect("read")
            .expect("ada")
            .email_notifications
    );

    // Only Ada opted in; a second message of her period writes nothing.
    let mut tx = store.begin_write().await.expect("begin");
    let written = tx
        .add_notifications(&[pending(ada, 1), pending(bob, 1)])
        .await
        .expect("add");
    assert_eq!(written, 1);
    assert_eq!(
        tx.add_notifications(&[pending(ada, 2)]).await.expect("add"),
        0
    );
    tx.commit().await.expect("commit");
    assert!(store.in_notification_period(ada).await.expect("read"));
    assert!(!store.in_notification_period(bob).await.expect("read"));
    assert!(
        store
            .due_notifications(NOW + 9, 10)
            .await
            .expect("due")
            .is_empty()
    );
    assert_eq!(
        store.due_notifications(NOW + 10, 10).await.expect("due"),
        vec![pending(ada, 1)]
    );
    assert_eq!(
        store.next_notification_due().await.expect("next"),
        Some(NOW + 10)
    );

    // Mailed once (for the row's own message), then no longer due but still the period.
    let mut tx = store.begin_write().await.expect("begin");
    assert!(
        !tx.mark_notification_mailed(ada, 2, NOW)
            .await
            .expect("mark")
    );
    assert!(
        tx.mark_notification_mailed(ada, 1, NOW)
            .await
            .expect("mark")
    );
    assert!(
        !tx.mark_notification_mailed(ada, 1, NOW)
            .await
            .expect("mark")
    );
    tx.commit().await.expect("commit");
    assert!(
        store
            .due_notifications(NOW + 10, 10)
            .await
            .expect("due")
            .is_empty()
    );
    assert_eq!(store.next_notification_due().await.expect("next"), None);
    assert!(store.in_notification_period(ada).await.expect("read"));
    store.end_notification_period(ada).await.expect("end");
    assert!(!store.in_notification_period(ada).await.expect("read"));

    // A dropped row ends nothing else; a new period may start after it.
    let mut tx = store.begin_write().await.expect("begin");
    assert_eq!(
        tx.add_notifications(&[pending(ada, 3)]).await.expect("add"),
        1
    );
    tx.commit().await.expect("commit");
    store.drop_notification(ada, 3).await.expect("drop");
    assert!(!store.in_notification_period(ada).await.expect("read"));

    // The unsubscribe token works once, turns the opt-in off and forgets a pending row.
    let mut tx = store.begin_write().await.expect("begin");
    assert_eq!(
        tx.add_notifications(&[pending(ada, 4)]).await.expect("add"),
        1
    );
    tx.add_email_token(&NewEmailToken {
        hash: vec![7; 32],
        user_id: ada,
        purpose: TokenPurpose::Unsubscribe,
        email: "ada@example.test".to_owned(),
        created_at: NOW,
        expires_at: NOW + 1000,
    })
    .await
    .expect("token");
    tx.commit().await.expect("commit");
    let mut tx = store.begin_write().await.expect("begin");
    assert_eq!(
        tx.use_unsubscribe_token(&[7; 32], NOW + 1)
            .await
            .expect("use"),
        Some(ada)
    );
    assert_eq!(
        tx.use_unsubscribe_token(&[7; 32], NOW + 2)
            .await
            .expect("reuse"),
        None
    );
    tx.commit().await.expect("commit");
    assert!(
        !store
            .user_by_id(ada)
            .await
            .expect("read")
            .expect("ada")
            .email_notifications
    );
    assert!(!store.in_notification_period(ada).await.expect("read"));
}

fn message(id: i64, channel: i64, server: i64, author: Id) -> NewMessage {
    NewMessage {
        message: MessageRecord {
            id,
            channel_id: channel,
            server_id: Some(server),
            author_id: author.0,
            kind: MessageKind::Default,
            content: format!("m{id}"),
            nonce: None,
            reply_to_id: None,
            mention_everyone: false,
            pinned_at: None,
            edited_at: None,
            created_at: NOW,
            author_nickname: String::new(),
        },
        mentions: Vec::new(),
        attachment_ids: Vec::new(),
    }
}

/// A channel's newest message is derived from its messages (no channel row is written by a
/// send): it follows a batch, falls back when the newest is deleted, and drives the
/// unread flag of a read state.
async fn a_channel_s_newest_message_follows_sends_and_deletes(store: Arc<dyn Store>) {
    let owner = user(&store, 10, "owner").await;
    let reader = user(&store, 11, "reader").await;
    let s = server(&store, 100, owner).await;
    let text = Id(102);
    let newest = |store: Arc<dyn Store>| async move {
        store
            .channel(text)
            .await
            .expect("read")
            .expect("exists")
            .last_message_id
    };
    assert_eq!(newest(Arc::clone(&store)).await, None, "no message yet");

    let outcomes = store
        .insert_messages(&[
            message(1001, text.0, s.0, owner),
            message(1003, text.0, s.0, owner),
            message(1002, text.0, s.0, owner),
        ])
        .await
        .expect("insert");
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, InsertOutcome::Created(_)))
    );
    assert_eq!(newest(Arc::clone(&store)).await, Some(1003));
    let listed = store.channels(s).await.expect("list");
    let listed = listed.iter().find(|c| c.id == text.0).expect("listed");
    assert_eq!(listed.last_message_id, Some(1003), "listings agree");
    let states = store.read_states(reader, &[text]).await.expect("states");
    assert!(
        states[0].unread,
        "a reader who read nothing has unread messages"
    );

    let mut tx = store.begin_write().await.expect("begin");
    tx.delete_message(text, Id(1003)).await.expect("delete");
    tx.commit().await.expect("commit");
    assert_eq!(newest(Arc::clone(&store)).await, Some(1002));
    let mut tx = store.begin_write().await.expect("begin");
    tx.delete_message(text, Id(1001)).await.expect("delete");
    tx.delete_message(text, Id(1002)).await.expect("delete");
    tx.commit().await.expect("commit");
    assert_eq!(
        newest(Arc::clone(&store)).await,
        None,
        "every message deleted"
    );
    let states = store.read_states(reader, &[text]).await.expect("states");
    assert!(!states[0].unread, "nothing left to read");
}

/// The owner (user 10) of server 100, a member `reader` (user 11) and the server's text
/// channel 102: `(owner, reader, server, channel)`.
async fn owner_and_reader(store: &Arc<dyn Store>) -> (Id, Id, Id, Id) {
    let owner = user(store, 10, "owner").await;
    let reader = user(store, 11, "reader").await;
    let s = server(store, 100, owner).await;
    let mut tx = store.begin_write().await.expect("begin");
    assert!(tx.add_member(s, reader, NOW).await.expect("join"));
    tx.commit().await.expect("commit");
    (owner, reader, s, Id(102))
}

/// One batch: created rows come back with the author's nickname, mentions of created rows are
/// stored, and a nonce already taken — earlier, or by a message earlier in the same batch —
/// answers the stored twin instead of a second row (and stores no mention of its own).
async fn a_batch_stores_mentions_and_answers_nonce_twins(store: Arc<dyn Store>) {
    let (owner, reader, s, text) = owner_and_reader(&store).await;
    let mut tx = store.begin_write().await.expect("begin");
    tx.update_member(&MemberRecord {
        server_id: s.0,
        user_id: owner.0,
        nickname: "boss".to_owned(),
        joined_at: NOW,
        server_mute: false,
        server_deaf: false,
    })
    .await
    .expect("nickname");
    tx.commit().await.expect("commit");

    let with_nonce = |id: i64, nonce: &str, mentions: bool| {
        let mut m = message(id, text.0, s.0, owner);
        m.message.nonce = Some(nonce.to_owned());
        if mentions {
            m.mentions = vec![(MentionKind::User, reader.0)];
        }
        m
    };
    let first = store
        .insert_messages(&[with_nonce(1001, "a", true)])
        .await
        .expect("insert");
    assert!(matches!(&first[..], [InsertOutcome::Created(m)] if m.author_nickname == "boss"));

    let outcomes = store
        .insert_messages(&[
            with_nonce(1002, "a", true),
            with_nonce(1003, "b", true),
            with_nonce(1004, "b", true),
            message(1005, text.0, s.0, owner),
        ])
        .await
        .expect("insert");
    let ids: Vec<(bool, i64)> = outcomes
        .iter()
        .map(|o| match o {
            InsertOutcome::Created(m) => (true, m.id),
            InsertOutcome::Duplicate(m) => (false, m.id),
            other => panic!("unexpected outcome {other:?}"),
        })
        .collect();
    assert_eq!(
        ids,
        [(false, 1001), (true, 1003), (false, 1003), (true, 1005)],
        "created or the stored twin, in batch order"
    );
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, InsertOutcome::Created(m) | InsertOutcome::Duplicate(m) if m.author_nickname == "boss"))
    );
    let states = store.read_states(reader, &[text]).await.expect("states");
    assert_eq!(
        states[0].mention_count, 2,
        "one mention per created message"
    );
}

/// A batch with a row the database refuses (an author that does not exist) stores nothing,
/// with mentions or without: the message committer then retries each message alone. Every
/// column of a stored row comes back as it was sent, whatever its text holds.
async fn a_batch_is_stored_whole_or_not_at_all(store: Arc<dyn Store>) {
    let (owner, reader, s, text) = owner_and_reader(&store).await;
    let mentions_of_reader =
        || async { store.read_states(reader, &[text]).await.expect("states")[0].mention_count };

    let mut full = message(2001, text.0, s.0, owner);
    full.message.content =
        "quotes \" ' and \\ back\nslash, ünïcödé 🦀, <@11> $1 ?1 NULL".to_owned();
    full.message.nonce = Some("nonce-\"1\"".to_owned());
    full.message.reply_to_id = Some(1);
    full.message.mention_everyone = true;
    full.message.edited_at = Some(NOW + 5);
    full.message.created_at = NOW + 1;
    let mut mentioning = message(2003, text.0, s.0, owner);
    mentioning.mentions = vec![(MentionKind::User, reader.0)];
    let orphan = message(2002, text.0, s.0, Id(999));
    for good in [&full, &mentioning] {
        assert!(
            store
                .insert_messages(&[good.clone(), orphan.clone()])
                .await
                .is_err(),
            "an author that does not exist fails the batch"
        );
        let id = Id(good.message.id);
        assert_eq!(store.message(text, id).await.expect("read"), None);
        assert_eq!(
            mentions_of_reader().await,
            0,
            "no mention of a message not stored"
        );
    }

    for (good, mentions) in [(&full, 1), (&mentioning, 2)] {
        let outcomes = store
            .insert_messages(std::slice::from_ref(good))
            .await
            .expect("insert");
        let [InsertOutcome::Created(created)] = &outcomes[..] else {
            panic!("unexpected outcomes {outcomes:?}");
        };
        assert_eq!(created, &good.message, "every column as sent");
        let id = Id(good.message.id);
        assert_eq!(
            store.message(text, id).await.expect("read").as_ref(),
            Some(&good.message)
        );
        assert_eq!(mentions_of_reader().await, mentions);
    }
}
