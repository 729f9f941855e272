//! `decentra.v1.AuthService` over [`decentra_core::auth::AuthService`].

use decentra_core::{Services, auth::Registration};
use decentra_proto::v1::{self as pb, auth_service_server::AuthService};
use tonic::{Request, Response, Status};

use super::{client_meta, convert, principal, status};

pub struct AuthApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl AuthService for AuthApi {
    async fn register(&self, req: Request<pb::RegisterRequest>) -> Reply<pb::RegisterResponse> {
        let meta = client_meta(&req);
        let r = req.into_inner();
        let s = self
            .0
            .auth
            .register(
                meta,
                Registration {
                    username: r.username,
                    password: r.password,
                    email: r.email,
                    invite_code: r.invite_code,
                },
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RegisterResponse {
            user: Some(convert::user(s.user)),
            access_token: s.tokens.access_token,
            refresh_token: s.tokens.refresh_token,
            access_token_expires_at: Some(convert::timestamp(s.tokens.access_expires_at_ms)),
        }))
    }

    async fn login(&self, req: Request<pb::LoginRequest>) -> Reply<pb::LoginResponse> {
        let meta = client_meta(&req);
        let r = req.into_inner();
        let s = self
            .0
            .auth
            .login(meta, &r.username, &r.password)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::LoginResponse {
            user: Some(convert::user(s.user)),
            access_token: s.tokens.access_token,
            refresh_token: s.tokens.refresh_token,
            access_token_expires_at: Some(convert::timestamp(s.tokens.access_expires_at_ms)),
        }))
    }

    async fn refresh_token(
        &self,
        req: Request<pb::RefreshTokenRequest>,
    ) -> Reply<pb::RefreshTokenResponse> {
        let t = self
            .0
            .auth
            .refresh(&req.into_inner().refresh_token)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RefreshTokenResponse {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            access_token_expires_at: Some(convert::timestamp(t.access_expires_at_ms)),
        }))
    }

    async fn logout(&self, req: Request<pb::LogoutRequest>) -> Reply<pb::LogoutResponse> {
        let who = principal(&req)?;
        self.0
            .auth
            .logout(&who, &req.into_inner().refresh_token)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::LogoutResponse {}))
    }

    async fn change_password(
        &self,
        req: Request<pb::ChangePasswordRequest>,
    ) -> Reply<pb::ChangePasswordResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let t = self
            .0
            .auth
            .change_password(&who, &r.current_password, &r.new_password)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ChangePasswordResponse {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            access_token_expires_at: Some(convert::timestamp(t.access_expires_at_ms)),
        }))
    }

    async fn request_password_reset(
        &self,
        req: Request<pb::RequestPasswordResetRequest>,
    ) -> Reply<pb::RequestPasswordResetResponse> {
        let meta = client_meta(&req);
        self.0
            .auth
            .request_password_reset(meta, &req.get_ref().email)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RequestPasswordResetResponse {}))
    }

    async fn reset_password(
        &self,
        req: Request<pb::ResetPasswordRequest>,
    ) -> Reply<pb::ResetPasswordResponse> {
        let r = req.into_inner();
        self.0
            .auth
            .reset_password(&r.token, &r.new_password)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ResetPasswordResponse {}))
    }

    async fn verify_email(
        &self,
        req: Request<pb::VerifyEmailRequest>,
    ) -> Reply<pb::VerifyEmailResponse> {
        self.0
            .auth
            .verify_email(&req.get_ref().token)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::VerifyEmailResponse {}))
    }

    async fn unsubscribe_email_notifications(
        &self,
        req: Request<pb::UnsubscribeEmailNotificationsRequest>,
    ) -> Reply<pb::UnsubscribeEmailNotificationsResponse> {
        self.0
            .auth
            .unsubscribe_email_notifications(&req.get_ref().token)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UnsubscribeEmailNotificationsResponse {}))
    }

    async fn resend_verification_email(
        &self,
        req: Request<pb::ResendVerificationEmailRequest>,
    ) -> Reply<pb::ResendVerificationEmailResponse> {
        let who = principal(&req)?;
        self.0
            .auth
            .resend_verification(&who)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ResendVerificationEmailResponse {}))
    }

    async fn change_email(
        &self,
        req: Request<pb::ChangeEmailRequest>,
    ) -> Reply<pb::ChangeEmailResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let user = self
            .0
            .auth
            .change_email(&who, &r.current_password, &r.email)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ChangeEmailResponse {
            user: Some(convert::user(user)),
        }))
    }

    async fn get_instance_info(
        &self,
        _req: Request<pb::GetInstanceInfoRequest>,
    ) -> Reply<pb::GetInstanceInfoResponse> {
        let i = self.0.auth.instance_info();
        Ok(Response::new(pb::GetInstanceInfoResponse {
            instance_name: i.instance_name,
            registration_mode: convert::registration_mode(i.registration_mode).into(),
            require_email_verification: i.require_email_verification,
            email_enabled: i.email_enabled,
            email_notifications_enabled: i.email_notifications_enabled,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }))
    }
}
