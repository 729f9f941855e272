//! [`crate::store::MemberStore`] and [`crate::store::MemberWrites`] in portable SQL.

/// Implements [`crate::store::MemberStore`] for `$store` and [`crate::store::MemberWrites`] for `$tx`
/// (see [`super`]). Expanded in a module of its own per backend.
macro_rules! members_sql {
    ($store:ty, $tx:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::MemberStore for $store {
            async fn member(
                &self,
                server: $crate::id::Id,
                user: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::MemberRecord>> {
                Ok(sqlx::query_as(
                    "SELECT server_id, user_id, nickname, joined_at, server_mute, server_deaf \
                     FROM members WHERE server_id = $1 AND user_id = $2",
                )
                .bind(server.0)
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn members(
                &self,
                server: $crate::id::Id,
                after: Option<$crate::id::Id>,
                limit: u32,
                query_lower: Option<&str>,
            ) -> $crate::error::Result<
                Vec<($crate::store::MemberRecord, $crate::store::UserRecord)>,
            > {
                #[derive(sqlx::FromRow)]
                struct Row {
                    #[sqlx(flatten)]
                    member: $crate::store::MemberRecord,
                    #[sqlx(flatten)]
                    user: $crate::store::UserRecord,
                }
                let pattern = query_lower.map(|q| format!("{}%", q.replace(['%', '_', '\\'], "")));
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT m.server_id, m.user_id, m.nickname, m.joined_at, m.server_mute, \
                       m.server_deaf, u.id, u.username, u.display_name, u.email, \
                       u.email_verified, u.password_hash, u.avatar_url, u.bio, u.status_text, \
                       u.is_admin, u.is_bot, u.disabled, u.created_at \
                     FROM members m JOIN users u ON u.id = m.user_id \
                     WHERE m.server_id = $1 AND m.user_id > $2 \
                       AND ($3 IS NULL OR u.username_lower LIKE $3 OR LOWER(m.nickname) LIKE $3) \
                     ORDER BY m.user_id LIMIT $4",
                )
                .bind(server.0)
                .bind(after.map_or(0, |a| a.0))
                .bind(pattern)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|r| (r.member, r.user)).collect())
            }

            async fn member_role_pairs(
                &self,
                server: $crate::id::Id,
                users: &[i64],
            ) -> $crate::error::Result<Vec<(i64, i64)>> {
                let mut out = Vec::new();
                // Small fixed-size batches keep the statement portable (no array binds).
                for chunk in users.chunks(100) {
                    let placeholders: Vec<String> =
                        (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
                    let sql = format!(
                        "SELECT user_id, role_id FROM member_roles \
                         WHERE server_id = $1 AND user_id IN ({})",
                        placeholders.join(", ")
                    );
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(server.0);
                    for u in chunk {
                        q = q.bind(*u);
                    }
                    let rows: Vec<(i64, i64)> = q.fetch_all(&self.pool).await?;
                    out.extend(rows);
                }
                Ok(out)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::MemberWrites for $tx {
            async fn add_member(
                &mut self,
                server: $crate::id::Id,
                user: $crate::id::Id,
                now: i64,
            ) -> $crate::error::Result<bool> {
                let done = sqlx::query(
                    "INSERT INTO members (server_id, user_id, joined_at) \
                     SELECT $1, $2, $3 WHERE NOT EXISTS \
                       (SELECT 1 FROM bans WHERE server_id = $1 AND user_id = $2) \
                     ON CONFLICT (server_id, user_id) DO NOTHING",
                )
                .bind(server.0)
                .bind(user.0)
                .bind(now)
                .execute(&mut *self.0)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn remove_member(
                &mut self,
                server: $crate::id::Id,
                user: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                let done = sqlx::query("DELETE FROM members WHERE server_id = $1 AND user_id = $2")
                    .bind(server.0)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                // Overwrites naming the member go with the membership: rejoining must not
                // restore access granted to them personally.
                sqlx::query($crate::store::sql::DELETE_MEMBER_OVERWRITES)
                    .bind(server.0)
                    .bind(user.0)
                    .bind($crate::model::OverwriteKind::Member)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn update_member(
                &mut self,
                m: &$crate::store::MemberRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE members SET nickname = $3, server_mute = $4, server_deaf = $5 \
                     WHERE server_id = $1 AND user_id = $2",
                )
                .bind(m.server_id)
                .bind(m.user_id)
                .bind(&m.nickname)
                .bind(m.server_mute)
                .bind(m.server_deaf)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn set_member_role(
                &mut self,
                server: $crate::id::Id,
                user: $crate::id::Id,
                role: $crate::id::Id,
                add: bool,
            ) -> $crate::error::Result<bool> {
                let sql = if add {
                    "INSERT INTO member_roles (server_id, user_id, role_id) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING"
                } else {
                    "DELETE FROM member_roles WHERE server_id = $1 AND user_id = $2 AND role_id = $3"
                };
                let done = sqlx::query(sql)
                    .bind(server.0)
                    .bind(user.0)
                    .bind(role.0)
                    .execute(&mut *self.0)
                    .await?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}

pub(crate) use members_sql;
