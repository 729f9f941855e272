//! `decentra.v1.AdminService` over [`decentra_core::admin::AdminService`].

use decentra_core::{
    Error, Services,
    admin::{NewInvite, SettingsPatch, SmtpPatch, VoicePatch},
    store::UserFlags,
};
use decentra_proto::v1::{self as pb, admin_service_server::AdminService};
use tonic::{Request, Response, Status};

use super::{convert, ids::id, principal, status};

pub struct AdminApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl AdminService for AdminApi {
    async fn get_instance_settings(
        &self,
        req: Request<pb::GetInstanceSettingsRequest>,
    ) -> Reply<pb::GetInstanceSettingsResponse> {
        let who = principal(&req)?;
        let s = self.0.admin.settings(&who).await.map_err(status)?;
        Ok(Response::new(pb::GetInstanceSettingsResponse {
            settings: Some(convert::settings(s)),
        }))
    }

    async fn update_instance_settings(
        &self,
        req: Request<pb::UpdateInstanceSettingsRequest>,
    ) -> Reply<pb::UpdateInstanceSettingsResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let registration_mode = match r.registration_mode {
            None => None,
            Some(v) => Some(convert::registration_mode_from(v).ok_or_else(|| {
                status(Error::invalid(
                    "registration_mode",
                    "must be OPEN, INVITE_ONLY or CLOSED",
                ))
            })?),
        };
        let smtp =
            match r.smtp {
                None => None,
                Some(m) => Some(SmtpPatch {
                    enabled: m.enabled,
                    host: m.host,
                    port: match m.port {
                        None => None,
                        Some(p) => Some(u16::try_from(p).map_err(|_| {
                            status(Error::invalid("smtp.port", "must be 1 to 65535"))
                        })?),
                    },
                    username: m.username,
                    password: m.password,
                    tls_mode: match m.tls_mode {
                        None => None,
                        Some(v) => Some(convert::tls_mode_from(v).ok_or_else(|| {
                            status(Error::invalid(
                                "smtp.tls_mode",
                                "must be NONE, STARTTLS or IMPLICIT",
                            ))
                        })?),
                    },
                    from_address: m.from_address,
                    from_name: m.from_name,
                }),
            };
        let patch = SettingsPatch {
            instance_name: r.instance_name,
            instance_description: r.instance_description,
            registration_mode,
            require_email_verification: r.require_email_verification,
            max_upload_bytes: r.max_upload_bytes,
            max_message_length: r.max_message_length,
            max_servers_per_user: r.max_servers_per_user,
            max_members_per_server: r.max_members_per_server,
            max_channels_per_server: r.max_channels_per_server,
            max_roles_per_server: r.max_roles_per_server,
            max_group_dm_members: r.max_group_dm_members,
            max_bots_per_user: r.max_bots_per_user,
            message_rate_limit_per_minute: r.message_rate_limit_per_minute,
            smtp,
            voice: r.voice.map(|v| VoicePatch {
                stun_urls: v.set_stun_urls.then_some(v.stun_urls),
                turn_urls: v.set_turn_urls.then_some(v.turn_urls),
                turn_secret: v.turn_secret,
            }),
            email_notifications: r.email_notifications_enabled,
            email_notification_delay_minutes: r.email_notification_delay_minutes,
        };
        let s = self
            .0
            .admin
            .update_settings(&who, patch)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdateInstanceSettingsResponse {
            settings: Some(convert::settings(s)),
        }))
    }

    async fn create_instance_invite(
        &self,
        req: Request<pb::CreateInstanceInviteRequest>,
    ) -> Reply<pb::CreateInstanceInviteResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let invite = self
            .0
            .admin
            .create_invite(
                &who,
                NewInvite {
                    max_uses: r.max_uses,
                    expires_in_seconds: r.expires_in_seconds,
                },
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CreateInstanceInviteResponse {
            invite: Some(convert::instance_invite(invite)),
        }))
    }

    async fn list_instance_invites(
        &self,
        req: Request<pb::ListInstanceInvitesRequest>,
    ) -> Reply<pb::ListInstanceInvitesResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let (invites, next) = self
            .0
            .admin
            .list_invites(&who, r.page_size, &r.page_token)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListInstanceInvitesResponse {
            invites: invites.into_iter().map(convert::instance_invite).collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }

    async fn revoke_instance_invite(
        &self,
        req: Request<pb::RevokeInstanceInviteRequest>,
    ) -> Reply<pb::RevokeInstanceInviteResponse> {
        let who = principal(&req)?;
        let invite = self
            .0
            .admin
            .revoke_invite(&who, &req.get_ref().code)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RevokeInstanceInviteResponse {
            invite: Some(convert::instance_invite(invite)),
        }))
    }

    async fn list_users(&self, req: Request<pb::ListUsersRequest>) -> Reply<pb::ListUsersResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let (users, next) = self
            .0
            .admin
            .list_users(&who, &r.query, r.page_size, &r.page_token)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListUsersResponse {
            users: users.into_iter().map(convert::user).collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }

    async fn update_user(
        &self,
        req: Request<pb::UpdateUserRequest>,
    ) -> Reply<pb::UpdateUserResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let user = id("user_id", &r.user_id)?;
        let flags = UserFlags {
            disabled: r.disabled,
            is_admin: r.is_admin,
            email_verified: r.email_verified,
        };
        let user = self
            .0
            .admin
            .update_user(&who, user, flags)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdateUserResponse {
            user: Some(convert::user(user)),
        }))
    }

    async fn delete_user(
        &self,
        req: Request<pb::DeleteUserRequest>,
    ) -> Reply<pb::DeleteUserResponse> {
        let who = principal(&req)?;
        let user = id("user_id", &req.get_ref().user_id)?;
        self.0.admin.delete_user(&who, user).await.map_err(status)?;
        Ok(Response::new(pb::DeleteUserResponse {}))
    }

    async fn send_test_email(
        &self,
        req: Request<pb::SendTestEmailRequest>,
    ) -> Reply<pb::SendTestEmailResponse> {
        let who = principal(&req)?;
        let outcome = self
            .0
            .admin
            .send_test_email(&who, &req.get_ref().to)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::SendTestEmailResponse {
            accepted: outcome.accepted,
            server_reply: outcome.server_reply,
        }))
    }

    async fn list_instance_servers(
        &self,
        req: Request<pb::ListInstanceServersRequest>,
    ) -> Reply<pb::ListInstanceServersResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let (servers, next) = self
            .0
            .admin
            .list_servers(&who, &r.query, r.page_size, &r.page_token)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListInstanceServersResponse {
            servers: servers
                .into_iter()
                .map(|s| pb::InstanceServer {
                    server: Some(convert::server(&s.server)),
                    owner_username: s.owner_username,
                })
                .collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }

    async fn delete_instance_server(
        &self,
        req: Request<pb::DeleteInstanceServerRequest>,
    ) -> Reply<pb::DeleteInstanceServerResponse> {
        let who = principal(&req)?;
        let server = id("server_id", &req.get_ref().server_id)?;
        self.0
            .admin
            .delete_server(&who, server)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteInstanceServerResponse {}))
    }
}
