//! [`crate::store::RoleStore`] and [`crate::store::RoleWrites`] in portable SQL.

/// Implements [`crate::store::RoleStore`] for `$store` and [`crate::store::RoleWrites`] for `$tx`
/// (see [`super`]). Expanded in a module of its own per backend.
macro_rules! roles_sql {
    ($store:ty, $tx:ty, $db:ty) => {
        pub(super) async fn insert_role<'e, E: sqlx::Executor<'e, Database = $db>>(
            e: E,
            r: &$crate::store::RoleRecord,
        ) -> $crate::error::Result<()> {
            sqlx::query(
                "INSERT INTO roles (id, server_id, name, permissions, position, color, hoist, \
                   mentionable, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(r.id)
            .bind(r.server_id)
            .bind(&r.name)
            .bind(r.permissions)
            .bind(r.position)
            .bind(r.color)
            .bind(r.hoist)
            .bind(r.mentionable)
            .bind(r.created_at)
            .execute(e)
            .await?;
            Ok(())
        }

        #[async_trait::async_trait]
        impl $crate::store::RoleStore for $store {
            async fn roles(
                &self,
                server: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::RoleRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::store::sql::role_columns!(),
                    " FROM roles WHERE server_id = $1 \
                     ORDER BY position DESC, id"
                ))
                .bind(server.0)
                .fetch_all(&self.pool)
                .await?)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::RoleWrites for $tx {
            async fn create_role(
                &mut self,
                role: &$crate::store::RoleRecord,
            ) -> $crate::error::Result<()> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                sqlx::query(
                    "UPDATE roles SET position = position + 1 \
                     WHERE server_id = $1 AND id <> $1 AND position >= $2",
                )
                .bind(role.server_id)
                .bind(role.position)
                .execute(&mut *tx)
                .await?;
                insert_role(&mut *tx, role).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_role(
                &mut self,
                r: &$crate::store::RoleRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE roles SET name = $2, permissions = $3, color = $4, hoist = $5, \
                       mentionable = $6 WHERE id = $1",
                )
                .bind(r.id)
                .bind(&r.name)
                .bind(r.permissions)
                .bind(r.color)
                .bind(r.hoist)
                .bind(r.mentionable)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn delete_role(&mut self, role: $crate::id::Id) -> $crate::error::Result<()> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                sqlx::query("DELETE FROM permission_overwrites WHERE target_id = $1")
                    .bind(role.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM roles WHERE id = $1")
                    .bind(role.0)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_role_positions(
                &mut self,
                positions: &[(i64, i64)],
            ) -> $crate::error::Result<()> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                for (id, position) in positions {
                    sqlx::query("UPDATE roles SET position = $2 WHERE id = $1")
                        .bind(id)
                        .bind(position)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use roles_sql;
