//! `decentra.v1.InviteService` over [`decentra_core::invites::InviteService`].

use decentra_core::Services;
use decentra_proto::v1::{self as pb, invite_service_server::InviteService};
use tonic::{Request, Response, Status};

use super::{
    convert as c,
    ids::{id, opt_id},
    principal, status,
};

pub struct InviteApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl InviteService for InviteApi {
    async fn create_invite(
        &self,
        req: Request<pb::CreateInviteRequest>,
    ) -> Reply<pb::CreateInviteResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let server = id("server_id", &r.server_id)?;
        let channel = opt_id("channel_id", &r.channel_id)?;
        let invite = self
            .0
            .invites
            .create(&who, server, r.max_uses, r.expires_in_seconds, channel)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CreateInviteResponse {
            invite: Some(c::invite(&invite)),
        }))
    }

    async fn get_invite(&self, req: Request<pb::GetInviteRequest>) -> Reply<pb::GetInviteResponse> {
        let who = principal(&req)?;
        let p = self
            .0
            .invites
            .preview(&who, &req.get_ref().code)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetInviteResponse {
            preview: Some(pb::InvitePreview {
                code: p.code,
                server: Some(c::server(&p.server)),
                inviter: p.inviter.map(c::user),
                expires_at: p.expires_at.map(c::timestamp),
                online_count: p.online_count,
                already_member: p.already_member,
            }),
        }))
    }

    async fn accept_invite(
        &self,
        req: Request<pb::AcceptInviteRequest>,
    ) -> Reply<pb::AcceptInviteResponse> {
        let who = principal(&req)?;
        let s = self
            .0
            .invites
            .accept(&who, &req.get_ref().code)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AcceptInviteResponse {
            server: Some(c::server(&s)),
        }))
    }

    async fn list_invites(
        &self,
        req: Request<pb::ListInvitesRequest>,
    ) -> Reply<pb::ListInvitesResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let server = id("server_id", &r.server_id)?;
        let (invites, next) = self
            .0
            .invites
            .list(&who, server, r.page_size, &r.page_token)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListInvitesResponse {
            invites: invites.iter().map(c::invite).collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }

    async fn revoke_invite(
        &self,
        req: Request<pb::RevokeInviteRequest>,
    ) -> Reply<pb::RevokeInviteResponse> {
        let who = principal(&req)?;
        let i = self
            .0
            .invites
            .revoke(&who, &req.get_ref().code)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RevokeInviteResponse {
            invite: Some(c::invite(&i)),
        }))
    }
}
