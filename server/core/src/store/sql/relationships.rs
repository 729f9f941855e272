//! [`crate::store::RelationshipStore`] in portable SQL.

/// Implements [`crate::store::RelationshipStore`] for `$store` (see [`super`]).
macro_rules! relationships_sql {
    ($store:ty, $tx:ty, $db:ty, $begin_write:literal) => {
        /// Columns of a [`crate::store::UserRecord`] from `users u`.
        macro_rules! user_columns {
            () => {
                "u.id, u.username, u.display_name, u.email, u.email_verified, u.password_hash, \
                 u.avatar_url, u.bio, u.status_text, u.is_admin, u.is_bot, u.disabled, \
                 u.created_at"
            };
        }

        /// Writes one direction of a pair: deletes it (`None`), or upserts it when the kind
        /// changed. Returns the row as it now is.
        async fn write_side(
            conn: &mut <$db as sqlx::Database>::Connection,
            user: i64,
            other: i64,
            before: Option<&$crate::store::RelationshipRecord>,
            after: Option<$crate::store::RelationshipKind>,
            now: i64,
        ) -> $crate::error::Result<Option<$crate::store::RelationshipRecord>> {
            let Some(kind) = after else {
                if before.is_some() {
                    sqlx::query("DELETE FROM relationships WHERE user_id = $1 AND other_id = $2")
                        .bind(user)
                        .bind(other)
                        .execute(&mut *conn)
                        .await?;
                }
                return Ok(None);
            };
            if let Some(b) = before
                && b.kind == kind
            {
                return Ok(Some(b.clone()));
            }
            sqlx::query(
                "INSERT INTO relationships (user_id, other_id, kind, created_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, other_id) DO UPDATE SET \
                   kind = excluded.kind, created_at = excluded.created_at",
            )
            .bind(user)
            .bind(other)
            .bind(kind)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok(Some($crate::store::RelationshipRecord {
                user_id: user,
                other_id: other,
                kind,
                created_at: now,
            }))
        }

        /// Inserts a private channel row (the other columns keep their defaults).
        async fn insert_private_channel(
            conn: &mut <$db as sqlx::Database>::Connection,
            c: &$crate::store::ChannelRecord,
        ) -> $crate::error::Result<()> {
            sqlx::query(
                "INSERT INTO channels (id, server_id, kind, name, owner_id, icon_url, created_at) \
                 VALUES ($1, NULL, $2, $3, $4, $5, $6)",
            )
            .bind(c.id)
            .bind(c.kind)
            .bind(&c.name)
            .bind(c.owner_id)
            .bind(&c.icon_url)
            .bind(c.created_at)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        async fn insert_recipient(
            conn: &mut <$db as sqlx::Database>::Connection,
            channel: i64,
            user: i64,
        ) -> $crate::error::Result<()> {
            sqlx::query(
                "INSERT INTO channel_recipients (channel_id, user_id) VALUES ($1, $2) \
                 ON CONFLICT (channel_id, user_id) DO NOTHING",
            )
            .bind(channel)
            .bind(user)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        /// Locks a channel row for the rest of the transaction (PostgreSQL; SQLite's
        /// `BEGIN IMMEDIATE` already serialises writers). False if there is no such channel.
        async fn lock_channel(
            conn: &mut <$db as sqlx::Database>::Connection,
            channel: i64,
        ) -> $crate::error::Result<bool> {
            let done = sqlx::query("UPDATE channels SET owner_id = owner_id WHERE id = $1")
                .bind(channel)
                .execute(&mut *conn)
                .await?;
            Ok(done.rows_affected() > 0)
        }

        #[async_trait::async_trait]
        impl $crate::store::RelationshipStore for $store {
            async fn relationship_pair(
                &self,
                me: $crate::id::Id,
                other: $crate::id::Id,
            ) -> $crate::error::Result<$crate::store::RelationshipPair> {
                let rows: Vec<$crate::store::RelationshipRecord> = sqlx::query_as(
                    "SELECT user_id, other_id, kind, created_at FROM relationships \
                     WHERE (user_id = $1 AND other_id = $2) OR (user_id = $2 AND other_id = $1)",
                )
                .bind(me.0)
                .bind(other.0)
                .fetch_all(&self.pool)
                .await?;
                Ok($crate::store::RelationshipPair {
                    mine: rows.iter().find(|r| r.user_id == me.0).cloned(),
                    theirs: rows.iter().find(|r| r.user_id == other.0).cloned(),
                })
            }

            async fn relationships_of(
                &self,
                user: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::RelationshipRecord>> {
                Ok(sqlx::query_as(
                    "SELECT user_id, other_id, kind, created_at FROM relationships \
                     WHERE user_id = $1 ORDER BY created_at, other_id",
                )
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn blocked_either_way(
                &self,
                a: $crate::id::Id,
                b: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                let hit: Option<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM relationships \
                     WHERE ((user_id = $1 AND other_id = $2) OR (user_id = $2 AND other_id = $1)) \
                       AND kind = $3 LIMIT 1",
                )
                .bind(a.0)
                .bind(b.0)
                .bind($crate::model::RelationshipKind::Blocked)
                .fetch_optional(&self.pool)
                .await?;
                Ok(hit.is_some())
            }

            async fn dm_blocked(
                &self,
                channel: $crate::id::Id,
                user: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                let hit: Option<i64> = sqlx::query_scalar(
                    "SELECT b.user_id FROM channel_recipients r JOIN relationships b \
                       ON (b.user_id = r.user_id AND b.other_id = $2) \
                       OR (b.user_id = $2 AND b.other_id = r.user_id) \
                     WHERE r.channel_id = $1 AND r.user_id <> $2 AND b.kind = $3 LIMIT 1",
                )
                .bind(channel.0)
                .bind(user.0)
                .bind($crate::model::RelationshipKind::Blocked)
                .fetch_optional(&self.pool)
                .await?;
                Ok(hit.is_some())
            }

            async fn share_server(
                &self,
                a: $crate::id::Id,
                b: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                let hit: Option<i64> = sqlx::query_scalar(
                    "SELECT x.server_id FROM members x \
                     JOIN members y ON y.server_id = x.server_id AND y.user_id = $2 \
                     WHERE x.user_id = $1 LIMIT 1",
                )
                .bind(a.0)
                .bind(b.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(hit.is_some())
            }

            async fn search_users(
                &self,
                searcher: $crate::id::Id,
                prefix_lower: &str,
                after_lower: Option<&str>,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::UserRecord>> {
                let mut pattern = String::with_capacity(prefix_lower.len() + 1);
                for ch in prefix_lower.chars() {
                    if matches!(ch, '\\' | '%' | '_') {
                        pattern.push('\\');
                    }
                    pattern.push(ch);
                }
                pattern.push('%');
                Ok(sqlx::query_as(concat!(
                    "SELECT ", user_columns!(), " FROM users u \
                     WHERE (u.username_lower LIKE $2 ESCAPE '\\' \
                            OR LOWER(u.display_name) LIKE $2 ESCAPE '\\') \
                       AND NOT u.disabled \
                       AND u.username_lower > $3 \
                       AND NOT EXISTS (SELECT 1 FROM relationships b \
                                       WHERE b.user_id = u.id AND b.other_id = $1 AND b.kind = $5) \
                     ORDER BY u.username_lower LIMIT $4"
                ))
                .bind(searcher.0)
                .bind(pattern)
                .bind(after_lower.unwrap_or(""))
                .bind(i64::from(limit))
                .bind($crate::model::RelationshipKind::Blocked)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn allow_server_dms(&self, user: $crate::id::Id) -> $crate::error::Result<bool> {
                let v: Option<bool> =
                    sqlx::query_scalar("SELECT allow_server_dms FROM users WHERE id = $1")
                        .bind(user.0)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(v.unwrap_or(false))
            }

            async fn dm_channel(
                &self,
                a: $crate::id::Id,
                b: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::ChannelRecord>> {
                let (low, high) = if a.0 < b.0 { (a.0, b.0) } else { (b.0, a.0) };
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::channel_columns!(), " FROM channels \
                     WHERE id = (SELECT channel_id FROM dm_pairs \
                                 WHERE low_user = $1 AND high_user = $2)"
                ))
                .bind(low)
                .bind(high)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn private_channels(
                &self,
                user: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::ChannelRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::channel_columns!(), " FROM channels \
                     WHERE server_id IS NULL \
                       AND id IN (SELECT channel_id FROM channel_recipients WHERE user_id = $1) \
                     ORDER BY COALESCE((SELECT MAX(m.id) FROM messages m \
                                        WHERE m.channel_id = channels.id), id) DESC"
                ))
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn recipient_pairs(
                &self,
                channels: &[i64],
            ) -> $crate::error::Result<Vec<(i64, i64)>> {
                let mut out = Vec::new();
                for chunk in channels.chunks(100) {
                    let placeholders: Vec<String> =
                        (0..chunk.len()).map(|i| format!("${}", i + 1)).collect();
                    let sql = format!(
                        "SELECT channel_id, user_id FROM channel_recipients \
                         WHERE channel_id IN ({}) ORDER BY channel_id, user_id",
                        placeholders.join(", ")
                    );
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                    for c in chunk {
                        q = q.bind(*c);
                    }
                    let rows: Vec<(i64, i64)> = q.fetch_all(&self.pool).await?;
                    out.extend(rows);
                }
                Ok(out)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::RelationshipWrites for $tx {

            async fn transition_relationship(
                &mut self,
                me: $crate::id::Id,
                other: $crate::id::Id,
                now: i64,
                rule: $crate::store::PairRule<'_>,
            ) -> $crate::error::Result<(
                $crate::store::RelationshipPair,
                $crate::store::RelationshipPair,
            )> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                // Lock both users' rows, lower id first, so concurrent transitions of the
                // same pair run one after the other (and cannot deadlock each other).
                let (low, high) = if me.0 < other.0 { (me.0, other.0) } else { (other.0, me.0) };
                for u in [low, high] {
                    sqlx::query("UPDATE users SET allow_server_dms = allow_server_dms WHERE id = $1")
                        .bind(u)
                        .execute(&mut *tx)
                        .await?;
                }
                let rows: Vec<$crate::store::RelationshipRecord> = sqlx::query_as(
                    "SELECT user_id, other_id, kind, created_at FROM relationships \
                     WHERE (user_id = $1 AND other_id = $2) OR (user_id = $2 AND other_id = $1)",
                )
                .bind(me.0)
                .bind(other.0)
                .fetch_all(&mut *tx)
                .await?;
                let before = $crate::store::RelationshipPair {
                    mine: rows.iter().find(|r| r.user_id == me.0).cloned(),
                    theirs: rows.iter().find(|r| r.user_id == other.0).cloned(),
                };
                let kinds = (
                    before.mine.as_ref().map(|r| r.kind),
                    before.theirs.as_ref().map(|r| r.kind),
                );
                // An error from the rule drops `tx`, rolling back (nothing was written).
                let (mine, theirs) = rule(kinds)?;
                let after = $crate::store::RelationshipPair {
                    mine: write_side(&mut *tx, me.0, other.0, before.mine.as_ref(), mine, now)
                        .await?,
                    theirs: write_side(
                        &mut *tx,
                        other.0,
                        me.0,
                        before.theirs.as_ref(),
                        theirs,
                        now,
                    )
                    .await?,
                };
                tx.commit().await?;
                Ok((before, after))
            }

            async fn update_profile(
                &mut self,
                user: $crate::id::Id,
                f: &$crate::store::ProfileFields,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE users SET display_name = $2, avatar_url = $3, bio = $4, \
                       status_text = $5 WHERE id = $1",
                )
                .bind(user.0)
                .bind(&f.display_name)
                .bind(&f.avatar_url)
                .bind(&f.bio)
                .bind(&f.status_text)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn set_allow_server_dms(
                &mut self,
                user: $crate::id::Id,
                allow: bool,
            ) -> $crate::error::Result<()> {
                sqlx::query("UPDATE users SET allow_server_dms = $2 WHERE id = $1")
                    .bind(user.0)
                    .bind(allow)
                    .execute(&mut *self.0)
                    .await?;
                Ok(())
            }

            async fn create_dm(
                &mut self,
                channel: &$crate::store::ChannelRecord,
                a: $crate::id::Id,
                b: $crate::id::Id,
            ) -> $crate::error::Result<$crate::store::DmOpened> {
                let (low, high) = if a.0 < b.0 { (a.0, b.0) } else { (b.0, a.0) };
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                insert_private_channel(&mut *tx, channel).await?;
                // The pair's primary key decides races: the loser inserts nothing here and
                // rolls its channel back.
                let claimed = sqlx::query(
                    "INSERT INTO dm_pairs (low_user, high_user, channel_id) VALUES ($1, $2, $3) \
                     ON CONFLICT (low_user, high_user) DO NOTHING",
                )
                .bind(low)
                .bind(high)
                .bind(channel.id)
                .execute(&mut *tx)
                .await?;
                if claimed.rows_affected() == 0 {
                    tx.rollback().await?;
                    let existing: Option<$crate::store::ChannelRecord> = sqlx::query_as(concat!(
                        "SELECT ", $crate::store::sql::channel_columns!(), " FROM channels \
                         WHERE id = (SELECT channel_id FROM dm_pairs \
                                     WHERE low_user = $1 AND high_user = $2)"
                    ))
                    .bind(low)
                    .bind(high)
                    .fetch_optional(&mut *self.0)
                    .await?;
                    let existing = existing
                        .ok_or_else(|| {
                            $crate::error::Error::internal("dm pair without channel")
                        })?;
                    return Ok($crate::store::DmOpened {
                        channel: existing,
                        created: false,
                    });
                }
                insert_recipient(&mut *tx, channel.id, low).await?;
                insert_recipient(&mut *tx, channel.id, high).await?;
                tx.commit().await?;
                Ok($crate::store::DmOpened {
                    channel: channel.clone(),
                    created: true,
                })
            }

            async fn create_group_dm(
                &mut self,
                channel: &$crate::store::ChannelRecord,
                members: &[$crate::id::Id],
            ) -> $crate::error::Result<()> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                insert_private_channel(&mut *tx, channel).await?;
                for m in members {
                    insert_recipient(&mut *tx, channel.id, m.0).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn add_recipient(
                &mut self,
                channel: $crate::id::Id,
                user: $crate::id::Id,
                max: u32,
            ) -> $crate::error::Result<$crate::store::AddRecipient> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                if !lock_channel(&mut *tx, channel.0).await? {
                    return Ok($crate::store::AddRecipient::NoChannel);
                }
                let present: Option<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM channel_recipients WHERE channel_id = $1 AND user_id = $2",
                )
                .bind(channel.0)
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await?;
                if present.is_some() {
                    return Ok($crate::store::AddRecipient::AlreadyRecipient);
                }
                let count: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM channel_recipients WHERE channel_id = $1")
                        .bind(channel.0)
                        .fetch_one(&mut *tx)
                        .await?;
                if count >= i64::from(max) {
                    return Ok($crate::store::AddRecipient::Full);
                }
                insert_recipient(&mut *tx, channel.0, user.0).await?;
                tx.commit().await?;
                Ok($crate::store::AddRecipient::Added)
            }

            async fn remove_recipient(
                &mut self,
                channel: $crate::id::Id,
                user: $crate::id::Id,
            ) -> $crate::error::Result<$crate::store::RemoveRecipient> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                if !lock_channel(&mut *tx, channel.0).await? {
                    return Ok($crate::store::RemoveRecipient::NotRecipient);
                }
                let removed = sqlx::query(
                    "DELETE FROM channel_recipients WHERE channel_id = $1 AND user_id = $2",
                )
                .bind(channel.0)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
                if removed.rows_affected() == 0 {
                    return Ok($crate::store::RemoveRecipient::NotRecipient);
                }
                let remaining: Vec<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM channel_recipients WHERE channel_id = $1 ORDER BY user_id",
                )
                .bind(channel.0)
                .fetch_all(&mut *tx)
                .await?;
                let Some(heir) = remaining.first().copied() else {
                    sqlx::query("DELETE FROM channels WHERE id = $1")
                        .bind(channel.0)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    return Ok($crate::store::RemoveRecipient::Deleted);
                };
                sqlx::query("UPDATE channels SET owner_id = $2 WHERE id = $1 AND owner_id = $3")
                    .bind(channel.0)
                    .bind(heir)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                let record: $crate::store::ChannelRecord = sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::channel_columns!(), " FROM channels WHERE id = $1"
                ))
                .bind(channel.0)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok($crate::store::RemoveRecipient::Removed {
                    channel: Box::new(record),
                })
            }

            async fn update_group_dm(
                &mut self,
                channel: $crate::id::Id,
                name: &str,
                icon_url: &str,
            ) -> $crate::error::Result<Option<$crate::store::ChannelRecord>> {
                Ok(sqlx::query_as(concat!(
                    "UPDATE channels SET name = $2, icon_url = $3 WHERE id = $1 RETURNING ",
                    $crate::store::sql::channel_columns!()
                ))
                .bind(channel.0)
                .bind(name)
                .bind(icon_url)
                .fetch_optional(&mut *self.0)
                .await?)
            }
        }
    };
}

pub(crate) use relationships_sql;
