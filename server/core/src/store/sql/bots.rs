//! [`crate::store::BotStore`] and [`crate::store::BotWrites`] in portable SQL.

/// Implements [`crate::store::BotStore`] for `$store` and [`crate::store::BotWrites`] for
/// `$tx` (see [`super`]).
macro_rules! bots_sql {
    ($store:ty, $tx:ty, $db:ty, $begin_write:literal) => {
        /// A bot row joined with its user: the user's columns, then owner and creation time.
        macro_rules! bot_select {
            () => {
                "SELECT u.id, u.username, u.display_name, u.email, u.email_verified, \
                   u.password_hash, u.avatar_url, u.bio, u.status_text, u.is_admin, u.is_bot, \
                   u.disabled, u.created_at, \
                   b.owner_id AS bot_owner_id, b.created_at AS bot_created_at \
                 FROM bots b JOIN users u ON u.id = b.user_id"
            };
        }

        fn bot_from_row(
            row: &<$db as sqlx::Database>::Row,
        ) -> $crate::error::Result<$crate::store::BotRecord> {
            use sqlx::{FromRow, Row};
            Ok($crate::store::BotRecord {
                user: $crate::store::UserRecord::from_row(row)?,
                owner_id: row.try_get("bot_owner_id")?,
                created_at: row.try_get("bot_created_at")?,
            })
        }

        #[async_trait::async_trait]
        impl $crate::store::BotStore for $store {
            async fn bot_by_token_hash(
                &self,
                hash: &[u8],
            ) -> $crate::error::Result<Option<$crate::store::BotToken>> {
                let row: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT b.user_id, b.token_id FROM bots b JOIN users u ON u.id = b.user_id \
                     WHERE b.token_hash = $1 AND NOT u.disabled",
                )
                .bind(hash)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(bot, token)| $crate::store::BotToken {
                    bot_id: $crate::id::Id(bot),
                    token_id: $crate::id::Id(token),
                }))
            }

            async fn bot(
                &self,
                id: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::BotRecord>> {
                let row = sqlx::query(concat!(bot_select!(), " WHERE b.user_id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(bot_from_row).transpose()
            }

            async fn bots_of(
                &self,
                owner: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::BotRecord>> {
                let rows = sqlx::query(concat!(
                    bot_select!(),
                    " WHERE b.owner_id = $1 ORDER BY b.user_id"
                ))
                .bind(owner.0)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(bot_from_row).collect()
            }

            async fn bot_count(&self, owner: $crate::id::Id) -> $crate::error::Result<i64> {
                Ok(
                    sqlx::query_scalar("SELECT COUNT(*) FROM bots WHERE owner_id = $1")
                        .bind(owner.0)
                        .fetch_one(&self.pool)
                        .await?,
                )
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::BotWrites for $tx {
            async fn create_bot(
                &mut self,
                bot: &$crate::store::NewBot,
            ) -> $crate::error::Result<$crate::store::BotRecord> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                // No password can match an empty hash: the password check refuses bots anyway.
                sqlx::query(
                    "INSERT INTO users \
                       (id, username, username_lower, display_name, avatar_url, password_hash, \
                        is_bot, created_at) \
                     VALUES ($1, $2, $3, $4, $5, '', TRUE, $6)",
                )
                .bind(bot.id.0)
                .bind(&bot.username)
                .bind(bot.username.to_lowercase())
                .bind(&bot.display_name)
                .bind(&bot.avatar_url)
                .bind(bot.created_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO bots (user_id, owner_id, token_hash, token_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(bot.id.0)
                .bind(bot.owner_id.0)
                .bind(&bot.token_hash)
                .bind(bot.token_id.0)
                .bind(bot.created_at)
                .execute(&mut *tx)
                .await?;
                let row = sqlx::query(concat!(bot_select!(), " WHERE b.user_id = $1"))
                    .bind(bot.id.0)
                    .fetch_one(&mut *tx)
                    .await?;
                let record = bot_from_row(&row)?;
                tx.commit().await?;
                Ok(record)
            }

            async fn set_bot_token(
                &mut self,
                bot: $crate::id::Id,
                hash: &[u8],
                token_id: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::id::Id>> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                let old: Option<i64> =
                    sqlx::query_scalar("SELECT token_id FROM bots WHERE user_id = $1")
                        .bind(bot.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                if old.is_some() {
                    sqlx::query("UPDATE bots SET token_hash = $2, token_id = $3 WHERE user_id = $1")
                        .bind(bot.0)
                        .bind(hash)
                        .bind(token_id.0)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(old.map($crate::id::Id))
            }

            async fn delete_bot(
                &mut self,
                bot: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::id::Id>> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                let old: Option<i64> =
                    sqlx::query_scalar("DELETE FROM bots WHERE user_id = $1 RETURNING token_id")
                        .bind(bot.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                if old.is_some() {
                    let name = format!("deleted-bot-{}", bot.0);
                    sqlx::query(
                        "UPDATE users SET disabled = TRUE, username = $2, username_lower = $2 \
                         WHERE id = $1",
                    )
                    .bind(bot.0)
                    .bind(&name)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(old.map($crate::id::Id))
            }
        }
    };
}

pub(crate) use bots_sql;
