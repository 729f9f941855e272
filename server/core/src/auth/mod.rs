//! Accounts and sessions: register, login, refresh, logout, change password, and the check
//! every authenticated call goes through ([`AuthService::authenticate`]).

mod email;
pub mod password;
pub mod rate_limit;
pub mod revocation;
pub mod tokens;

pub use self::{
    email::{RESEND_INTERVAL, RESET_TTL, VERIFY_TTL},
    tokens::TokenLifetimes,
};

use std::sync::Arc;

use tracing::instrument;

use crate::{
    context::Context,
    error::{Error, Result},
    id::{Id, now_ms},
    model::User,
    principal::{ClientMeta, Principal},
    settings::RegistrationMode,
    store::{Gate, NewSession, NewUser, Refusal, Registered, Rotation},
    validate,
};

/// A token pair handed to a client.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// Bearer token for every call.
    pub access_token: String,
    /// Single-use token that obtains the next pair.
    pub refresh_token: String,
    /// Unix ms at which the access token expires.
    pub access_expires_at_ms: i64,
}

/// A signed-in user with their tokens.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The account.
    pub user: User,
    /// Its new session's tokens.
    pub tokens: Tokens,
}

/// Input of [`AuthService::register`].
#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// Desired username.
    pub username: String,
    /// Password in clear (hashed here, never stored or logged).
    pub password: String,
    /// Optional e-mail address.
    pub email: Option<String>,
    /// Instance invite code (required in invite-only mode).
    pub invite_code: Option<String>,
}

/// Public facts about the instance.
#[derive(Debug, Clone)]
pub struct InstanceInfo {
    /// Instance name.
    pub instance_name: String,
    /// Who may register.
    pub registration_mode: RegistrationMode,
    /// Whether new accounts must verify their e-mail.
    pub require_email_verification: bool,
    /// Whether the instance sends mail (password reset available).
    pub email_enabled: bool,
    /// Whether the instance sends notification e-mails (users may opt in).
    pub email_notifications_enabled: bool,
}

/// The account service.
#[derive(Debug, Clone)]
pub struct AuthService {
    ctx: Arc<Context>,
}

