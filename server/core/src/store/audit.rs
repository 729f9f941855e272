//! The audit log of each server.

use async_trait::async_trait;

use crate::{error::Result, id::Id, model::AuditAction};

/// An audit log row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRecord {
    /// Snowflake id.
    pub id: i64,
    /// Server.
    pub server_id: i64,
    /// What was done.
    pub action: AuditAction,
    /// Who did it.
    pub actor_id: i64,
    /// What it was done to (user, channel, role, …).
    pub target_id: Option<i64>,
    /// Reason given.
    pub reason: String,
    /// JSON array of `{key, old_value, new_value}`.
    pub changes: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Audit log reads.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Audit entries newest first, older than `before`, optionally filtered.
    async fn audit_log(
        &self,
        server: Id,
        before: Option<Id>,
        limit: u32,
        action: Option<AuditAction>,
        actor: Option<Id>,
    ) -> Result<Vec<AuditRecord>>;
}

/// Audit log writes, made inside one [`super::WriteTx`] (a unit of work's transaction).
#[async_trait]
pub trait AuditWrites: Send {
    /// Appends to the audit log.
    async fn add_audit(&mut self, entry: &AuditRecord) -> Result<()>;
}
