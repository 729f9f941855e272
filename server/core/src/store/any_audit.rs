//! SPIKE (issue 9, reverted): the audit store on `sqlx::Any` — one pool whose driver is
//! chosen from the URL at run time, instead of [`super::sql::audit_sql!`] expanded once per
//! driver. Kept in history only; ARCHITECTURE.md records the comparison.

use async_trait::async_trait;
use sqlx::{Any, AnyPool, Transaction, any::AnyPoolOptions};

use crate::{
    error::Result,
    id::Id,
    model::AuditAction,
    store::{AuditRecord, AuditStore, AuditWrites},
};

/// The audit log over `sqlx::Any`.
#[derive(Debug, Clone)]
pub struct AnyAudit {
    pool: AnyPool,
    sqlite: bool,
}

/// An open `Any` write transaction.
#[derive(Debug)]
pub struct AnyAuditTx(Transaction<'static, Any>);

impl AnyAudit {
    /// Connects to an already migrated database (`sqlite://…` or `postgres://…`).
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        // `AnyConnectOptions` is a URL: SQLite's typed options (WAL, synchronous, busy
        // timeout, foreign keys) cannot travel in it, so they become per-connection SQL.
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        sqlx::raw_sql(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA synchronous = FULL;",
                        )
                        .execute(&mut *conn)
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        Ok(Self { pool, sqlite })
    }

    /// A write transaction; the SQLite `BEGIN IMMEDIATE` is now a run-time branch.
    pub async fn begin_write(&self) -> Result<AnyAuditTx> {
        let tx = if self.sqlite {
            self.pool.begin_with("BEGIN IMMEDIATE").await?
        } else {
            self.pool.begin().await?
        };
        Ok(AnyAuditTx(tx))
    }
}

impl AnyAuditTx {
    /// Commits.
    pub async fn commit(self) -> Result<()> {
        self.0.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl AuditStore for AnyAudit {
    async fn audit_log(
        &self,
        server: Id,
        before: Option<Id>,
        limit: u32,
        action: Option<AuditAction>,
        actor: Option<Id>,
    ) -> Result<Vec<AuditRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, server_id, action, actor_id, target_id, reason, changes, \
               created_at FROM audit_log \
             WHERE server_id = $1 AND id < $2 AND ($3 IS NULL OR action = $3) \
               AND ($4 IS NULL OR actor_id = $4) \
             ORDER BY id DESC LIMIT $5",
        )
        .bind(server.0)
        .bind(before.map_or(i64::MAX, |b| b.0))
        .bind(action)
        .bind(actor.map(|a| a.0))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }
}

#[async_trait]
impl AuditWrites for AnyAuditTx {
    async fn add_audit(&mut self, e: &AuditRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (id, server_id, action, actor_id, target_id, reason, \
               changes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.id)
        .bind(e.server_id)
        .bind(e.action)
        .bind(e.actor_id)
        .bind(e.target_id)
        .bind(&e.reason)
        .bind(&e.changes)
        .bind(e.created_at)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }
}