impl AuthService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Creates an account and signs it in. The instance's first account needs no invite and
    /// becomes instance admin.
    #[instrument(skip_all, fields(username = %input.username))]
    pub async fn register(&self, meta: ClientMeta, input: Registration) -> Result<SignedIn> {
        let username = validate::username(&input.username)?;
        validate::password("password", &input.password)?;
        let email = match input.email.as_deref().map(str::trim) {
            None | Some("") if self.ctx.settings().require_email_verification => {
                return Err(Error::invalid(
                    "email",
                    "an e-mail address is required to register on this instance",
                ));
            }
            None | Some("") => None,
            Some(e) => Some(validate::email(e)?),
        };
        self.ctx
            .rate_limiter
            .check(meta.ip, &username.to_lowercase())
            .await?;

        let gate = match self.ctx.settings().registration_mode {
            RegistrationMode::Open => Gate::Open,
            RegistrationMode::Closed => Gate::Closed,
            RegistrationMode::InviteOnly => Gate::Invite(
                input
                    .invite_code
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty()),
            ),
        };
        let now = now_ms();
        let new_user = NewUser {
            id: self.ctx.ids.next(),
            username,
            email,
            password_hash: self.ctx.passwords.hash(input.password).await?,
            created_at: now,
        };
        let user = match self.ctx.store.register_user(new_user, gate, now).await? {
            Registered::Created { user, first_user } => {
                if first_user {
                    tracing::info!(user_id = user.id, "first user registered: instance admin");
                }
                user
            }
            Registered::Refused(why) => return Err(refusal_error(why)),
        };
        self.after_registration(&user).await;
        let tokens = self.start_session(Id(user.id)).await?;
        Ok(SignedIn {
            user: User::from(user),
            tokens,
        })
    }

    /// Signs in with username (any case) and password.
    #[instrument(skip_all)]
    pub async fn login(
        &self,
        meta: ClientMeta,
        username: &str,
        password: &str,
    ) -> Result<SignedIn> {
        let username_lower = username.trim().to_lowercase();
        self.ctx
            .rate_limiter
            .check(meta.ip, &username_lower)
            .await?;
        let user = if username_lower.is_empty() {
            None
        } else {
            self.ctx.store.user_by_username(&username_lower).await?
        };
        // Bots have no password: they are checked against nothing (same cost, same answer as
        // an unknown name) and sign in with their token only.
        let ok = self
            .ctx
            .passwords
            .verify(
                password.to_owned(),
                user.as_ref()
                    .filter(|u| !u.is_bot)
                    .map(|u| u.password_hash.clone()),
            )
            .await?;
        let user = match user {
            Some(u) if ok && !u.is_bot => u,
            _ => {
                return Err(Error::Unauthenticated(
                    "invalid username or password".to_owned(),
                ));
            }
        };
        if user.disabled {
            return Err(Error::PermissionDenied(
                "this account is disabled".to_owned(),
            ));
        }
        let tokens = self.start_session(Id(user.id)).await?;
        Ok(SignedIn {
            user: User::from(user),
            tokens,
        })
    }

    /// Exchanges a refresh token for a new pair. The old refresh token stops working; using
    /// it again revokes the whole session (it was stolen or replayed).
    #[instrument(skip_all)]
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens> {
        let old_hash = tokens::hash_refresh_token(refresh_token.trim());
        let (new_token, new_hash) = tokens::new_refresh_token();
        let now = now_ms();
        let expires = now + self.ctx.lifetimes.refresh.as_millis() as i64;
        let rotation = self
            .ctx
            .store
            .rotate_session(&old_hash, &new_hash, now, expires)
            .await?;
        let (session_id, user_id) = match rotation {
            Rotation::Rotated {
                session_id,
                user_id,
            } => (session_id, user_id),
            Rotation::Reused { session_id } => {
                tracing::warn!(%session_id, "rotated refresh token reused: session revoked");
                self.mark_revoked(session_id).await;
                return Err(invalid_refresh());
            }
            Rotation::Invalid => return Err(invalid_refresh()),
        };
        match self.ctx.store.user_by_id(user_id).await? {
            Some(u) if !u.disabled => {}
            _ => {
                self.ctx
                    .store
                    .revoke_user_sessions(user_id, None, now)
                    .await?;
                self.mark_revoked(session_id).await;
                return Err(invalid_refresh());
            }
        }
        let access = self.ctx.tokens.issue(user_id, session_id)?;
        Ok(Tokens {
            access_token: access.token,
            refresh_token: new_token,
            access_expires_at_ms: access.expires_at_ms,
        })
    }

    /// Ends a session: the one holding `refresh_token` if it is the caller's, else the
    /// session of the caller's access token. Its access tokens stop working at once.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn logout(&self, who: &Principal, refresh_token: &str) -> Result<()> {
        let now = now_ms();
        let token = refresh_token.trim();
        if !token.is_empty() {
            let hash = tokens::hash_refresh_token(token);
            match self.ctx.store.revoke_session_by_token(&hash, now).await? {
                Some((session, user)) if user == who.user_id => self.mark_revoked(session).await,
                Some((session, _)) => {
                    // Someone else's token: revoking it is harmless (it leaked) but say nothing.
                    self.mark_revoked(session).await;
                }
                None => {}
            }
        }
        // Then the calling session itself (idempotent when it was the same one).
        self.ctx.store.revoke_session(who.session_id, now).await?;
        self.mark_revoked(who.session_id).await;
        Ok(())
    }

    /// Changes the password after checking the current one. Every session of the user is
    /// revoked, including the caller's; the caller gets a fresh pair.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn change_password(
        &self,
        who: &Principal,
        current_password: &str,
        new_password: &str,
    ) -> Result<Tokens> {
        validate::password("new_password", new_password)?;
        let user = self
            .ctx
            .store
            .user_by_id(who.user_id)
            .await?
            .ok_or(Error::NotFound("user"))?;
        if !self
            .ctx
            .passwords
            .verify(current_password.to_owned(), Some(user.password_hash))
            .await?
        {
            return Err(Error::PermissionDenied(
                "current password is incorrect".to_owned(),
            ));
        }
        let hash = self.ctx.passwords.hash(new_password.to_owned()).await?;
        self.ctx.store.set_password_hash(who.user_id, &hash).await?;
        self.revoke_all(who.user_id).await?;
        self.start_session(who.user_id).await
    }

    /// What a signed-out client may know about the instance (login page).
    pub fn instance_info(&self) -> InstanceInfo {
        let s = self.ctx.settings();
        InstanceInfo {
            instance_name: s.instance_name.clone(),
            registration_mode: s.registration_mode,
            require_email_verification: s.require_email_verification,
            email_enabled: s.smtp.enabled,
            email_notifications_enabled: s.smtp.enabled && s.email_notifications,
        }
    }

    /// Resolves a bearer access token to its principal, refusing revoked sessions.
    pub fn authenticate(&self, access_token: &str) -> Result<Principal> {
        let principal = self.ctx.tokens.verify(access_token)?;
        if self.ctx.revoked.contains(principal.session_id) {
            return Err(Error::Unauthenticated("session was signed out".to_owned()));
        }
        Ok(principal)
    }

    /// The password hasher, whose high-water mark shows how many hashes ran at once.
    pub fn password_hasher(&self) -> &password::PasswordHasher {
        &self.ctx.passwords
    }

    /// Revokes every session of a user (password change, account disabled).
    pub async fn revoke_all(&self, user: Id) -> Result<()> {
        revoke_all_sessions(&self.ctx, user).await
    }

    async fn start_session(&self, user_id: Id) -> Result<Tokens> {
        let (refresh_token, refresh_hash) = tokens::new_refresh_token();
        let now = now_ms();
        let session_id = self.ctx.ids.next();
        self.ctx
            .store
            .create_session(NewSession {
                id: session_id,
                user_id,
                refresh_hash,
                created_at: now,
                expires_at: now + self.ctx.lifetimes.refresh.as_millis() as i64,
            })
            .await?;
        let access = self.ctx.tokens.issue(user_id, session_id)?;
        Ok(Tokens {
            access_token: access.token,
            refresh_token,
            access_expires_at_ms: access.expires_at_ms,
        })
    }

    async fn mark_revoked(&self, session: Id) {
        crate::change::end_sessions(&self.ctx, [session]).await;
    }
}

/// Revokes every session of a user: refresh tokens stop working, access tokens are refused
/// and the user's event streams end at once.
pub(crate) async fn revoke_all_sessions(ctx: &Context, user: Id) -> Result<()> {
    let revoked = ctx.store.revoke_user_sessions(user, None, now_ms()).await?;
    crate::change::end_sessions(ctx, revoked).await;
    Ok(())
}

fn invalid_refresh() -> Error {
    Error::Unauthenticated("refresh token is invalid, expired or already used".to_owned())
}

fn refusal_error(why: Refusal) -> Error {
    match why {
        Refusal::Closed => {
            Error::FailedPrecondition("registration is closed on this instance".to_owned())
        }
        Refusal::InviteRequired => Error::invalid(
            "invite_code",
            "an invite code is required to register on this instance",
        ),
        Refusal::InviteUnknown => Error::invalid("invite_code", "invite code is not valid"),
        Refusal::InviteRevoked => Error::invalid("invite_code", "invite code was revoked"),
        Refusal::InviteExpired => Error::invalid("invite_code", "invite code has expired"),
        Refusal::InviteExhausted => {
            Error::invalid("invite_code", "invite code has reached its maximum uses")
        }
    }
}
