//! PostgreSQL backend: the production database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::sql::sql_store;
use crate::error::Result;

/// [`super::Store`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and runs the PostgreSQL migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("../../migrations/postgres")
            .run(&pool)
            .await?;
        Ok(Self { pool })
    }
}

sql_store!(
    PgStore,
    PgWrite,
    sqlx::Postgres,
    begin_write = "BEGIN",
    // READ COMMITTED (the default) gives every statement its own snapshot; multi-statement
    // reads that must agree use one.
    begin_snapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
);
