//! [`crate::store::UserAdminStore`] and [`crate::store::UserAdminWrites`] (the instance
//! admin's reads and writes of accounts) in portable SQL.

/// Implements the admin read trait for `$store` and write trait for `$tx` (see [`super`]).
macro_rules! users_admin_sql {
    ($store:ty, $tx:ty, $db:ty) => {
        /// A LIKE pattern (escape `\\`) matching a lower-cased substring `q`.
        fn like_pattern(q: &str) -> String {
            let escaped = q
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        }

        /// Counts the enabled instance admins other than `user`.
        async fn other_enabled_admins(
            conn: &mut <$db as sqlx::Database>::Connection,
            user: $crate::id::Id,
        ) -> $crate::error::Result<i64> {
            Ok(sqlx::query_scalar(
                "SELECT COUNT(*) FROM users \
                 WHERE is_admin = TRUE AND disabled = FALSE AND id <> $1",
            )
            .bind(user.0)
            .fetch_one(&mut *conn)
            .await?)
        }

        #[async_trait::async_trait]
        impl $crate::store::UserAdminStore for $store {
            async fn list_users(
                &self,
                query: Option<&str>,
                after: Option<$crate::id::Id>,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::UserRecord>> {
                let pattern = query.map(like_pattern);
                Ok(sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::store::sql::user_columns!(),
                    " FROM users WHERE id > $1 AND ($2 IS NULL \
                       OR username_lower LIKE $2 ESCAPE '\\' \
                       OR LOWER(display_name) LIKE $2 ESCAPE '\\' \
                       OR email_lower LIKE $2 ESCAPE '\\') \
                     ORDER BY id LIMIT $3"
                ))
                .bind(after.map_or(i64::MIN, |a| a.0))
                .bind(pattern)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?)
            }

            async fn list_servers_admin(
                &self,
                query: Option<&str>,
                after: Option<$crate::id::Id>,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::AdminServerRecord>> {
                use sqlx::{FromRow, Row};
                let pattern = query.map(like_pattern);
                let rows = sqlx::query(concat!(
                    "SELECT ",
                    $crate::store::sql::server_columns!(),
                    ", u.username AS owner_username \
                     FROM servers s JOIN users u ON u.id = s.owner_id \
                     WHERE s.id > $1 AND ($2 IS NULL OR LOWER(s.name) LIKE $2 ESCAPE '\\') \
                     ORDER BY s.id LIMIT $3"
                ))
                .bind(after.map_or(i64::MIN, |a| a.0))
                .bind(pattern)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::store::AdminServerRecord {
                            server: $crate::store::ServerRecord::from_row(row)?,
                            owner_username: row.try_get("owner_username")?,
                        })
                    })
                    .collect()
            }

            async fn admin_audit_log(
                &self,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::AdminAuditRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, action, actor_id, target_id, changes, created_at \
                     FROM admin_audit_log ORDER BY id DESC LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::UserAdminWrites for $tx {
            async fn set_user_flags(
                &mut self,
                user: $crate::id::Id,
                flags: $crate::store::UserFlags,
            ) -> $crate::error::Result<$crate::store::AdminOutcome<$crate::store::UserRecord>> {
                use $crate::store::{AdminOutcome, AdminRefusal};
                let current: Option<(bool, bool)> =
                    sqlx::query_as("SELECT is_admin, disabled FROM users WHERE id = $1")
                        .bind(user.0)
                        .fetch_optional(&mut *self.0)
                        .await?;
                let Some((is_admin, disabled)) = current else {
                    return Ok(AdminOutcome::NotFound);
                };
                let was_enabled_admin = is_admin && !disabled;
                let will_be_enabled_admin =
                    flags.is_admin.unwrap_or(is_admin) && !flags.disabled.unwrap_or(disabled);
                if was_enabled_admin && !will_be_enabled_admin {
                    if other_enabled_admins(&mut *self.0, user).await? == 0 {
                        return Ok(AdminOutcome::Refused(AdminRefusal::LastAdmin));
                    }
                }
                let record: $crate::store::UserRecord = sqlx::query_as(concat!(
                    "UPDATE users SET disabled = COALESCE($2, disabled), \
                       is_admin = COALESCE($3, is_admin), \
                       email_verified = COALESCE($4, email_verified) \
                     WHERE id = $1 RETURNING ",
                    $crate::store::sql::user_columns!()
                ))
                .bind(user.0)
                .bind(flags.disabled)
                .bind(flags.is_admin)
                .bind(flags.email_verified)
                .fetch_one(&mut *self.0)
                .await?;
                Ok(AdminOutcome::Done(record))
            }

            async fn delete_user(
                &mut self,
                user: $crate::id::Id,
            ) -> $crate::error::Result<$crate::store::AdminOutcome<Vec<$crate::id::Id>>> {
                use $crate::store::{AdminOutcome, AdminRefusal};
                let current: Option<(bool, bool)> =
                    sqlx::query_as("SELECT is_admin, disabled FROM users WHERE id = $1")
                        .bind(user.0)
                        .fetch_optional(&mut *self.0)
                        .await?;
                let Some((is_admin, disabled)) = current else {
                    return Ok(AdminOutcome::NotFound);
                };
                if is_admin && !disabled {
                    if other_enabled_admins(&mut *self.0, user).await? == 0 {
                        return Ok(AdminOutcome::Refused(AdminRefusal::LastAdmin));
                    }
                }
                let owned: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM servers WHERE owner_id = $1")
                        .bind(user.0)
                        .fetch_one(&mut *self.0)
                        .await?;
                if owned > 0 {
                    return Ok(AdminOutcome::Refused(AdminRefusal::OwnsServers));
                }
                let sessions: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL",
                )
                .bind(user.0)
                .fetch_all(&mut *self.0)
                .await?;
                sqlx::query("DELETE FROM users WHERE id = $1")
                    .bind(user.0)
                    .execute(&mut *self.0)
                    .await?;
                Ok(AdminOutcome::Done(
                    sessions.into_iter().map($crate::id::Id).collect(),
                ))
            }

            async fn revoke_sessions_of(
                &mut self,
                user: $crate::id::Id,
                now: i64,
            ) -> $crate::error::Result<Vec<$crate::id::Id>> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "UPDATE sessions SET revoked_at = $2 \
                     WHERE user_id = $1 AND revoked_at IS NULL RETURNING id",
                )
                .bind(user.0)
                .bind(now)
                .fetch_all(&mut *self.0)
                .await?;
                Ok(ids.into_iter().map($crate::id::Id).collect())
            }

            async fn add_admin_audit(
                &mut self,
                e: &$crate::store::AdminAuditRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO admin_audit_log (id, action, actor_id, target_id, changes, \
                       created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(e.id)
                .bind(e.action)
                .bind(e.actor_id)
                .bind(e.target_id)
                .bind(&e.changes)
                .bind(e.created_at)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use users_admin_sql;
