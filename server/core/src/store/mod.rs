//! The storage layer: one [`Store`] trait (made of one sub-trait per area), implemented for
//! PostgreSQL and SQLite by the same SQL (see [`sql`]), picked from the database URL's scheme.
//!
//! Stores persist and query; they hold no business rules. Reads run on the pool; writes of
//! servers, channels, roles, members, invites, messages, relationships, instance settings and
//! instance invites run inside a [`WriteTx`] that a unit of work ([`crate::change::Change`])
//! opens and commits together with its audit row. Account writes (registration, sessions) are
//! single store calls running one transaction each.

mod accounts;
mod admission;
mod audit;
mod bots;
mod channels;
mod held;
mod mail;
mod members;
mod messages;
mod postgres;
mod relationships;
mod roles;
mod servers;
mod sql;
mod sqlite;
mod users_admin;

use std::sync::Arc;

use async_trait::async_trait;

pub use accounts::*;
pub use admission::*;
pub use audit::*;
pub use bots::*;
pub use channels::*;
pub use mail::*;
pub use members::*;
pub use messages::*;
pub use postgres::{PgStore, PgWrite};
pub use relationships::*;
pub use roles::*;
pub use servers::*;
pub use sqlite::{SqliteStore, SqliteWrite};
pub use users_admin::*;

pub use crate::model::rows::{
    BanRecord, ChannelRecord, MemberRecord, OverwriteRecord, RoleRecord, ServerInviteRecord,
    ServerRecord,
};

use crate::error::{Error, Result};

/// Everything the services persist.
#[async_trait]
pub trait Store:
    AccountStore
    + ServerStore
    + MemberStore
    + ChannelStore
    + RoleStore
    + AdmissionStore
    + AuditStore
    + MessageStore
    + RelationshipStore
    + BotStore
    + MailStore
    + UserAdminStore
    + Send
    + Sync
    + 'static
{
    /// Which backend this is, for logs.
    fn backend(&self) -> &'static str;
    /// Cheap round trip proving the database answers (health checks).
    async fn ping(&self) -> Result<()>;
    /// Starts a write transaction (SQLite takes the write lock at once). Writes go through it
    /// only, so a unit of work ([`crate::change::Change`]) commits them together with its
    /// audit row; dropping it uncommitted rolls everything back.
    async fn begin_write(&self) -> Result<Box<dyn WriteTx>>;
    /// How many batches the message committer writes at a time: 1 on SQLite, whose writers
    /// take turns on one lock, and on PostgreSQL too, where a second batch in flight cost
    /// more database CPU (smaller batches, more commits) than its overlap saved.
    fn parallel_writes(&self) -> usize;
}

/// One open write transaction: every write of a unit of work. Methods that need several
/// statements run them in a savepoint, so a refused step leaves the transaction as it was.
/// A write that fails with an error ends the unit of work: drop the transaction. (PostgreSQL
/// aborts a transaction whose statement failed, and a later commit would roll back silently;
/// SQLite would carry on. Services propagate the error with `?`, so both behave the same.)
#[async_trait]
pub trait WriteTx:
    ServerWrites
    + MemberWrites
    + ChannelWrites
    + RoleWrites
    + AdmissionWrites
    + AuditWrites
    + MessageWrites
    + RelationshipWrites
    + BotWrites
    + MailWrites
    + UserAdminWrites
    + InstanceWrites
    + Send
{
    /// Commits every write made through this transaction.
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// Opens the store named by `url` (`postgres://…`, `postgresql://…` or `sqlite://…`) and runs
/// its migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    connect_with_replica(url, None).await
}

/// [`connect`], reading message history (history pages, pins) from `read_url`, a read
/// replica of the PostgreSQL database at `url`. SQLite has no replicas: refused there.
pub async fn connect_with_replica(url: &str, read_url: Option<&str>) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(
            PgStore::connect_with_replica(url, read_url).await?,
        ))
    } else if read_url.is_some() {
        Err(Error::internal(
            "DATABASE_READ_URL needs a PostgreSQL DATABASE_URL".to_owned(),
        ))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        Err(Error::internal(
            "DATABASE_URL must start with postgres://, postgresql:// or sqlite://".to_owned(),
        ))
    }
}
