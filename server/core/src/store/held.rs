//! Connections kept out of the pool for the hot path: the message committer's batches and
//! the reads of their authors.
//!
//! A query on a sqlx pool pays for the pool's safety net: when the connection goes back, a
//! spawned task tests it with a round trip, on top of the query itself. The committer writes
//! batch after batch, so its connections stay out of the pool between batches and a batch
//! costs its own statements only. A connection is kept only after its work succeeded: after
//! an error, or when the work is cancelled, it goes back to the pool, which tests it and
//! closes it if it is broken.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use sqlx::{Connection as _, Database, Pool, pool::PoolConnection};

/// A connection idle this long is tested with a round trip before it is used again (the
/// database may have restarted, or something on the way dropped the connection); one used
/// more recently is not. The pools follow the same rule: sqlx tests every acquire by
/// default, a round trip per query on a busy server.
pub(crate) const TEST_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// Up to `keep` idle connections taken from `pool`: one per batch in flight, and one for the
/// author read of the batch before.
pub(crate) struct HeldConnections<DB: Database> {
    pool: Pool<DB>,
    idle: Mutex<Vec<(PoolConnection<DB>, Instant)>>,
    keep: usize,
    test_if_idle_for: Duration,
}

impl<DB: Database> HeldConnections<DB> {
    pub(crate) fn new(pool: Pool<DB>, keep: usize) -> Self {
        Self::with_test_after(pool, keep, TEST_IF_IDLE_FOR)
    }

    fn with_test_after(pool: Pool<DB>, keep: usize, test_if_idle_for: Duration) -> Self {
        Self {
            pool,
            idle: Mutex::new(Vec::with_capacity(keep)),
            keep,
            test_if_idle_for,
        }
    }

    /// A kept connection (tested first if it sat idle), else one from the pool.
    pub(crate) async fn take(&self) -> Result<PoolConnection<DB>, sqlx::Error> {
        let kept = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        if let Some((mut conn, since)) = kept
            && (since.elapsed() < self.test_if_idle_for || conn.ping().await.is_ok())
        {
            return Ok(conn);
        }
        // A kept connection that failed its test is dropped here: back to the pool, which
        // closes it.
        self.pool.acquire().await
    }

    /// Keeps `conn` (whose work succeeded) for the next batch; past `keep` it goes back to
    /// the pool.
    pub(crate) fn put_back(&self, conn: PoolConnection<DB>) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < self.keep
        {
            idle.push((conn, Instant::now()));
        }
    }
}

impl<DB: Database> std::fmt::Debug for HeldConnections<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldConnections")
            .field("keep", &self.keep)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[path = "../../tests/support/pg.rs"]
#[allow(dead_code)]
mod pg;

#[cfg(test)]
mod tests {
    use sqlx::postgres::PgPoolOptions;

    use super::*;
    use crate::store::held::pg;

    async fn backend_pid(conn: &mut sqlx::PgConnection) -> Result<i32, sqlx::Error> {
        sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(conn)
            .await
    }

    /// A kept connection that the database ended while it sat idle is tested and replaced,
    /// never handed out broken; a healthy one is handed out again.
    #[tokio::test]
    async fn a_kept_connection_the_database_ended_is_replaced() {
        let db = pg::fresh_database().await;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect(&db.url)
            .await
            .expect("pool");
        let held = HeldConnections::with_test_after(pool.clone(), 1, Duration::ZERO);

        let mut conn = held.take().await.expect("take");
        let first = backend_pid(&mut conn).await.expect("pid");
        held.put_back(conn);
        let mut conn = held.take().await.expect("take again");
        assert_eq!(backend_pid(&mut conn).await.expect("pid"), first, "kept");
        held.put_back(conn);

        let ended: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
            .bind(first)
            .fetch_one(&pool)
            .await
            .expect("terminate");
        assert!(ended);
        let mut conn = held.take().await.expect("take after the end");
        let replaced = backend_pid(&mut conn)
            .await
            .expect("the connection handed out works");
        assert_ne!(replaced, first);
        drop(conn);
        pool.close().await;
    }
}
