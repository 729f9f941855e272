//! [`crate::store::ChannelStore`] and [`crate::store::ChannelWrites`] in portable SQL.

/// Implements [`crate::store::ChannelStore`] for `$store` and [`crate::store::ChannelWrites`] for `$tx`
/// (see [`super`]). Expanded in a module of its own per backend.
macro_rules! channels_sql {
    ($store:ty, $tx:ty, $db:ty) => {
        pub(super) async fn insert_channel<'e, E: sqlx::Executor<'e, Database = $db>>(
            e: E,
            c: &$crate::store::ChannelRecord,
        ) -> $crate::error::Result<()> {
            sqlx::query(
                "INSERT INTO channels (id, server_id, kind, name, topic, parent_id, position, \
                   owner_id, icon_url, user_limit, bitrate, rate_limit_per_user, \
                   last_pin_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(c.id)
            .bind(c.server_id)
            .bind(c.kind)
            .bind(&c.name)
            .bind(&c.topic)
            .bind(c.parent_id)
            .bind(c.position)
            .bind(c.owner_id)
            .bind(&c.icon_url)
            .bind(c.user_limit)
            .bind(c.bitrate)
            .bind(c.rate_limit_per_user)
            .bind(c.last_pin_at)
            .bind(c.created_at)
            .execute(e)
            .await?;
            Ok(())
        }

        pub(super) async fn upsert_overwrite<'e, E: sqlx::Executor<'e, Database = $db>>(
            e: E,
            o: &$crate::store::OverwriteRecord,
        ) -> $crate::error::Result<()> {
            sqlx::query(
                "INSERT INTO permission_overwrites \
                   (channel_id, target_id, target_kind, allow_bits, deny_bits) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (channel_id, target_id) DO UPDATE SET \
                   target_kind = excluded.target_kind, allow_bits = excluded.allow_bits, \
                   deny_bits = excluded.deny_bits",
            )
            .bind(o.channel_id)
            .bind(o.target_id)
            .bind(o.target_kind)
            .bind(o.allow_bits)
            .bind(o.deny_bits)
            .execute(e)
            .await?;
            Ok(())
        }

        #[async_trait::async_trait]
        impl $crate::store::ChannelStore for $store {
            async fn channel(
                &self,
                id: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::ChannelRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::channel_columns!(), " FROM channels WHERE id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn channels(
                &self,
                server: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::ChannelRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::channel_columns!(), " FROM channels WHERE server_id = $1 \
                     ORDER BY position, id"
                ))
                .bind(server.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn server_overwrites(
                &self,
                server: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::OverwriteRecord>> {
                Ok(sqlx::query_as(
                    "SELECT o.channel_id, o.target_id, o.target_kind, o.allow_bits, o.deny_bits \
                     FROM permission_overwrites o JOIN channels c ON c.id = o.channel_id \
                     WHERE c.server_id = $1 ORDER BY o.channel_id, o.target_id",
                )
                .bind(server.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn channel_overwrites(
                &self,
                channel: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::OverwriteRecord>> {
                Ok(sqlx::query_as(
                    "SELECT channel_id, target_id, target_kind, allow_bits, deny_bits \
                     FROM permission_overwrites WHERE channel_id = $1 ORDER BY target_id",
                )
                .bind(channel.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn is_recipient(
                &self,
                channel: $crate::id::Id,
                user: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                let hit: Option<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM channel_recipients WHERE channel_id = $1 AND user_id = $2",
                )
                .bind(channel.0)
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(hit.is_some())
            }

            async fn recipients(
                &self,
                channel: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::UserRecord>> {
                Ok(sqlx::query_as(
                    "SELECT u.id, u.username, u.display_name, u.email, u.email_verified, \
                       u.password_hash, u.avatar_url, u.bio, u.status_text, u.is_admin, \
                       u.is_bot, u.disabled, u.created_at \
                     FROM channel_recipients r JOIN users u ON u.id = r.user_id \
                     WHERE r.channel_id = $1 ORDER BY u.id",
                )
                .bind(channel.0)
                .fetch_all(&self.pool)
                .await?)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::ChannelWrites for $tx {
            async fn create_channel(
                &mut self,
                channel: &$crate::store::ChannelRecord,
                overwrites: &[$crate::store::OverwriteRecord],
            ) -> $crate::error::Result<()> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                insert_channel(&mut *tx, channel).await?;
                for o in overwrites {
                    upsert_overwrite(&mut *tx, o).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn update_channel(
                &mut self,
                c: &$crate::store::ChannelRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE channels SET name = $2, topic = $3, parent_id = $4, position = $5, \
                       icon_url = $6, user_limit = $7, bitrate = $8, rate_limit_per_user = $9, \
                       owner_id = $10 WHERE id = $1",
                )
                .bind(c.id)
                .bind(&c.name)
                .bind(&c.topic)
                .bind(c.parent_id)
                .bind(c.position)
                .bind(&c.icon_url)
                .bind(c.user_limit)
                .bind(c.bitrate)
                .bind(c.rate_limit_per_user)
                .bind(c.owner_id)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn delete_channel(&mut self, id: $crate::id::Id) -> $crate::error::Result<()> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                // A server must not point at a channel that is gone.
                sqlx::query("UPDATE servers SET system_channel_id = NULL WHERE system_channel_id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM channels WHERE id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_channel_positions(
                &mut self,
                positions: &[(i64, i64, Option<i64>)],
            ) -> $crate::error::Result<()> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                for (id, position, parent) in positions {
                    sqlx::query("UPDATE channels SET position = $2, parent_id = $3 WHERE id = $1")
                        .bind(id)
                        .bind(position)
                        .bind(parent)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn upsert_overwrite(
                &mut self,
                o: &$crate::store::OverwriteRecord,
            ) -> $crate::error::Result<()> {
                upsert_overwrite(&mut *self.0, o).await
            }

            async fn delete_overwrite(
                &mut self,
                channel: $crate::id::Id,
                target: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                let done = sqlx::query(
                    "DELETE FROM permission_overwrites WHERE channel_id = $1 AND target_id = $2",
                )
                .bind(channel.0)
                .bind(target.0)
                .execute(&mut *self.0)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn replace_overwrites(
                &mut self,
                channel: $crate::id::Id,
                overwrites: &[$crate::store::OverwriteRecord],
            ) -> $crate::error::Result<()> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                sqlx::query("DELETE FROM permission_overwrites WHERE channel_id = $1")
                    .bind(channel.0)
                    .execute(&mut *tx)
                    .await?;
                for o in overwrites {
                    upsert_overwrite(&mut *tx, o).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use channels_sql;
