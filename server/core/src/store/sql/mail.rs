//! [`crate::store::MailStore`] and [`crate::store::MailWrites`] in portable SQL.

/// The columns of a [`crate::store::UserRecord`], in its field order.
macro_rules! user_columns {
    () => {
        "id, username, display_name, email, email_verified, password_hash, avatar_url, bio, \
         status_text, is_admin, is_bot, disabled, created_at"
    };
}

/// Implements the mail read trait for `$store` and write trait for `$tx` (see [`super`]).
macro_rules! mail_sql {
    ($store:ty, $tx:ty, $db:ty) => {
        /// Spends an unused, unexpired e-mail token of `purpose` (sets `used_at`) and returns
        /// whose it is and the address it was mailed to; `None` when there is no such token
        /// (unknown, used, expired or of another purpose). One statement, so a token is
        /// spent at most once however many requests race for it.
        async fn claim_email_token(
            conn: &mut <$db as sqlx::Database>::Connection,
            hash: &[u8],
            purpose: $crate::store::TokenPurpose,
            now: i64,
        ) -> $crate::error::Result<Option<($crate::id::Id, String)>> {
            let claimed: Option<(i64, String)> = sqlx::query_as(
                "UPDATE email_tokens SET used_at = $3 \
                 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL \
                   AND expires_at > $3 \
                 RETURNING user_id, email",
            )
            .bind(hash)
            .bind(purpose.as_str())
            .bind(now)
            .fetch_optional(&mut *conn)
            .await?;
            Ok(claimed.map(|(user, email)| ($crate::id::Id(user), email)))
        }

        #[async_trait::async_trait]
        impl $crate::store::MailWrites for $tx {
            async fn enqueue_mail(
                &mut self,
                m: &$crate::store::OutboxMail,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO mail_outbox (id, recipient, subject, body_text, body_html, \
                       attempts, next_attempt_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(m.id)
                .bind(&m.recipient)
                .bind(&m.subject)
                .bind(&m.body_text)
                .bind(&m.body_html)
                .bind(m.attempts)
                .bind(m.next_attempt_at)
                .bind(m.created_at)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn replace_email_token(
                &mut self,
                t: &$crate::store::NewEmailToken,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE email_tokens SET used_at = $3 \
                     WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
                )
                .bind(t.user_id.0)
                .bind(t.purpose.as_str())
                .bind(t.created_at)
                .execute(&mut *self.0)
                .await?;
                $crate::store::MailWrites::add_email_token(self, t).await
            }

            async fn use_verify_token(
                &mut self,
                hash: &[u8],
                now: i64,
            ) -> $crate::error::Result<Option<$crate::id::Id>> {
                let claimed =
                    claim_email_token(&mut *self.0, hash, $crate::store::TokenPurpose::Verify, now)
                        .await?;
                let Some((user, email)) = claimed else {
                    return Ok(None);
                };
                let verified = sqlx::query(
                    "UPDATE users SET email_verified = TRUE WHERE id = $1 AND email = $2",
                )
                .bind(user.0)
                .bind(&email)
                .execute(&mut *self.0)
                .await?
                .rows_affected();
                if verified == 0 {
                    // The address changed since: the token is spent, nothing is verified.
                    return Ok(None);
                }
                Ok(Some(user))
            }

            async fn use_reset_token(
                &mut self,
                hash: &[u8],
                now: i64,
                password_hash: &str,
            ) -> $crate::error::Result<Option<$crate::id::Id>> {
                let claimed =
                    claim_email_token(&mut *self.0, hash, $crate::store::TokenPurpose::Reset, now)
                        .await?;
                let Some((user, _)) = claimed else {
                    return Ok(None);
                };
                sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                    .bind(user.0)
                    .bind(password_hash)
                    .execute(&mut *self.0)
                    .await?;
                Ok(Some(user))
            }

            async fn add_email_token(
                &mut self,
                t: &$crate::store::NewEmailToken,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO email_tokens \
                       (token_hash, user_id, purpose, email, expires_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&t.hash)
                .bind(t.user_id.0)
                .bind(t.purpose.as_str())
                .bind(&t.email)
                .bind(t.expires_at)
                .bind(t.created_at)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn use_unsubscribe_token(
                &mut self,
                hash: &[u8],
                now: i64,
            ) -> $crate::error::Result<Option<$crate::id::Id>> {
                let claimed = claim_email_token(
                    &mut *self.0,
                    hash,
                    $crate::store::TokenPurpose::Unsubscribe,
                    now,
                )
                .await?;
                let Some((user, _)) = claimed else {
                    return Ok(None);
                };
                $crate::store::MailWrites::set_email_notifications(self, user, false).await?;
                Ok(Some(user))
            }

            async fn set_email_notifications(
                &mut self,
                user: $crate::id::Id,
                on: bool,
            ) -> $crate::error::Result<()> {
                sqlx::query("UPDATE users SET email_notifications = $2 WHERE id = $1")
                    .bind(user.0)
                    .bind(on)
                    .execute(&mut *self.0)
                    .await?;
                if !on {
                    sqlx::query(
                        "DELETE FROM mail_notifications WHERE user_id = $1 AND mailed_at IS NULL",
                    )
                    .bind(user.0)
                    .execute(&mut *self.0)
                    .await?;
                }
                Ok(())
            }

            async fn add_notifications(
                &mut self,
                rows: &[$crate::store::PendingNotification],
            ) -> $crate::error::Result<u64> {
                let mut written = 0;
                for n in rows {
                    // The WHERE also keeps SQLite's parser from reading ON CONFLICT as a join.
                    written += sqlx::query(
                        "INSERT INTO mail_notifications (user_id, channel_id, author_id, \
                           message_id, due_at, created_at) \
                         SELECT id, $2, $3, $4, $5, $6 FROM users \
                         WHERE id = $1 AND email_notifications = TRUE \
                           AND email_verified = TRUE AND email IS NOT NULL \
                           AND disabled = FALSE \
                         ON CONFLICT (user_id) DO NOTHING",
                    )
                    .bind(n.user_id)
                    .bind(n.channel_id)
                    .bind(n.author_id)
                    .bind(n.message_id)
                    .bind(n.due_at)
                    .bind(n.created_at)
                    .execute(&mut *self.0)
                    .await?
                    .rows_affected();
                }
                Ok(written)
            }

            async fn mark_notification_mailed(
                &mut self,
                user: $crate::id::Id,
                message_id: i64,
                now: i64,
            ) -> $crate::error::Result<bool> {
                let marked = sqlx::query(
                    "UPDATE mail_notifications SET mailed_at = $3 \
                     WHERE user_id = $1 AND message_id = $2 AND mailed_at IS NULL",
                )
                .bind(user.0)
                .bind(message_id)
                .bind(now)
                .execute(&mut *self.0)
                .await?
                .rows_affected();
                Ok(marked == 1)
            }

            async fn set_email(
                &mut self,
                user: $crate::id::Id,
                email: &str,
            ) -> $crate::error::Result<Option<$crate::store::UserRecord>> {
                let record: Option<$crate::store::UserRecord> = sqlx::query_as(concat!(
                    "UPDATE users SET email = $2, email_lower = $3, email_verified = FALSE \
                     WHERE id = $1 RETURNING ",
                    $crate::store::sql::user_columns!()
                ))
                .bind(user.0)
                .bind(email)
                .bind(email.to_lowercase())
                .fetch_optional(&mut *self.0)
                .await?;
                sqlx::query(
                    "UPDATE email_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
                )
                .bind(user.0)
                .bind($crate::id::now_ms())
                .execute(&mut *self.0)
                .await?;
                Ok(record)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::MailStore for $store {
            async fn claim_due_mail(
                &self,
                now: i64,
                lease_until: i64,
            ) -> $crate::error::Result<Option<$crate::store::OutboxMail>> {
                // The outer conditions are checked again on the locked row (PostgreSQL), so two
                // workers never claim the same mail.
                Ok(sqlx::query_as(
                    "UPDATE mail_outbox SET next_attempt_at = $2 \
                     WHERE id = (SELECT id FROM mail_outbox \
                                 WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                                 ORDER BY next_attempt_at, id LIMIT 1) \
                       AND sent_at IS NULL AND next_attempt_at <= $1 \
                     RETURNING id, recipient, subject, body_text, body_html, attempts, \
                       next_attempt_at, created_at",
                )
                .bind(now)
                .bind(lease_until)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn mark_mail_sent(&self, id: i64, now: i64) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1, \
                       body_text = '', body_html = '', last_error = NULL WHERE id = $1",
                )
                .bind(id)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn release_mail(&self, id: i64, now: i64) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE mail_outbox SET next_attempt_at = $2 \
                     WHERE id = $1 AND sent_at IS NULL",
                )
                .bind(id)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mark_mail_failed(
                &self,
                id: i64,
                next_attempt_at: i64,
                error: &str,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $2, \
                       last_error = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(next_attempt_at)
                .bind(error)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn next_mail_due(&self) -> $crate::error::Result<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT MIN(next_attempt_at) FROM mail_outbox WHERE sent_at IS NULL",
                )
                .fetch_one(&self.pool)
                .await?)
            }

            async fn last_email_token_at(
                &self,
                user: $crate::id::Id,
                purpose: $crate::store::TokenPurpose,
            ) -> $crate::error::Result<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT MAX(created_at) FROM email_tokens WHERE user_id = $1 AND purpose = $2",
                )
                .bind(user.0)
                .bind(purpose.as_str())
                .fetch_one(&self.pool)
                .await?)
            }

            async fn user_by_email(
                &self,
                email_lower: &str,
            ) -> $crate::error::Result<Option<$crate::store::UserRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::store::sql::user_columns!(),
                    " FROM users WHERE email_lower = $1"
                ))
                .bind(email_lower)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn due_notifications(
                &self,
                now: i64,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::store::PendingNotification>> {
                Ok(sqlx::query_as(
                    "SELECT user_id, channel_id, author_id, message_id, due_at, created_at \
                     FROM mail_notifications \
                     WHERE mailed_at IS NULL AND due_at <= $1 \
                     ORDER BY due_at, user_id LIMIT $2",
                )
                .bind(now)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?)
            }

            async fn next_notification_due(&self) -> $crate::error::Result<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT MIN(due_at) FROM mail_notifications WHERE mailed_at IS NULL",
                )
                .fetch_one(&self.pool)
                .await?)
            }

            async fn in_notification_period(
                &self,
                user: $crate::id::Id,
            ) -> $crate::error::Result<bool> {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT user_id FROM mail_notifications WHERE user_id = $1")
                        .bind(user.0)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(found.is_some())
            }

            async fn end_notification_period(
                &self,
                user: $crate::id::Id,
            ) -> $crate::error::Result<()> {
                sqlx::query("DELETE FROM mail_notifications WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn drop_notification(
                &self,
                user: $crate::id::Id,
                message_id: i64,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "DELETE FROM mail_notifications \
                     WHERE user_id = $1 AND message_id = $2 AND mailed_at IS NULL",
                )
                .bind(user.0)
                .bind(message_id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use {mail_sql, user_columns};
