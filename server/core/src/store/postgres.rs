//! PostgreSQL backend: the production database.

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    Connection as _,
    postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode},
};

use super::{
    MessageRecord, NewMessage,
    held::{HeldConnections, TEST_IF_IDLE_FOR},
    sql::{InsertAtOnce, sql_store},
};
use crate::error::Result;

/// [`super::Store`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Message history reads (a read replica when one is configured, else `pool`).
    read_pool: PgPool,
    /// Connections kept out of the pool for the hot path: the message committer's batches
    /// and the reads of their authors.
    held: Arc<HeldConnections<sqlx::Postgres>>,
}

impl PgStore {
    /// Connects and runs the PostgreSQL migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with_replica(url, None).await
    }

    /// Connects, runs the migrations, and reads message history from `read_url` (a read
    /// replica of the same database) when given.
    pub async fn connect_with_replica(url: &str, read_url: Option<&str>) -> Result<Self> {
        let pool = pool_options().connect_with(connect_options(url)?).await?;
        sqlx::migrate!("../../migrations/postgres")
            .run(&pool)
            .await?;
        let read_pool = match read_url {
            Some(read_url) => {
                pool_options()
                    .connect_with(connect_options(read_url)?)
                    .await?
            }
            None => pool.clone(),
        };
        Ok(Self {
            held: Arc::new(HeldConnections::new(pool.clone(), PARALLEL_WRITES + 1)),
            pool,
            read_pool,
        })
    }
}

/// One batch written at a time: the next one fills meanwhile, so under load batches grow
/// instead of multiplying. Measured with 32 senders on 2 cores (server and database on one
/// machine): against 2 or 4 batches in flight, PostgreSQL spent 85 instead of 135–235 µs of
/// CPU per message (fewer statements, commits and WAL flushes) and throughput rose 15–40 %.
const PARALLEL_WRITES: usize = 1;

/// A connection is tested before use only after it sat idle (see [`TEST_IF_IDLE_FOR`]).
fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= TEST_IF_IDLE_FOR {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

/// The options of `url`. Without an explicit `sslmode` (in the URL or `PGSSLMODE`), a
/// database on this machine (loopback address or Unix socket) is reached without TLS:
/// libpq's default `prefer` would encrypt traffic that never leaves the host, which costs
/// 15–20% of message throughput and protects nothing.
fn connect_options(url: &str) -> Result<PgConnectOptions> {
    let options = PgConnectOptions::from_str(url)?;
    let explicit = url.contains("sslmode=")
        || url.contains("ssl-mode=")
        || std::env::var_os("PGSSLMODE").is_some();
    let host = options.get_host();
    let local = host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    Ok(if local && !explicit {
        options.ssl_mode(PgSslMode::Disable)
    } else {
        options
    })
}

sql_store!(
    PgStore,
    PgWrite,
    sqlx::Postgres,
    begin_write = "BEGIN",
    // READ COMMITTED (the default) gives every statement its own snapshot; multi-statement
    // reads that must agree use one.
    begin_snapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    parallel_writes = PARALLEL_WRITES,
);

/// A plain batch in one autocommit statement: the rows travel as arrays (one statement shape
/// for any batch size, so it stays prepared), the mentions of the rows that were inserted go
/// in with them, and the created rows come back with their authors' nicknames. One
/// statement is atomic: all of it commits, or none.
const INSERT_AT_ONCE: &str = "\
    WITH new AS ( \
      SELECT * FROM UNNEST($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::int8[], \
        $6::text[], $7::text[], $8::int8[], $9::bool[], $10::int8[], $11::int8[], $12::int8[]) \
      AS t(id, channel_id, server_id, author_id, kind, content, nonce, reply_to_id, \
        mention_everyone, pinned_at, edited_at, created_at) \
    ), m AS ( \
      INSERT INTO messages (id, channel_id, server_id, author_id, kind, content, nonce, \
        reply_to_id, mention_everyone, pinned_at, edited_at, created_at) \
      SELECT * FROM new ON CONFLICT DO NOTHING RETURNING * \
    ), mentioned AS ( \
      INSERT INTO message_mentions (message_id, channel_id, kind, target_id) \
      SELECT t.* FROM UNNEST($13::int8[], $14::int8[], $15::int8[], $16::int8[]) \
        AS t(message_id, channel_id, kind, target_id) \
      WHERE t.message_id IN (SELECT id FROM m) \
      ON CONFLICT DO NOTHING \
    ) \
    SELECT m.id, m.channel_id, m.server_id, m.author_id, m.kind, m.content, m.nonce, \
      m.reply_to_id, m.mention_everyone, m.pinned_at, m.edited_at, m.created_at, \
      COALESCE(mem.nickname, '') AS author_nickname \
    FROM m LEFT JOIN members mem ON mem.server_id = m.server_id AND mem.user_id = m.author_id";

#[async_trait::async_trait]
impl InsertAtOnce for PgStore {
    async fn insert_at_once(&self, batch: &[NewMessage]) -> Result<Option<Vec<MessageRecord>>> {
        let rows = batch.iter().map(|n| &n.message);
        let mentioned = batch.iter().map(|n| n.mentions.len()).sum();
        let (mut message_ids, mut channel_ids, mut kinds, mut targets) = (
            Vec::with_capacity(mentioned),
            Vec::with_capacity(mentioned),
            Vec::with_capacity(mentioned),
            Vec::with_capacity(mentioned),
        );
        for new in batch {
            for (kind, target) in &new.mentions {
                message_ids.push(new.message.id);
                channel_ids.push(new.message.channel_id);
                kinds.push(*kind as i64);
                targets.push(*target);
            }
        }
        let mut conn = self.held.take().await?;
        let records = sqlx::query_as(INSERT_AT_ONCE)
            .bind(rows.clone().map(|m| m.id).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.channel_id).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.server_id).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.author_id).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.kind as i64).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.content.as_str()).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.nonce.as_deref()).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.reply_to_id).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.mention_everyone).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.pinned_at).collect::<Vec<_>>())
            .bind(rows.clone().map(|m| m.edited_at).collect::<Vec<_>>())
            .bind(rows.map(|m| m.created_at).collect::<Vec<_>>())
            .bind(message_ids)
            .bind(channel_ids)
            .bind(kinds)
            .bind(targets)
            .fetch_all(&mut *conn)
            .await?;
        self.held.put_back(conn);
        Ok(Some(records))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(url: &str) -> PgSslMode {
        connect_options(url)
            .map(|o| o.get_ssl_mode())
            .unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    #[test]
    fn a_local_database_is_reached_without_tls_unless_asked() {
        if std::env::var_os("PGSSLMODE").is_some() {
            return;
        }
        for local in [
            "postgres://u@127.0.0.1:5432/db",
            "postgres://u@localhost/db",
            "postgres://u@[::1]:5432/db",
        ] {
            assert!(matches!(mode(local), PgSslMode::Disable), "{local}");
        }
        assert!(matches!(
            mode("postgres://u@127.0.0.1/db?sslmode=require"),
            PgSslMode::Require
        ));
        assert!(matches!(
            mode("postgres://u@db.example.org/db"),
            PgSslMode::Prefer
        ));
    }
}
