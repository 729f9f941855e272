//! The storage layer: one [`Store`] trait (made of one sub-trait per area), implemented for
//! PostgreSQL and SQLite by the same SQL (see [`sql`]), picked from the database URL's scheme.
//!
//! Stores persist and query; they hold no business rules. Operations that must be atomic
//! (registration with an invite, token rotation, joining by invite) are single store calls
//! running one transaction, so services never juggle transactions across a trait object.

mod accounts;
mod guilds;
mod messages;
mod postgres;
mod relationships;
mod sql;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

pub use accounts::*;
pub use guilds::*;
pub use messages::*;
pub use postgres::PgStore;
pub use relationships::*;
pub use sqlite::SqliteStore;

use crate::error::{Error, Result};

/// Everything the services persist.
#[async_trait]
pub trait Store:
    AccountStore + GuildStore + MessageStore + RelationshipStore + Send + Sync + 'static
{
    /// Which backend this is, for logs.
    fn backend(&self) -> &'static str;
    /// Cheap round trip proving the database answers (health checks).
    async fn ping(&self) -> Result<()>;
}

/// Opens the store named by `url` (`postgres://…`, `postgresql://…` or `sqlite://…`) and runs
/// its migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        Err(Error::Internal(
            "DATABASE_URL must start with postgres://, postgresql:// or sqlite://".to_owned(),
        ))
    }
}
