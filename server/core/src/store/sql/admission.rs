//! [`crate::store::AdmissionStore`] and [`crate::store::AdmissionWrites`] in portable SQL.

/// Implements [`crate::store::AdmissionStore`] for `$store` and [`crate::store::AdmissionWrites`] for `$tx`
/// (see [`super`]). Expanded in a module of its own per backend.
macro_rules! admission_sql {
    ($store:ty, $tx:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AdmissionStore for $store {
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
        }

        #[async_trait::async_trait]
        impl $crate::store::AdmissionWrites for $tx {
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
                    .bind($crate::model::OverwriteKind::Member)
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
        }
    };
}

pub(crate) use admission_sql;
