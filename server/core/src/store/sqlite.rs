//! SQLite backend: the embedded zero-setup default (one file in the data directory).

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{
    MessageRecord, NewMessage,
    held::HeldConnections,
    sql::{InsertAtOnce, sql_store},
};
use crate::error::Result;

/// [`super::Store`] on SQLite.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Message history reads: the same pool (SQLite has no replicas).
    read_pool: SqlitePool,
    /// Connections kept out of the pool for the hot path: the message committer's batches
    /// and the reads of their authors.
    held: Arc<HeldConnections<sqlx::Sqlite>>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file and runs the SQLite migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        // WAL lets readers run beside the single writer. FULL syncs the WAL at every commit,
        // so an acknowledged write survives power loss too, not only a process crash (NORMAL
        // would lose the last commits on an OS crash). Sends share commits (group commit in
        // the message service), so the sync is paid once per batch, not once per message.
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        // A connection to a local file does not break while idle: no test before each use
        // (on SQLite it is a call through the connection's worker thread).
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../../migrations/sqlite").run(&pool).await?;
        Ok(Self {
            read_pool: pool.clone(),
            held: Arc::new(HeldConnections::new(pool.clone(), 2)),
            pool,
        })
    }
}

sql_store!(
    SqliteStore,
    SqliteWrite,
    sqlx::Sqlite,
    begin_write = "BEGIN IMMEDIATE",
    // A deferred transaction reads from one WAL snapshot from its first read on.
    begin_snapshot = "BEGIN",
    // One writer at a time: a second would only wait in the busy handler.
    parallel_writes = 1,
);

/// SQLite has no array parameters; its batch path is a transaction of calls into this
/// process, so there is no round trip to save.
#[async_trait::async_trait]
impl InsertAtOnce for SqliteStore {
    async fn insert_at_once(&self, _batch: &[NewMessage]) -> Result<Option<Vec<MessageRecord>>> {
        Ok(None)
    }
}
