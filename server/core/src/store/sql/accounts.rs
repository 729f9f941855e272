//! [`crate::store::AccountStore`] and [`crate::store::InstanceWrites`] in portable SQL.

/// Implements [`crate::store::AccountStore`] for `$store` and
/// [`crate::store::InstanceWrites`] for `$tx` (see [`super`]).
macro_rules! accounts_sql {
    ($store:ty, $tx:ty, $db:ty, $begin_write:literal) => {
        #[async_trait::async_trait]
        impl $crate::store::AccountStore for $store {

            async fn register_user(
                &self,
                user: $crate::store::NewUser,
                gate: $crate::store::Gate,
                now: i64,
            ) -> $crate::error::Result<$crate::store::Registered> {
                use $crate::store::{Gate, Refusal, Registered};
                let mut tx = self.pool.begin_with($begin_write).await?;
                // Whoever inserts the single instance_state row is the first user. Concurrent
                // first registrations serialise on that primary key.
                let first_user = sqlx::query(
                    "INSERT INTO instance_state (id, first_user_id) VALUES (1, $1) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(user.id.0)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;

                let mut invite_id: Option<i64> = None;
                if !first_user {
                    match &gate {
                        Gate::Open => {}
                        Gate::Closed => return Ok(Registered::Refused(Refusal::Closed)),
                        Gate::Invite(None) => {
                            return Ok(Registered::Refused(Refusal::InviteRequired));
                        }
                        Gate::Invite(Some(code)) => {
                            // Consume one use only if the code is live; otherwise find out why.
                            let used: Option<i64> = sqlx::query_scalar(
                                "UPDATE instance_invites SET uses = uses + 1 \
                                 WHERE code = $1 AND revoked_at IS NULL \
                                   AND (expires_at IS NULL OR expires_at > $2) \
                                   AND (max_uses IS NULL OR uses < max_uses) \
                                 RETURNING id",
                            )
                            .bind(code)
                            .bind(now)
                            .fetch_optional(&mut *tx)
                            .await?;
                            match used {
                                Some(id) => invite_id = Some(id),
                                None => {
                                    let row: Option<(Option<i64>, Option<i64>)> = sqlx::query_as(
                                        "SELECT revoked_at, expires_at FROM instance_invites \
                                         WHERE code = $1",
                                    )
                                    .bind(code)
                                    .fetch_optional(&mut *tx)
                                    .await?;
                                    let refusal = match row {
                                        None => Refusal::InviteUnknown,
                                        Some((Some(_), _)) => Refusal::InviteRevoked,
                                        Some((None, Some(exp))) if exp <= now => {
                                            Refusal::InviteExpired
                                        }
                                        Some(_) => Refusal::InviteExhausted,
                                    };
                                    return Ok(Registered::Refused(refusal));
                                }
                            }
                        }
                    }
                }

                let email_lower = user.email.as_ref().map(|e| e.to_lowercase());
                let record: $crate::store::UserRecord = sqlx::query_as(
                    "INSERT INTO users \
                       (id, username, username_lower, email, email_lower, password_hash, \
                        is_admin, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     RETURNING id, username, display_name, email, email_verified, \
                       password_hash, avatar_url, bio, status_text, is_admin, is_bot, \
                       disabled, created_at",
                )
                .bind(user.id.0)
                .bind(&user.username)
                .bind(user.username.to_lowercase())
                .bind(&user.email)
                .bind(email_lower)
                .bind(&user.password_hash)
                .bind(first_user)
                .bind(user.created_at)
                .fetch_one(&mut *tx)
                .await?;

                if let Some(invite_id) = invite_id {
                    sqlx::query(
                        "INSERT INTO instance_invite_uses (invite_id, user_id, used_at) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(invite_id)
                    .bind(user.id.0)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(Registered::Created {
                    user: record,
                    first_user,
                })
            }

            async fn user_by_id(
                &self,
                id: $crate::id::Id,
            ) -> $crate::error::Result<Option<$crate::store::UserRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, username, display_name, email, email_verified, password_hash, \
                       avatar_url, bio, status_text, is_admin, is_bot, disabled, created_at, \
                       email_notifications \
                     FROM users WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn user_by_username(
                &self,
                username_lower: &str,
            ) -> $crate::error::Result<Option<$crate::store::UserRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, username, display_name, email, email_verified, password_hash, \
                       avatar_url, bio, status_text, is_admin, is_bot, disabled, created_at \
                     FROM users WHERE username_lower = $1",
                )
                .bind(username_lower)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn set_password_hash(
                &self,
                id: $crate::id::Id,
                password_hash: &str,
            ) -> $crate::error::Result<()> {
                sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(password_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_session(
                &self,
                s: $crate::store::NewSession,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO sessions \
                       (id, user_id, refresh_hash, created_at, last_used_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $4, $5)",
                )
                .bind(s.id.0)
                .bind(s.user_id.0)
                .bind(&s.refresh_hash)
                .bind(s.created_at)
                .bind(s.expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn rotate_session(
                &self,
                old_hash: &[u8],
                new_hash: &[u8],
                now: i64,
                expires_at: i64,
            ) -> $crate::error::Result<$crate::store::Rotation> {
                use $crate::{id::Id, store::Rotation};
                let rotated: Option<(i64, i64)> = sqlx::query_as(
                    "UPDATE sessions SET prev_hash = refresh_hash, refresh_hash = $2, \
                       last_used_at = $3, expires_at = $4 \
                     WHERE refresh_hash = $1 AND revoked_at IS NULL AND expires_at > $3 \
                     RETURNING id, user_id",
                )
                .bind(old_hash)
                .bind(new_hash)
                .bind(now)
                .bind(expires_at)
                .fetch_optional(&self.pool)
                .await?;
                if let Some((session_id, user_id)) = rotated {
                    return Ok(Rotation::Rotated {
                        session_id: Id(session_id),
                        user_id: Id(user_id),
                    });
                }
                let reused: Option<i64> = sqlx::query_scalar(
                    "UPDATE sessions SET revoked_at = $2 \
                     WHERE prev_hash = $1 AND revoked_at IS NULL RETURNING id",
                )
                .bind(old_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                Ok(match reused {
                    Some(id) => Rotation::Reused { session_id: Id(id) },
                    None => Rotation::Invalid,
                })
            }

            async fn revoke_session_by_token(
                &self,
                hash: &[u8],
                now: i64,
            ) -> $crate::error::Result<Option<($crate::id::Id, $crate::id::Id)>> {
                let row: Option<(i64, i64)> = sqlx::query_as(
                    "UPDATE sessions SET revoked_at = $2 \
                     WHERE refresh_hash = $1 AND revoked_at IS NULL RETURNING id, user_id",
                )
                .bind(hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(s, u)| ($crate::id::Id(s), $crate::id::Id(u))))
            }

            async fn revoke_session(
                &self,
                id: $crate::id::Id,
                now: i64,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                )
                .bind(id.0)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn revoke_user_sessions(
                &self,
                user: $crate::id::Id,
                keep: Option<$crate::id::Id>,
                now: i64,
            ) -> $crate::error::Result<Vec<$crate::id::Id>> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "UPDATE sessions SET revoked_at = $3 \
                     WHERE user_id = $1 AND revoked_at IS NULL AND id <> $2 RETURNING id",
                )
                .bind(user.0)
                .bind(keep.map_or(0, |k| k.0))
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                Ok(ids.into_iter().map($crate::id::Id).collect())
            }

            async fn sessions_revoked_since(
                &self,
                since: i64,
            ) -> $crate::error::Result<Vec<$crate::id::Id>> {
                let ids: Vec<i64> =
                    sqlx::query_scalar("SELECT id FROM sessions WHERE revoked_at >= $1")
                        .bind(since)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(ids.into_iter().map($crate::id::Id).collect())
            }

            async fn settings_json(&self) -> $crate::error::Result<Option<String>> {
                Ok(
                    sqlx::query_scalar("SELECT data FROM instance_settings WHERE id = 1")
                        .fetch_optional(&self.pool)
                        .await?,
                )
            }

            async fn list_instance_invites(
                &self,
                before: Option<$crate::id::Id>,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::InstanceInviteRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, code, created_by, max_uses, uses, expires_at, revoked_at, \
                       created_at \
                     FROM instance_invites WHERE id < $1 ORDER BY id DESC LIMIT $2",
                )
                .bind(before.map_or(i64::MAX, |b| b.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?)
            }

        }

        #[async_trait::async_trait]
        impl $crate::store::InstanceWrites for $tx {
            async fn save_settings_json(&mut self, json: &str) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO instance_settings (id, data) VALUES (1, $1) \
                     ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                )
                .bind(json)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn create_instance_invite(
                &mut self,
                i: &$crate::store::InstanceInviteRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO instance_invites \
                       (id, code, created_by, max_uses, uses, expires_at, revoked_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(i.id)
                .bind(&i.code)
                .bind(i.created_by)
                .bind(i.max_uses)
                .bind(i.uses)
                .bind(i.expires_at)
                .bind(i.revoked_at)
                .bind(i.created_at)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn revoke_instance_invite(
                &mut self,
                code: &str,
                now: i64,
            ) -> $crate::error::Result<Option<$crate::store::InstanceInviteRecord>> {
                Ok(sqlx::query_as(
                    "UPDATE instance_invites SET revoked_at = COALESCE(revoked_at, $2) \
                     WHERE code = $1 \
                     RETURNING id, code, created_by, max_uses, uses, expires_at, revoked_at, \
                       created_at",
                )
                .bind(code)
                .bind(now)
                .fetch_optional(&mut *self.0)
                .await?)
            }
        }
    };
}

pub(crate) use accounts_sql;
