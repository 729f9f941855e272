//! SPIKE (issue 9, reverted): the audit conformance case run on the `sqlx::Any` port of the
//! audit store (`store::any_audit`), on SQLite and PostgreSQL. Users and servers are made
//! through the real store (foreign keys); every audit read and write goes through `Any`.

#[path = "support/pg.rs"]
mod pg;

use std::sync::Arc;

use decentra_core::{
    Error, Id,
    model::{AuditAction, ChannelKind},
    store::{
        self, AuditRecord, AuditStore, AuditWrites, ChannelRecord, Gate, NewServer, NewUser,
        Registered, RoleRecord, ServerRecord, Store, any_audit::AnyAudit,
    },
};

#[tokio::test]
async fn sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    audit_log_on_any(&url).await;
}

#[tokio::test]
async fn postgres() {
    let database = pg::fresh_database().await;
    audit_log_on_any(&database.url).await;
    drop(database);
}

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

async fn audit_log_on_any(url: &str) {
    let store = store::connect(url).await.expect("store");
    let any = AnyAudit::connect(url).await.expect("Any pool");
    let owner = user(&store, 10, "owner").await;
    let moderator = user(&store, 11, "moderator").await;
    let s = server(&store, 100, owner).await;
    let mut tx = any.begin_write().await.expect("begin");
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
    let mut tx = any.begin_write().await.expect("begin");
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
        ids(any.audit_log(s, None, 10, None, None).await.expect("all")),
        [402, 401, 400]
    );
    assert_eq!(
        ids(any
            .audit_log(s, Some(Id(402)), 1, None, None)
            .await
            .expect("page")),
        [401]
    );
    let creates = any
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
        ids(any
            .audit_log(s, None, 10, Some(AuditAction::ChannelCreate), Some(owner))
            .await
            .expect("by both")),
        [400]
    );
}
