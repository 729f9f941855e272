//! [`crate::store::ServerStore`] and [`crate::store::ServerWrites`] in portable SQL.

/// Implements [`crate::store::ServerStore`] for `$store` and [`crate::store::ServerWrites`] for `$tx`
/// (see [`super`]). Expanded in a module of its own per backend.
macro_rules! servers_sql {
    ($store:ty, $tx:ty, $db:ty, begin_snapshot = $begin_snapshot:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::ServerStore for $store {
            async fn server(
                &self,
                id: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::ServerRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::store::sql::server_columns!(),
                    " FROM servers s WHERE s.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn servers_of_user(
                &self,
                user: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::ServerRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::store::sql::server_columns!(),
                    " FROM servers s \
                     JOIN members me ON me.server_id = s.id AND me.user_id = $1 \
                     ORDER BY me.joined_at, s.id"
                ))
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn owned_server_count(&self, user: $crate::id::Id) -> $crate::error::Result<i64> {
                Ok(
                    sqlx::query_scalar("SELECT COUNT(*) FROM servers WHERE owner_id = $1")
                        .bind(user.0)
                        .fetch_one(&self.pool)
                        .await?,
                )
            }

            async fn permission_rows(
                &self,
                server: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::PermissionRows>> {
                // One snapshot for all six reads (each backend's `begin_snapshot`), so the
                // rows are mutually consistent.
                let mut tx = self.pool.begin_with($begin_snapshot).await?;
                let Some(s) = sqlx::query_as::<_, $crate::store::ServerRecord>(concat!(
                    "SELECT ",
                    $crate::store::sql::server_columns!(),
                    " FROM servers s WHERE s.id = $1"
                ))
                .bind(server.0)
                .fetch_optional(&mut *tx)
                .await?
                else {
                    return Ok(None);
                };
                let roles = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::store::sql::role_columns!(),
                    " FROM roles WHERE server_id = $1"
                ))
                .bind(server.0)
                .fetch_all(&mut *tx)
                .await?;
                let channels = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::store::sql::channel_columns!(),
                    " FROM channels WHERE server_id = $1"
                ))
                .bind(server.0)
                .fetch_all(&mut *tx)
                .await?;
                let overwrites = sqlx::query_as(
                    "SELECT o.channel_id, o.target_id, o.target_kind, o.allow_bits, o.deny_bits \
                     FROM permission_overwrites o JOIN channels c ON c.id = o.channel_id \
                     WHERE c.server_id = $1",
                )
                .bind(server.0)
                .fetch_all(&mut *tx)
                .await?;
                let members =
                    sqlx::query_scalar("SELECT user_id FROM members WHERE server_id = $1")
                        .bind(server.0)
                        .fetch_all(&mut *tx)
                        .await?;
                let member_roles = sqlx::query_as(
                    "SELECT user_id, role_id FROM member_roles WHERE server_id = $1",
                )
                .bind(server.0)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some($crate::store::PermissionRows {
                    server: s,
                    roles,
                    channels,
                    overwrites,
                    members,
                    member_roles,
                }))
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::ServerWrites for $tx {
            async fn create_server(
                &mut self,
                new: &$crate::store::NewServer,
            ) -> $crate::error::Result<()> {
                let s = &new.server;
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                sqlx::query(
                    "INSERT INTO servers (id, name, owner_id, icon_url, description, \
                       system_channel_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(s.id)
                .bind(&s.name)
                .bind(s.owner_id)
                .bind(&s.icon_url)
                .bind(&s.description)
                .bind(s.system_channel_id)
                .bind(s.created_at)
                .execute(&mut *tx)
                .await?;
                super::roles::insert_role(&mut *tx, &new.everyone).await?;
                for c in &new.channels {
                    super::channels::insert_channel(&mut *tx, c).await?;
                }
                sqlx::query(
                    "INSERT INTO members (server_id, user_id, joined_at) VALUES ($1, $2, $3)",
                )
                .bind(s.id)
                .bind(s.owner_id)
                .bind(s.created_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_server(
                &mut self,
                s: &$crate::store::ServerRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE servers SET name = $2, icon_url = $3, description = $4, \
                       system_channel_id = $5 WHERE id = $1",
                )
                .bind(s.id)
                .bind(&s.name)
                .bind(&s.icon_url)
                .bind(&s.description)
                .bind(s.system_channel_id)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn delete_server(&mut self, id: $crate::id::Id) -> $crate::error::Result<()> {
                sqlx::query("DELETE FROM servers WHERE id = $1")
                    .bind(id.0)
                    .execute(&mut *self.0)
                    .await?;
                Ok(())
            }

            async fn set_server_owner(
                &mut self,
                server: $crate::id::Id,
                owner: $crate::id::Id,
            ) -> $crate::error::Result<()> {
                sqlx::query("UPDATE servers SET owner_id = $2 WHERE id = $1")
                    .bind(server.0)
                    .bind(owner.0)
                    .execute(&mut *self.0)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use servers_sql;
