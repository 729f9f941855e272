//! SQLite backend: the embedded zero-setup default (one file in the data directory).

use std::{str::FromStr, time::Duration};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{
    MessageRecord, NewMessage,
    sql::{InsertAtOnce, sql_store},
};
use crate::error::Result;

/// [`super::Store`] on SQLite.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Message history reads: the same pool (SQLite has no replicas).
    read_pool: SqlitePool,
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
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../../migrations/sqlite").run(&pool).await?;
        Ok(Self {
            read_pool: pool.clone(),
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
