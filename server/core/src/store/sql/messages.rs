//! [`crate::store::MessageStore`] in portable SQL.

/// Implements [`crate::store::MessageStore`] for `$store` (see [`super`]).
macro_rules! messages_sql {
    ($store:ty, $db:ty, $begin_write:literal) => {
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
                        (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
                    let sql = format!(
                        "SELECT c.id, rs.last_read_id, c.last_message_id, \
                           (SELECT COUNT(*) FROM messages m \
                            WHERE m.channel_id = c.id AND m.id > COALESCE(rs.last_read_id, 0) \
                              AND m.author_id <> $1 \
                              AND (m.mention_everyone OR EXISTS ( \
                                SELECT 1 FROM message_mentions mm \
                                WHERE mm.message_id = m.id AND ( \
                                  (mm.kind = 1 AND mm.target_id = $1) OR \
                                  (mm.kind = 2 AND mm.target_id IN ( \
                                    SELECT mr.role_id FROM member_roles mr \
                                    WHERE mr.user_id = $1 AND mr.server_id = c.server_id)))))) \
                         FROM channels c \
                         LEFT JOIN read_states rs ON rs.channel_id = c.id AND rs.user_id = $1 \
                         WHERE c.id IN ({})",
                        placeholders.join(", ")
                    );
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user.0);
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
        }
    };
}

pub(crate) use messages_sql;
