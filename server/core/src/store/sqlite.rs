//! SQLite backend: the embedded zero-setup default (one file in the data directory).

use std::{collections::HashSet, str::FromStr, sync::Arc, time::Duration};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{
    MessageRecord, NewMessage,
    held::HeldConnections,
    sql::{InsertAtOnce, sql_store},
};
use crate::error::{Error, Result};

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
        // (on SQLite it is a call through the connection's worker thread). Each connection
        // holds its own page cache and schema (about 0.3 MB on a new database, measured) and
        // reopens in a millisecond, so the ones a burst opened close after a minute idle.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .idle_timeout(Duration::from_secs(60))
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

/// A plain batch in ONE statement: the rows travel as one JSON array (SQLite has no array
/// parameters; one statement shape for any batch size, so it stays prepared) and come back
/// with their authors' nicknames. Without mentions the statement runs alone, in autocommit:
/// against the portable path (BEGIN IMMEDIATE, an INSERT per chunk, a re-read, COMMIT, each a
/// hop to the connection's worker thread) that is one hop, and it needs no statement journal
/// (inside a transaction, SQLite copies every page a multi-row insert touches in case the
/// statement alone must roll back). Mentions go in beside it, in one transaction.
#[async_trait::async_trait]
impl InsertAtOnce for SqliteStore {
    async fn insert_at_once(&self, batch: &[NewMessage]) -> Result<Option<Vec<MessageRecord>>> {
        let rows = serde_json::to_string(
            &batch
                .iter()
                .map(|n| {
                    let m = &n.message;
                    (
                        m.id,
                        m.channel_id,
                        m.server_id,
                        m.author_id,
                        m.kind as i64,
                        &m.content,
                        &m.nonce,
                        m.reply_to_id,
                        m.mention_everyone,
                        m.pinned_at,
                        m.edited_at,
                        m.created_at,
                    )
                })
                .collect::<Vec<_>>(),
        )
        .map_err(json_error)?;
        let mut conn = self.held.take().await?;
        if batch.iter().all(|n| n.mentions.is_empty()) {
            let records = sqlx::query_as(INSERT_AT_ONCE)
                .bind(rows)
                .fetch_all(&mut *conn)
                .await?;
            self.held.put_back(conn);
            return Ok(Some(records));
        }
        let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
        let records: Vec<MessageRecord> = sqlx::query_as(INSERT_AT_ONCE)
            .bind(rows)
            .fetch_all(&mut *tx)
            .await?;
        // The mentions of the messages that were inserted (not of nonce twins).
        let created: HashSet<i64> = records.iter().map(|r| r.id).collect();
        let mentions: Vec<(i64, i64, i64, i64)> = batch
            .iter()
            .filter(|n| created.contains(&n.message.id))
            .flat_map(|n| {
                let m = &n.message;
                n.mentions
                    .iter()
                    .map(|(kind, target)| (m.id, m.channel_id, *kind as i64, *target))
            })
            .collect();
        if !mentions.is_empty() {
            sqlx::query(INSERT_MENTIONS)
                .bind(serde_json::to_string(&mentions).map_err(json_error)?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.held.put_back(conn);
        Ok(Some(records))
    }
}

fn json_error(e: serde_json::Error) -> Error {
    Error::internal(format!("encoding a message batch: {e}"))
}

/// Each row of `?1` is a JSON array in column order. `WHERE true` tells SQLite's parser that
/// `ON CONFLICT` starts the upsert clause, not a join constraint of the `SELECT`.
const INSERT_AT_ONCE: &str = "\
    INSERT INTO messages (id, channel_id, server_id, author_id, kind, content, nonce, \
      reply_to_id, mention_everyone, pinned_at, edited_at, created_at) \
    SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, \
      value->>7, value->>8, value->>9, value->>10, value->>11 \
    FROM json_each(?1) WHERE true \
    ON CONFLICT DO NOTHING \
    RETURNING id, channel_id, server_id, author_id, kind, content, nonce, reply_to_id, \
      mention_everyone, pinned_at, edited_at, created_at, \
      COALESCE((SELECT nickname FROM members \
        WHERE members.server_id = messages.server_id \
          AND members.user_id = messages.author_id), '') AS author_nickname";

/// The mentions of a batch: `?1` is a JSON array of `[message_id, channel_id, kind,
/// target_id]`.
const INSERT_MENTIONS: &str = "\
    INSERT INTO message_mentions (message_id, channel_id, kind, target_id) \
    SELECT value->>0, value->>1, value->>2, value->>3 FROM json_each(?1) WHERE true \
    ON CONFLICT DO NOTHING";
