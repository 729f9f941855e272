//! `decentra.v1.ServerService` over [`decentra_core::servers::ServerService`].

use decentra_core::{
    Error, Services,
    model::AuditAction,
    servers::{MemberPatch, ServerPatch},
};
use decentra_proto::v1::{self as pb, server_service_server::ServerService};
use tonic::{Request, Response, Status};

use super::{
    convert as c,
    ids::{id, opt_id},
    principal, status,
};

pub struct ServerApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl ServerService for ServerApi {
    async fn create_server(
        &self,
        req: Request<pb::CreateServerRequest>,
    ) -> Reply<pb::CreateServerResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let s = self
            .0
            .servers
            .create(&who, &r.name, &r.icon_url, &r.description)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CreateServerResponse {
            server: Some(c::server(&s)),
        }))
    }

    async fn get_server(&self, req: Request<pb::GetServerRequest>) -> Reply<pb::GetServerResponse> {
        let who = principal(&req)?;
        let s = self
            .0
            .servers
            .get(&who, id("server_id", &req.get_ref().server_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetServerResponse {
            server: Some(c::server(&s)),
        }))
    }

    async fn update_server(
        &self,
        req: Request<pb::UpdateServerRequest>,
    ) -> Reply<pb::UpdateServerResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let patch = ServerPatch {
            name: r.name,
            icon_url: r.icon_url,
            description: r.description,
            system_channel_id: r
                .system_channel_id
                .map(|c| opt_id("system_channel_id", &c))
                .transpose()?,
            icon_data: r.icon_data,
        };
        let s = self
            .0
            .servers
            .update(&who, id("server_id", &r.server_id)?, patch)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdateServerResponse {
            server: Some(c::server(&s)),
        }))
    }

    async fn delete_server(
        &self,
        req: Request<pb::DeleteServerRequest>,
    ) -> Reply<pb::DeleteServerResponse> {
        let who = principal(&req)?;
        self.0
            .servers
            .delete(&who, id("server_id", &req.get_ref().server_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteServerResponse {}))
    }

    async fn list_servers(
        &self,
        req: Request<pb::ListServersRequest>,
    ) -> Reply<pb::ListServersResponse> {
        let who = principal(&req)?;
        let servers = self.0.servers.list(&who).await.map_err(status)?;
        Ok(Response::new(pb::ListServersResponse {
            servers: servers.iter().map(c::server).collect(),
        }))
    }

    async fn leave_server(
        &self,
        req: Request<pb::LeaveServerRequest>,
    ) -> Reply<pb::LeaveServerResponse> {
        let who = principal(&req)?;
        self.0
            .servers
            .leave(&who, id("server_id", &req.get_ref().server_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::LeaveServerResponse {}))
    }

    async fn transfer_ownership(
        &self,
        req: Request<pb::TransferOwnershipRequest>,
    ) -> Reply<pb::TransferOwnershipResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let s = self
            .0
            .servers
            .transfer_ownership(
                &who,
                id("server_id", &r.server_id)?,
                id("new_owner_id", &r.new_owner_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::TransferOwnershipResponse {
            server: Some(c::server(&s)),
        }))
    }

    async fn list_members(
        &self,
        req: Request<pb::ListMembersRequest>,
    ) -> Reply<pb::ListMembersResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let (members, next) = self
            .0
            .servers
            .members(
                &who,
                id("server_id", &r.server_id)?,
                r.page_size,
                &r.page_token,
                &r.query,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListMembersResponse {
            members: members.iter().map(c::member).collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }

    async fn get_member(&self, req: Request<pb::GetMemberRequest>) -> Reply<pb::GetMemberResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let m = self
            .0
            .servers
            .member(
                &who,
                id("server_id", &r.server_id)?,
                id("user_id", &r.user_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetMemberResponse {
            member: Some(c::member(&m)),
        }))
    }

    async fn update_member(
        &self,
        req: Request<pb::UpdateMemberRequest>,
    ) -> Reply<pb::UpdateMemberResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let (server, user) = (id("server_id", &r.server_id)?, id("user_id", &r.user_id)?);
        let patch = MemberPatch {
            nickname: r.nickname,
            server_mute: r.server_mute,
            server_deaf: r.server_deaf,
            voice_channel_id: r
                .voice_channel_id
                .map(|c| opt_id("voice_channel_id", &c))
                .transpose()?,
            reason: r.reason,
        };
        let m = self
            .0
            .servers
            .update_member(&who, server, user, patch)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdateMemberResponse {
            member: Some(c::member(&m)),
        }))
    }

    async fn kick_member(
        &self,
        req: Request<pb::KickMemberRequest>,
    ) -> Reply<pb::KickMemberResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        self.0
            .servers
            .kick(
                &who,
                id("server_id", &r.server_id)?,
                id("user_id", &r.user_id)?,
                &r.reason,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::KickMemberResponse {}))
    }

    async fn ban_member(&self, req: Request<pb::BanMemberRequest>) -> Reply<pb::BanMemberResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let ban = self
            .0
            .servers
            .ban(
                &who,
                id("server_id", &r.server_id)?,
                id("user_id", &r.user_id)?,
                &r.reason,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BanMemberResponse {
            ban: Some(c::ban(&ban)),
        }))
    }

    async fn unban_member(
        &self,
        req: Request<pb::UnbanMemberRequest>,
    ) -> Reply<pb::UnbanMemberResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        self.0
            .servers
            .unban(
                &who,
                id("server_id", &r.server_id)?,
                id("user_id", &r.user_id)?,
                &r.reason,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UnbanMemberResponse {}))
    }

    async fn list_bans(&self, req: Request<pb::ListBansRequest>) -> Reply<pb::ListBansResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let (bans, next) = self
            .0
            .servers
            .bans(
                &who,
                id("server_id", &r.server_id)?,
                r.page_size,
                &r.page_token,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListBansResponse {
            bans: bans.iter().map(c::ban).collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }

    async fn list_audit_log(
        &self,
        req: Request<pb::ListAuditLogRequest>,
    ) -> Reply<pb::ListAuditLogResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let action = match r.action {
            0 => None,
            v => Some(
                AuditAction::from_value(v.into())
                    .ok_or_else(|| status(Error::invalid("action", "unknown audit log action")))?,
            ),
        };
        let actor = match r.actor_id.trim() {
            "" => None,
            a => Some(id("actor_id", a)?),
        };
        let (entries, users, next) = self
            .0
            .servers
            .audit_log(
                &who,
                id("server_id", &r.server_id)?,
                r.page_size,
                &r.page_token,
                action,
                actor,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListAuditLogResponse {
            entries: entries.iter().map(c::audit_entry).collect(),
            users: users.into_iter().map(c::user).collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }
}
