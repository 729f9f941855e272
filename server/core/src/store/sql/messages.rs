//! [`crate::store::MessageStore`] in portable SQL.

use crate::{
    error::Result,
    store::{MessageRecord, NewMessage},
};

/// A backend's way to store a batch of messages without attachments in ONE statement, when
/// it has one: a plain batch then costs one round trip (to the database server, or to the
/// SQLite connection's worker thread) where the portable path needs BEGIN, one INSERT per
/// chunk, a re-read and COMMIT. PostgreSQL takes the rows as array parameters (mentions go in
/// by a data-modifying CTE), SQLite as one JSON parameter.
#[async_trait::async_trait]
pub(crate) trait InsertAtOnce {
    /// Stores `batch` (no message has attachments) atomically and returns the created rows
    /// with their authors' nicknames; a message whose nonce was taken is absent. `None`: this
    /// backend has no one-statement path.
    async fn insert_at_once(&self, batch: &[NewMessage]) -> Result<Option<Vec<MessageRecord>>>;
}

/// Implements [`crate::store::MessageStore`] for `$store` (see [`super`]).
macro_rules! messages_sql {
    ($store:ty, $tx:ty, $db:ty, $begin_write:literal) => {
        /// `SELECT` of a [`crate::store::MessageRecord`] (messages `m`, with the author's
        /// nickname from `members`); append `WHERE …`.
        macro_rules! select_messages {
            () => {
                "SELECT m.id, m.channel_id, m.server_id, m.author_id, m.kind, m.content, \
                   m.nonce, m.reply_to_id, m.mention_everyone, m.pinned_at, m.edited_at, \
                   m.created_at, COALESCE(mem.nickname, '') AS author_nickname \
                 FROM messages m \
                 LEFT JOIN members mem ON mem.server_id = m.server_id \
                   AND mem.user_id = m.author_id "
            };
        }

        /// Column list of [`crate::store::UserRecord`] for `users u`.
        macro_rules! user_columns {
            () => {
                "u.id, u.username, u.display_name, u.email, u.email_verified, \
                 u.password_hash, u.avatar_url, u.bio, u.status_text, u.is_admin, u.is_bot, \
                 u.disabled, u.created_at"
            };
        }

        /// Column list of [`crate::store::AttachmentRecord`].
        macro_rules! attachment_columns {
            () => {
                "id, channel_id, message_id, uploader_id, filename, content_type, size, \
                 sha256, width, height, created_at"
            };
        }

        /// `$first, $first+1, …` — `n` placeholders for an `IN (…)` list. Lists are bound in
        /// fixed-size chunks so statements stay portable (no array binds).
        fn param_list(first: usize, n: usize) -> String {
            (first..first + n)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        }

        /// Chunk size of `IN (…)` lists.
        const CHUNK: usize = 100;

        /// Largest multi-row statement of a batch write, in rows.
        const MAX_ROWS: usize = 64;

        /// Splits `items` into chunks of power-of-two lengths (at most [`MAX_ROWS`]), so
        /// a batch of any size uses one of a handful of statement shapes and each stays in the
        /// connection's prepared-statement cache.
        fn pow2_chunks<T>(mut items: &[T]) -> Vec<&[T]> {
            let mut out = Vec::new();
            while !items.is_empty() {
                let n = if items.len() >= MAX_ROWS {
                    MAX_ROWS
                } else {
                    1 << (usize::BITS - 1 - items.len().leading_zeros())
                };
                let (chunk, rest) = items.split_at(n);
                out.push(chunk);
                items = rest;
            }
            out
        }

        /// `head ($1, …, $cols), ($cols+1, …), … tail`: a `VALUES` list of `rows` rows.
        fn values_sql(head: &str, cols: usize, rows: usize, tail: &str) -> String {
            let mut sql = String::with_capacity(head.len() + tail.len() + rows * cols * 5);
            sql.push_str(head);
            for row in 0..rows {
                if row > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                sql.push_str(&param_list(row * cols + 1, cols));
                sql.push(')');
            }
            sql.push_str(tail);
            sql
        }

        /// The stored message whose nonce `m` repeats (it was not inserted because of it).
        async fn nonce_twin<'e, E>(
            executor: E,
            m: &$crate::store::MessageRecord,
        ) -> $crate::error::Result<$crate::store::MessageRecord>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            let existing: Option<$crate::store::MessageRecord> = sqlx::query_as(concat!(
                select_messages!(),
                "WHERE m.channel_id = $1 AND m.author_id = $2 AND m.nonce = $3"
            ))
            .bind(m.channel_id)
            .bind(m.author_id)
            .bind(&m.nonce)
            .fetch_optional(executor)
            .await?;
            existing.ok_or_else(|| {
                $crate::error::Error::internal(format!(
                    "message {} was not inserted and has no nonce twin",
                    m.id
                ))
            })
        }

        async fn insert_mentions(
            conn: &mut <$db as sqlx::Database>::Connection,
            message: i64,
            channel: i64,
            mentions: &[($crate::model::MentionKind, i64)],
        ) -> $crate::error::Result<()> {
            for (kind, target) in mentions {
                sqlx::query(
                    "INSERT INTO message_mentions (message_id, channel_id, kind, target_id) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(message)
                .bind(channel)
                .bind(kind)
                .bind(target)
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        #[async_trait::async_trait]
        impl $crate::store::MessageStore for $store {
            async fn read_states(
                &self,
                user: $crate::id::Id,
                channels: &[$crate::id::Id],
            ) -> $crate::error::Result<Vec<$crate::model::ReadState>> {
                let mut out = Vec::with_capacity(channels.len());
                // Fixed-size batches keep the statement portable (no array binds).
                for chunk in channels.chunks(100) {
                    let placeholders: Vec<String> =
                        (0..chunk.len()).map(|i| format!("${}", i + 4)).collect();
                    let sql = format!(
                        "SELECT c.id, rs.last_read_id, \
                           (SELECT MAX(m.id) FROM messages m WHERE m.channel_id = c.id), \
                           (SELECT COUNT(*) FROM messages m \
                            WHERE m.channel_id = c.id AND m.id > COALESCE(rs.last_read_id, 0) \
                              AND m.author_id <> $1 \
                              AND (m.mention_everyone OR EXISTS ( \
                                SELECT 1 FROM message_mentions mm \
                                WHERE mm.message_id = m.id AND ( \
                                  (mm.kind = $2 AND mm.target_id = $1) OR \
                                  (mm.kind = $3 AND mm.target_id IN ( \
                                    SELECT mr.role_id FROM member_roles mr \
                                    WHERE mr.user_id = $1 AND mr.server_id = c.server_id)))))) \
                         FROM channels c \
                         LEFT JOIN read_states rs ON rs.channel_id = c.id AND rs.user_id = $1 \
                         WHERE c.id IN ({})",
                        placeholders.join(", ")
                    );
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                        .bind(user.0)
                        .bind($crate::model::MentionKind::User)
                        .bind($crate::model::MentionKind::Role);
                    for c in chunk {
                        q = q.bind(c.0);
                    }
                    let rows: Vec<(i64, Option<i64>, Option<i64>, i64)> =
                        q.fetch_all(&self.pool).await?;
                    out.extend(rows.into_iter().map(|(channel, last_read, last_message, mentions)| {
                        $crate::model::ReadState {
                            channel_id: $crate::id::Id(channel),
                            last_read_message_id: last_read.map($crate::id::Id),
                            mention_count: u32::try_from(mentions).unwrap_or(u32::MAX),
                            unread: last_message.is_some_and(|m| last_read.is_none_or(|r| m > r)),
                        }
                    }));
                }
                Ok(out)
            }

            async fn insert_messages(
                &self,
                batch: &[$crate::store::NewMessage],
            ) -> $crate::error::Result<Vec<$crate::store::InsertOutcome>> {
                use std::collections::{HashMap, HashSet};
                use $crate::store::{InsertOutcome, MessageRecord};
                use sqlx::Connection as _;
                if batch.iter().all(|n| n.attachment_ids.is_empty())
                    && let Some(rows) =
                        $crate::store::sql::InsertAtOnce::insert_at_once(self, batch).await?
                {
                    let mut created: HashMap<i64, MessageRecord> =
                        rows.into_iter().map(|r| (r.id, r)).collect();
                    let mut outcomes = Vec::with_capacity(batch.len());
                    for new in batch {
                        outcomes.push(match created.remove(&new.message.id) {
                            Some(record) => InsertOutcome::Created(record),
                            None => InsertOutcome::Duplicate(
                                nonce_twin(&self.pool, &new.message).await?,
                            ),
                        });
                    }
                    return Ok(outcomes);
                }
                let mut conn = self.held.take().await?;
                let mut tx = sqlx::Connection::begin_with(&mut *conn, $begin_write).await?;
                // Messages without attachments: multi-row inserts. A retry with the same nonce
                // hits `messages_nonce_key` and inserts nothing.
                let plain: Vec<&$crate::store::NewMessage> =
                    batch.iter().filter(|n| n.attachment_ids.is_empty()).collect();
                let mut inserted: HashSet<i64> = HashSet::with_capacity(batch.len());
                for chunk in pow2_chunks(&plain) {
                    let sql = values_sql(
                        "INSERT INTO messages (id, channel_id, server_id, author_id, kind, \
                           content, nonce, reply_to_id, mention_everyone, pinned_at, edited_at, \
                           created_at) VALUES ",
                        12,
                        chunk.len(),
                        " ON CONFLICT DO NOTHING RETURNING id",
                    );
                    let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
                    for new in chunk {
                        let m = &new.message;
                        q = q
                            .bind(m.id)
                            .bind(m.channel_id)
                            .bind(m.server_id)
                            .bind(m.author_id)
                            .bind(m.kind)
                            .bind(&m.content)
                            .bind(&m.nonce)
                            .bind(m.reply_to_id)
                            .bind(m.mention_everyone)
                            .bind(m.pinned_at)
                            .bind(m.edited_at)
                            .bind(m.created_at);
                    }
                    let ids: Vec<i64> = q.fetch_all(&mut *tx).await?;
                    inserted.extend(ids);
                }
                // Messages with attachments: one by one, each in a savepoint, so an upload
                // that cannot be bound rolls back only its own message.
                let mut unavailable: HashMap<i64, i64> = HashMap::new();
                for new in batch.iter().filter(|n| !n.attachment_ids.is_empty()) {
                    let m = &new.message;
                    let mut sp = (&mut *tx).begin().await?;
                    let row: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO messages (id, channel_id, server_id, author_id, kind, \
                           content, nonce, reply_to_id, mention_everyone, pinned_at, edited_at, \
                           created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                         ON CONFLICT DO NOTHING RETURNING id",
                    )
                    .bind(m.id)
                    .bind(m.channel_id)
                    .bind(m.server_id)
                    .bind(m.author_id)
                    .bind(m.kind)
                    .bind(&m.content)
                    .bind(&m.nonce)
                    .bind(m.reply_to_id)
                    .bind(m.mention_everyone)
                    .bind(m.pinned_at)
                    .bind(m.edited_at)
                    .bind(m.created_at)
                    .fetch_optional(&mut *sp)
                    .await?;
                    if row.is_none() {
                        // A nonce twin: nothing to bind.
                        sp.commit().await?;
                        continue;
                    }
                    let mut missing = None;
                    for attachment in &new.attachment_ids {
                        let bound = sqlx::query(
                            "UPDATE attachments SET message_id = $1 \
                             WHERE id = $2 AND channel_id = $3 AND uploader_id = $4 \
                               AND message_id IS NULL",
                        )
                        .bind(m.id)
                        .bind(attachment)
                        .bind(m.channel_id)
                        .bind(m.author_id)
                        .execute(&mut *sp)
                        .await?
                        .rows_affected();
                        if bound != 1 {
                            missing = Some(*attachment);
                            break;
                        }
                    }
                    match missing {
                        Some(attachment) => {
                            sp.rollback().await?;
                            unavailable.insert(m.id, attachment);
                        }
                        None => {
                            sp.commit().await?;
                            inserted.insert(m.id);
                        }
                    }
                }
                let mentions: Vec<(i64, i64, $crate::model::MentionKind, i64)> = batch
                    .iter()
                    .filter(|n| inserted.contains(&n.message.id))
                    .flat_map(|n| {
                        n.mentions
                            .iter()
                            .map(|(kind, target)| (n.message.id, n.message.channel_id, *kind, *target))
                    })
                    .collect();
                for chunk in pow2_chunks(&mentions) {
                    let sql = values_sql(
                        "INSERT INTO message_mentions (message_id, channel_id, kind, target_id) \
                         VALUES ",
                        4,
                        chunk.len(),
                        " ON CONFLICT DO NOTHING",
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (message, channel, kind, target) in chunk {
                        q = q.bind(message).bind(channel).bind(kind).bind(target);
                    }
                    q.execute(&mut *tx).await?;
                }
                // The stored rows, with the authors' nicknames.
                let created_ids: Vec<i64> = batch
                    .iter()
                    .map(|n| n.message.id)
                    .filter(|id| inserted.contains(id))
                    .collect();
                let mut created: HashMap<i64, MessageRecord> =
                    HashMap::with_capacity(created_ids.len());
                for chunk in pow2_chunks(&created_ids) {
                    let sql = format!(
                        concat!(select_messages!(), "WHERE m.id IN ({list})"),
                        list = param_list(1, chunk.len())
                    );
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                    for id in chunk {
                        q = q.bind(id);
                    }
                    let rows: Vec<MessageRecord> = q.fetch_all(&mut *tx).await?;
                    created.extend(rows.into_iter().map(|r| (r.id, r)));
                }
                let mut outcomes = Vec::with_capacity(batch.len());
                for new in batch {
                    let m = &new.message;
                    if let Some(attachment) = unavailable.get(&m.id) {
                        outcomes.push(InsertOutcome::AttachmentUnavailable(*attachment));
                    } else if let Some(record) = created.remove(&m.id) {
                        outcomes.push(InsertOutcome::Created(record));
                    } else {
                        outcomes.push(InsertOutcome::Duplicate(nonce_twin(&mut *tx, m).await?));
                    }
                }
                tx.commit().await?;
                self.held.put_back(conn);
                Ok(outcomes)
            }

            async fn message(
                &self,
                channel: $crate::id::Id,
                id: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::MessageRecord>> {
                Ok(sqlx::query_as(concat!(
                    select_messages!(),
                    "WHERE m.channel_id = $1 AND m.id = $2"
                ))
                .bind(channel.0)
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn messages_before(
                &self,
                channel: $crate::id::Id,
                before: Option<$crate::id::Id>,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::MessageRecord>> {
                Ok(sqlx::query_as(concat!(
                    select_messages!(),
                    "WHERE m.channel_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3"
                ))
                .bind(channel.0)
                .bind(before.map_or(i64::MAX, |b| b.0))
                .bind(i64::from(limit))
                .fetch_all(&self.read_pool)
                .await?)
            }

            async fn messages_from(
                &self,
                channel: $crate::id::Id,
                first: $crate::id::Id,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::MessageRecord>> {
                Ok(sqlx::query_as(concat!(
                    select_messages!(),
                    "WHERE m.channel_id = $1 AND m.id >= $2 ORDER BY m.id ASC LIMIT $3"
                ))
                .bind(channel.0)
                .bind(first.0)
                .bind(i64::from(limit))
                .fetch_all(&self.read_pool)
                .await?)
            }

            async fn pinned_messages(
                &self,
                channel: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::MessageRecord>> {
                Ok(sqlx::query_as(concat!(
                    select_messages!(),
                    "WHERE m.channel_id = $1 AND m.pinned_at IS NOT NULL \
                     ORDER BY m.pinned_at DESC, m.id DESC"
                ))
                .bind(channel.0)
                .fetch_all(&self.read_pool)
                .await?)
            }

            async fn message_extras(
                &self,
                viewer: $crate::id::Id,
                messages: &[$crate::store::MessageRecord],
            ) -> $crate::error::Result<$crate::store::MessageExtras> {
                let mut out = $crate::store::MessageExtras::default();
                let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
                let mut reply_ids: Vec<i64> =
                    messages.iter().filter_map(|m| m.reply_to_id).collect();
                reply_ids.sort_unstable();
                reply_ids.dedup();
                // One read transaction: the parts describe the same moment.
                let mut tx = self.pool.begin().await?;
                for chunk in ids.chunks(CHUNK) {
                    let list = param_list(1, chunk.len());
                    let sql = format!(
                        "SELECT message_id, kind, target_id FROM message_mentions \
                         WHERE message_id IN ({list}) ORDER BY message_id, kind, target_id"
                    );
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                    for id in chunk {
                        q = q.bind(id);
                    }
                    let rows: Vec<$crate::store::MentionRecord> = q.fetch_all(&mut *tx).await?;
                    out.mentions.extend(rows);

                    let list = param_list(2, chunk.len());
                    let sql = format!(
                        "SELECT message_id, emoji, COUNT(*) AS count, \
                           CAST(SUM(CASE WHEN user_id = $1 THEN 1 ELSE 0 END) AS BIGINT) AS me, \
                           MIN(created_at) AS first_at \
                         FROM reactions WHERE message_id IN ({list}) \
                         GROUP BY message_id, emoji ORDER BY message_id, first_at, emoji"
                    );
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(viewer.0);
                    for id in chunk {
                        q = q.bind(id);
                    }
                    let rows: Vec<$crate::store::ReactionCountRecord> = q.fetch_all(&mut *tx).await?;
                    out.reactions.extend(rows);

                    let list = param_list(1, chunk.len());
                    let sql = format!(
                        concat!(
                            "SELECT ",
                            attachment_columns!(),
                            " FROM attachments WHERE message_id IN ({list}) ORDER BY id"
                        ),
                        list = list
                    );
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                    for id in chunk {
                        q = q.bind(id);
                    }
                    let rows: Vec<$crate::store::AttachmentRecord> = q.fetch_all(&mut *tx).await?;
                    out.attachments.extend(rows);
                }
                for chunk in reply_ids.chunks(CHUNK) {
                    let list = param_list(1, chunk.len());
                    let sql = format!(concat!(select_messages!(), "WHERE m.id IN ({list})"), list = list);
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                    for id in chunk {
                        q = q.bind(id);
                    }
                    let rows: Vec<$crate::store::MessageRecord> = q.fetch_all(&mut *tx).await?;
                    out.replies.extend(rows);
                }
                tx.commit().await?;
                Ok(out)
            }

            async fn users_by_ids(
                &self,
                ids: &[i64],
            ) -> $crate::error::Result<Vec<$crate::store::UserRecord>> {
                let mut out = Vec::with_capacity(ids.len());
                // Every sent batch reads its authors: on a held connection, like its insert.
                let mut conn = self.held.take().await?;
                for chunk in ids.chunks(CHUNK) {
                    let list = param_list(1, chunk.len());
                    let sql = format!(
                        concat!("SELECT ", user_columns!(), " FROM users u WHERE u.id IN ({list})"),
                        list = list
                    );
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                    for id in chunk {
                        q = q.bind(id);
                    }
                    let rows: Vec<$crate::store::UserRecord> = q.fetch_all(&mut *conn).await?;
                    out.extend(rows);
                }
                self.held.put_back(conn);
                Ok(out)
            }

            async fn reaction_users(
                &self,
                message: $crate::id::Id,
                emoji: &str,
                after: Option<$crate::id::Id>,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::UserRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM reactions r JOIN users u ON u.id = r.user_id \
                     WHERE r.message_id = $1 AND r.emoji = $2 AND r.user_id > $3 \
                     ORDER BY r.user_id LIMIT $4"
                ))
                .bind(message.0)
                .bind(emoji)
                .bind(after.map_or(0, |a| a.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?)
            }


            async fn insert_attachment(
                &self,
                a: &$crate::store::AttachmentRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(concat!(
                    "INSERT INTO attachments (",
                    attachment_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                ))
                .bind(a.id)
                .bind(a.channel_id)
                .bind(a.message_id)
                .bind(a.uploader_id)
                .bind(&a.filename)
                .bind(&a.content_type)
                .bind(a.size)
                .bind(&a.sha256)
                .bind(a.width)
                .bind(a.height)
                .bind(a.created_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn attachment(
                &self,
                id: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::AttachmentRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ",
                    attachment_columns!(),
                    " FROM attachments WHERE id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn attachment_hashes_in_use(
                &self,
                sha256s: &[String],
            ) -> $crate::error::Result<Vec<String>> {
                let mut out = Vec::new();
                for chunk in sha256s.chunks(CHUNK) {
                    let list = param_list(1, chunk.len());
                    let sql =
                        format!("SELECT DISTINCT sha256 FROM attachments WHERE sha256 IN ({list})");
                    let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
                    for h in chunk {
                        q = q.bind(h);
                    }
                    let rows: Vec<String> = q.fetch_all(&self.pool).await?;
                    out.extend(rows);
                }
                Ok(out)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::MessageWrites for $tx {
            async fn ack(
                &mut self,
                user: $crate::id::Id,
                channel: $crate::id::Id,
                message: $crate::id::Id,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO read_states (user_id, channel_id, last_read_id) \
                     VALUES ($1, $2, $3) \
                     ON CONFLICT (user_id, channel_id) DO UPDATE SET last_read_id = \
                       CASE WHEN excluded.last_read_id > read_states.last_read_id \
                         THEN excluded.last_read_id ELSE read_states.last_read_id END",
                )
                .bind(user.0)
                .bind(channel.0)
                .bind(message.0)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }


            async fn edit_message(
                &mut self,
                id: $crate::id::Id,
                content: &str,
                mention_everyone: bool,
                mentions: &[($crate::model::MentionKind, i64)],
                edited_at: i64,
            ) -> $crate::error::Result<Option<$crate::store::MessageRecord>> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                let channel: Option<i64> = sqlx::query_scalar(
                    "UPDATE messages SET content = $2, mention_everyone = $3, edited_at = $4 \
                     WHERE id = $1 RETURNING channel_id",
                )
                .bind(id.0)
                .bind(content)
                .bind(mention_everyone)
                .bind(edited_at)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(channel) = channel else {
                    return Ok(None);
                };
                sqlx::query("DELETE FROM message_mentions WHERE message_id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                insert_mentions(&mut *tx, id.0, channel, mentions).await?;
                let record = sqlx::query_as(concat!(select_messages!(), "WHERE m.id = $1"))
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(record))
            }

            async fn delete_message(
                &mut self,
                channel: $crate::id::Id,
                id: $crate::id::Id,
            ) -> $crate::error::Result<Option<Vec<String>>> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                let hashes: Vec<String> =
                    sqlx::query_scalar("SELECT sha256 FROM attachments WHERE message_id = $1")
                        .bind(id.0)
                        .fetch_all(&mut *tx)
                        .await?;
                let deleted = sqlx::query("DELETE FROM messages WHERE id = $1 AND channel_id = $2")
                    .bind(id.0)
                    .bind(channel.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if deleted == 0 {
                    return Ok(None);
                }
                tx.commit().await?;
                Ok(Some(hashes))
            }

            async fn add_reaction(
                &mut self,
                message: $crate::id::Id,
                emoji: &str,
                user: $crate::id::Id,
                now: i64,
            ) -> $crate::error::Result<bool> {
                Ok(sqlx::query(
                    "INSERT INTO reactions (message_id, emoji, user_id, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(message.0)
                .bind(emoji)
                .bind(user.0)
                .bind(now)
                .execute(&mut *self.0)
                .await?
                .rows_affected()
                    == 1)
            }

            async fn remove_reaction(
                &mut self,
                message: $crate::id::Id,
                emoji: &str,
                user: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                Ok(sqlx::query(
                    "DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3",
                )
                .bind(message.0)
                .bind(emoji)
                .bind(user.0)
                .execute(&mut *self.0)
                .await?
                .rows_affected()
                    == 1)
            }

            async fn pin_message(
                &mut self,
                channel: $crate::id::Id,
                id: $crate::id::Id,
                now: i64,
                max_pins: u32,
            ) -> $crate::error::Result<$crate::store::PinOutcome> {
                use $crate::store::PinOutcome;
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                // Touching the channel row first serialises concurrent pins of one channel
                // (a row lock on PostgreSQL; SQLite writers are serial anyway), so the limit
                // check below cannot be raced.
                sqlx::query("UPDATE channels SET last_pin_at = last_pin_at WHERE id = $1")
                    .bind(channel.0)
                    .execute(&mut *tx)
                    .await?;
                let row: Option<(Option<i64>,)> = sqlx::query_as(
                    "SELECT pinned_at FROM messages WHERE id = $1 AND channel_id = $2",
                )
                .bind(id.0)
                .bind(channel.0)
                .fetch_optional(&mut *tx)
                .await?;
                match row {
                    None => return Ok(PinOutcome::NotFound),
                    Some((Some(_),)) => return Ok(PinOutcome::AlreadyPinned),
                    Some((None,)) => {}
                }
                let pinned: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM messages WHERE channel_id = $1 AND pinned_at IS NOT NULL",
                )
                .bind(channel.0)
                .fetch_one(&mut *tx)
                .await?;
                if pinned >= i64::from(max_pins) {
                    return Ok(PinOutcome::LimitReached);
                }
                sqlx::query("UPDATE messages SET pinned_at = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE channels SET last_pin_at = $2 WHERE id = $1")
                    .bind(channel.0)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(PinOutcome::Pinned)
            }

            async fn unpin_message(
                &mut self,
                channel: $crate::id::Id,
                id: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                let unpinned = sqlx::query(
                    "UPDATE messages SET pinned_at = NULL \
                     WHERE id = $1 AND channel_id = $2 AND pinned_at IS NOT NULL",
                )
                .bind(id.0)
                .bind(channel.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if unpinned == 0 {
                    return Ok(false);
                }
                sqlx::query(
                    "UPDATE channels SET last_pin_at = \
                       (SELECT MAX(pinned_at) FROM messages WHERE channel_id = $1) \
                     WHERE id = $1",
                )
                .bind(channel.0)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}

pub(crate) use messages_sql;
