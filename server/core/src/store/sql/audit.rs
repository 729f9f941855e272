//! [`crate::store::AuditStore`] and [`crate::store::AuditWrites`] in portable SQL.

/// Implements [`crate::store::AuditStore`] for `$store` and [`crate::store::AuditWrites`] for `$tx`
/// (see [`super`]). Expanded in a module of its own per backend.
macro_rules! audit_sql {
    ($store:ty, $tx:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AuditStore for $store {
            async fn audit_log(
                &self,
                server: $crate::id::Id,
                before: Option<$crate::id::Id>,
                limit: u32,
                action: Option<$crate::model::AuditAction>,
                actor: Option<$crate::id::Id>,
            ) -> $crate::error::Result<Vec<$crate::store::AuditRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, server_id, action, actor_id, target_id, reason, changes, \
                       created_at FROM audit_log \
                     WHERE server_id = $1 AND id < $2 AND ($3 IS NULL OR action = $3) \
                       AND ($4 IS NULL OR actor_id = $4) \
                     ORDER BY id DESC LIMIT $5",
                )
                .bind(server.0)
                .bind(before.map_or(i64::MAX, |b| b.0))
                .bind(action)
                .bind(actor.map(|a| a.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::AuditWrites for $tx {
            async fn add_audit(
                &mut self,
                e: &$crate::store::AuditRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO audit_log (id, server_id, action, actor_id, target_id, reason, \
                       changes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(e.id)
                .bind(e.server_id)
                .bind(e.action)
                .bind(e.actor_id)
                .bind(e.target_id)
                .bind(&e.reason)
                .bind(&e.changes)
                .bind(e.created_at)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use audit_sql;
