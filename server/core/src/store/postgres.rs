//! PostgreSQL backend: the production database.

use std::{str::FromStr, time::Duration};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};

use super::sql::sql_store;
use crate::error::Result;

/// [`super::Store`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Message history reads (a read replica when one is configured, else `pool`).
    read_pool: PgPool,
}

impl PgStore {
    /// Connects and runs the PostgreSQL migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with_replica(url, None).await
    }

    /// Connects, runs the migrations, and reads message history from `read_url` (a read
    /// replica of the same database) when given.
    pub async fn connect_with_replica(url: &str, read_url: Option<&str>) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect_options(url)?)
            .await?;
        sqlx::migrate!("../../migrations/postgres")
            .run(&pool)
            .await?;
        let read_pool = match read_url {
            Some(read_url) => {
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(connect_options(read_url)?)
                    .await?
            }
            None => pool.clone(),
        };
        Ok(Self { pool, read_pool })
    }
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
    // Concurrent transactions overlap their round trips and share WAL flushes.
    parallel_writes = 4,
);

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
