//! [`crate::store::GuildStore`] in portable SQL.

/// Implements [`crate::store::GuildStore`] for `$store` (see [`super`]).
macro_rules! guilds_sql {
    ($store:ty, $tx:ty, $db:ty, $begin_write:literal) => {
        async fn insert_role<'e, E: sqlx::Executor<'e, Database = $db>>(
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

        async fn insert_channel<'e, E: sqlx::Executor<'e, Database = $db>>(
            e: E,
            c: &$crate::store::ChannelRecord,
        ) -> $crate::error::Result<()> {
            sqlx::query(
                "INSERT INTO channels (id, server_id, kind, name, topic, parent_id, position, \
                   owner_id, icon_url, user_limit, bitrate, rate_limit_per_user, \
                   last_message_id, last_pin_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
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
            .bind(c.last_message_id)
            .bind(c.last_pin_at)
            .bind(c.created_at)
            .execute(e)
            .await?;
            Ok(())
        }

        async fn upsert_overwrite<'e, E: sqlx::Executor<'e, Database = $db>>(
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
        impl $crate::store::GuildStore for $store {

            async fn server(
                &self,
                id: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::ServerRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::server_columns!(), " FROM servers s WHERE s.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
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

            async fn servers_of_user(
                &self,
                user: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::ServerRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::server_columns!(), " FROM servers s \
                     JOIN members me ON me.server_id = s.id AND me.user_id = $1 \
                     ORDER BY me.joined_at, s.id"
                ))
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn owned_server_count(&self, user: $crate::id::Id) -> $crate::error::Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM servers WHERE owner_id = $1")
                    .bind(user.0)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn permission_rows(
                &self,
                server: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::PermissionRows>> {
                // One snapshot for all six reads (see each backend's BEGIN_SNAPSHOT), so the
                // rows are mutually consistent.
                let mut tx = self.pool.begin_with(BEGIN_SNAPSHOT).await?;
                let Some(s) = sqlx::query_as::<_, $crate::store::ServerRecord>(concat!(
                    "SELECT ", $crate::store::sql::server_columns!(), " FROM servers s WHERE s.id = $1"
                ))
                .bind(server.0)
                .fetch_optional(&mut *tx)
                .await?
                else {
                    return Ok(None);
                };
                let roles = sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::role_columns!(), " FROM roles WHERE server_id = $1"
                ))
                .bind(server.0)
                .fetch_all(&mut *tx)
                .await?;
                let channels = sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::channel_columns!(), " FROM channels WHERE server_id = $1"
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
                let members = sqlx::query_scalar("SELECT user_id FROM members WHERE server_id = $1")
                    .bind(server.0)
                    .fetch_all(&mut *tx)
                    .await?;
                let member_roles =
                    sqlx::query_as("SELECT user_id, role_id FROM member_roles WHERE server_id = $1")
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

            async fn roles(
                &self,
                server: $crate::id::Id,
            ) -> $crate::error::Result<Vec<$crate::store::RoleRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::role_columns!(), " FROM roles WHERE server_id = $1 \
                     ORDER BY position DESC, id"
                ))
                .bind(server.0)
                .fetch_all(&self.pool)
                .await?)
            }

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

            async fn ban_of(
                &self,
                server: $crate::id::Id,
                user: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::BanRecord>> {
                Ok(sqlx::query_as(
                    "SELECT server_id, user_id, reason, banned_by, created_at FROM bans \
                     WHERE server_id = $1 AND user_id = $2",
                )
                .bind(server.0)
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn bans(
                &self,
                server: $crate::id::Id,
                after: Option<$crate::id::Id>,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::BanRecord>> {
                Ok(sqlx::query_as(
                    "SELECT server_id, user_id, reason, banned_by, created_at FROM bans \
                     WHERE server_id = $1 AND user_id > $2 ORDER BY user_id LIMIT $3",
                )
                .bind(server.0)
                .bind(after.map_or(0, |a| a.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?)
            }

            async fn server_invite(
                &self,
                code: &str,
            ) -> $crate::error::Result<Option<$crate::store::ServerInviteRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::invite_columns!(), " FROM server_invites WHERE code = $1"
                ))
                .bind(code)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn server_invites(
                &self,
                server: $crate::id::Id,
                before: Option<$crate::id::Id>,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::ServerInviteRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $crate::store::sql::invite_columns!(), " FROM server_invites \
                     WHERE server_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
                ))
                .bind(server.0)
                .bind(before.map_or(i64::MAX, |b| b.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?)
            }

            async fn audit_log(
                &self,
                server: $crate::id::Id,
                before: Option<$crate::id::Id>,
                limit: u32,
                action: Option<i64>,
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
        impl $crate::store::GuildWrites for $tx {
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
                insert_role(&mut *tx, &new.everyone).await?;
                for c in &new.channels {
                    insert_channel(&mut *tx, c).await?;
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

            async fn ban(&mut self, b: &$crate::store::BanRecord) -> $crate::error::Result<()> {
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                // Serialise with joins of this server (see join_by_invite).
                sqlx::query("UPDATE servers SET id = id WHERE id = $1")
                    .bind(b.server_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO bans (server_id, user_id, reason, banned_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (server_id, user_id) DO UPDATE SET reason = excluded.reason",
                )
                .bind(b.server_id)
                .bind(b.user_id)
                .bind(&b.reason)
                .bind(b.banned_by)
                .bind(b.created_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM members WHERE server_id = $1 AND user_id = $2")
                    .bind(b.server_id)
                    .bind(b.user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query($crate::store::sql::DELETE_MEMBER_OVERWRITES)
                    .bind(b.server_id)
                    .bind(b.user_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn unban(
                &mut self,
                server: $crate::id::Id,
                user: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                let done = sqlx::query("DELETE FROM bans WHERE server_id = $1 AND user_id = $2")
                    .bind(server.0)
                    .bind(user.0)
                    .execute(&mut *self.0)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_server_invite(
                &mut self,
                i: &$crate::store::ServerInviteRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO server_invites (id, code, server_id, channel_id, inviter_id, \
                       max_uses, uses, expires_at, revoked_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(i.id)
                .bind(&i.code)
                .bind(i.server_id)
                .bind(i.channel_id)
                .bind(i.inviter_id)
                .bind(i.max_uses)
                .bind(i.uses)
                .bind(i.expires_at)
                .bind(i.revoked_at)
                .bind(i.created_at)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn revoke_server_invite(
                &mut self,
                code: &str,
                now: i64,
            ) -> $crate::error::Result<Option<$crate::store::ServerInviteRecord>> {
                Ok(sqlx::query_as(concat!(
                    "UPDATE server_invites SET revoked_at = COALESCE(revoked_at, $2) \
                     WHERE code = $1 RETURNING ", $crate::store::sql::invite_columns!()
                ))
                .bind(code)
                .bind(now)
                .fetch_optional(&mut *self.0)
                .await?)
            }

            async fn join_by_invite(
                &mut self,
                code: &str,
                user: $crate::id::Id,
                now: i64,
            ) -> $crate::error::Result<$crate::store::JoinOutcome> {
                use $crate::store::JoinOutcome;
                let mut tx = sqlx::Connection::begin(&mut *self.0).await?;
                let server_id: Option<i64> = sqlx::query_scalar(
                    "SELECT server_id FROM server_invites WHERE code = $1",
                )
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(server_id) = server_id else {
                    return Ok(JoinOutcome::UnknownInvite);
                };
                // Lock the server row first: a concurrent ban then either sees this member
                // or is seen by the ban check below (PostgreSQL runs READ COMMITTED).
                sqlx::query("UPDATE servers SET id = id WHERE id = $1")
                    .bind(server_id)
                    .execute(&mut *tx)
                    .await?;
                let banned: Option<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM bans WHERE server_id = $1 AND user_id = $2",
                )
                .bind(server_id)
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await?;
                if banned.is_some() {
                    return Ok(JoinOutcome::Banned);
                }
                let member: Option<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM members WHERE server_id = $1 AND user_id = $2",
                )
                .bind(server_id)
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await?;
                if member.is_some() {
                    return Ok(JoinOutcome::AlreadyMember { server_id });
                }
                let used = sqlx::query(
                    "UPDATE server_invites SET uses = uses + 1 \
                     WHERE code = $1 AND revoked_at IS NULL \
                       AND (expires_at IS NULL OR expires_at > $2) \
                       AND (max_uses IS NULL OR uses < max_uses)",
                )
                .bind(code)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if used.rows_affected() != 1 {
                    return Ok(JoinOutcome::UnusableInvite);
                }
                sqlx::query(
                    "INSERT INTO members (server_id, user_id, joined_at) VALUES ($1, $2, $3)",
                )
                .bind(server_id)
                .bind(user.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(JoinOutcome::Joined { server_id })
            }

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

/// Deletes the member overwrites of user `$2` in the channels of server `$1`.
pub(crate) const DELETE_MEMBER_OVERWRITES: &str = "DELETE FROM permission_overwrites \
     WHERE target_kind = 2 AND target_id = $2 \
       AND channel_id IN (SELECT id FROM channels WHERE server_id = $1)";

/// Column list of `ServerRecord` for a query aliasing `servers` as `s`.
macro_rules! server_columns {
    () => {
        "s.id, s.name, s.owner_id, s.icon_url, s.description, s.system_channel_id, s.created_at, \
         (SELECT COUNT(*) FROM members mc WHERE mc.server_id = s.id) AS member_count"
    };
}

/// Column list of `RoleRecord`.
macro_rules! role_columns {
    () => {
        "id, server_id, name, permissions, position, color, hoist, mentionable, created_at"
    };
}

/// Column list of `ChannelRecord`.
macro_rules! channel_columns {
    () => {
        "id, server_id, kind, name, topic, parent_id, position, owner_id, icon_url, user_limit, \
         bitrate, rate_limit_per_user, last_message_id, last_pin_at, created_at"
    };
}

/// Column list of `ServerInviteRecord`.
macro_rules! invite_columns {
    () => {
        "id, code, server_id, channel_id, inviter_id, max_uses, uses, expires_at, revoked_at, \
         created_at"
    };
}

pub(crate) use {channel_columns, guilds_sql, invite_columns, role_columns, server_columns};
