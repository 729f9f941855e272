//! `decentra.v1.ChannelService` over [`decentra_core::channels::ChannelService`].

use decentra_core::{
    Error, Services,
    channels::{ChannelPatch, NewChannel, OverwriteInput},
    model::OverwriteKind,
};
use decentra_proto::v1::{self as pb, channel_service_server::ChannelService};
use tonic::{Request, Response, Status};

use super::{
    convert as c,
    ids::{id, opt_id},
    principal, status,
};

pub struct ChannelApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

fn target_kind(v: i32) -> Result<OverwriteKind, Status> {
    match pb::OverwriteTargetType::try_from(v) {
        Ok(pb::OverwriteTargetType::Role) => Ok(OverwriteKind::Role),
        Ok(pb::OverwriteTargetType::Member) => Ok(OverwriteKind::Member),
        _ => Err(status(Error::invalid(
            "target_type",
            "must be ROLE or MEMBER",
        ))),
    }
}

fn overwrite(o: &pb::PermissionOverwrite) -> Result<OverwriteInput, Status> {
    Ok(OverwriteInput {
        target_id: id("target_id", &o.target_id)?,
        target_kind: target_kind(o.target_type)?,
        allow: o.allow,
        deny: o.deny,
    })
}

#[tonic::async_trait]
impl ChannelService for ChannelApi {
    async fn create_channel(
        &self,
        req: Request<pb::CreateChannelRequest>,
    ) -> Reply<pb::CreateChannelResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let kind = c::channel_kind_from(r.r#type)
            .ok_or_else(|| status(Error::invalid("type", "must be TEXT, VOICE or CATEGORY")))?;
        let input = NewChannel {
            name: r.name,
            kind,
            parent_id: opt_id("parent_id", &r.parent_id)?,
            topic: r.topic,
            position: r.position,
            overwrites: r
                .permission_overwrites
                .iter()
                .map(overwrite)
                .collect::<Result<_, _>>()?,
            user_limit: r.user_limit,
            bitrate: r.bitrate,
            rate_limit_per_user: r.rate_limit_per_user,
        };
        let ch = self
            .0
            .channels
            .create(&who, id("server_id", &r.server_id)?, input)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CreateChannelResponse {
            channel: Some(c::channel(&ch)),
        }))
    }

    async fn get_channel(
        &self,
        req: Request<pb::GetChannelRequest>,
    ) -> Reply<pb::GetChannelResponse> {
        let who = principal(&req)?;
        let ch = self
            .0
            .channels
            .get(&who, id("channel_id", &req.get_ref().channel_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetChannelResponse {
            channel: Some(c::channel(&ch)),
        }))
    }

    async fn update_channel(
        &self,
        req: Request<pb::UpdateChannelRequest>,
    ) -> Reply<pb::UpdateChannelResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let patch = ChannelPatch {
            name: r.name,
            topic: r.topic,
            parent_id: r.parent_id.map(|p| opt_id("parent_id", &p)).transpose()?,
            position: r.position,
            user_limit: r.user_limit,
            bitrate: r.bitrate,
            rate_limit_per_user: r.rate_limit_per_user,
            sync_permissions: r.sync_permissions,
            icon_url: r.icon_url,
        };
        let ch = self
            .0
            .channels
            .update(&who, id("channel_id", &r.channel_id)?, patch)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdateChannelResponse {
            channel: Some(c::channel(&ch)),
        }))
    }

    async fn delete_channel(
        &self,
        req: Request<pb::DeleteChannelRequest>,
    ) -> Reply<pb::DeleteChannelResponse> {
        let who = principal(&req)?;
        self.0
            .channels
            .delete(&who, id("channel_id", &req.get_ref().channel_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteChannelResponse {}))
    }

    async fn list_channels(
        &self,
        req: Request<pb::ListChannelsRequest>,
    ) -> Reply<pb::ListChannelsResponse> {
        let who = principal(&req)?;
        let list = self
            .0
            .channels
            .list(&who, id("server_id", &req.get_ref().server_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListChannelsResponse {
            channels: list.iter().map(c::channel).collect(),
        }))
    }

    async fn reorder_channels(
        &self,
        req: Request<pb::ReorderChannelsRequest>,
    ) -> Reply<pb::ReorderChannelsResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let positions = r
            .positions
            .into_iter()
            .map(|p| {
                let parent = p.parent_id.map(|v| opt_id("parent_id", &v)).transpose()?;
                Ok((id("channel_id", &p.channel_id)?, p.position, parent))
            })
            .collect::<Result<Vec<_>, Status>>()?;
        let list = self
            .0
            .channels
            .reorder(&who, id("server_id", &r.server_id)?, positions)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ReorderChannelsResponse {
            channels: list.iter().map(c::channel).collect(),
        }))
    }

    async fn set_permission_overwrite(
        &self,
        req: Request<pb::SetPermissionOverwriteRequest>,
    ) -> Reply<pb::SetPermissionOverwriteResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let input = OverwriteInput {
            target_id: id("target_id", &r.target_id)?,
            target_kind: target_kind(r.target_type)?,
            allow: r.allow,
            deny: r.deny,
        };
        let ch = self
            .0
            .channels
            .set_overwrite(&who, id("channel_id", &r.channel_id)?, input)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::SetPermissionOverwriteResponse {
            channel: Some(c::channel(&ch)),
        }))
    }

    async fn delete_permission_overwrite(
        &self,
        req: Request<pb::DeletePermissionOverwriteRequest>,
    ) -> Reply<pb::DeletePermissionOverwriteResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let ch = self
            .0
            .channels
            .delete_overwrite(
                &who,
                id("channel_id", &r.channel_id)?,
                id("target_id", &r.target_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeletePermissionOverwriteResponse {
            channel: Some(c::channel(&ch)),
        }))
    }

    async fn get_effective_permissions(
        &self,
        req: Request<pb::GetEffectivePermissionsRequest>,
    ) -> Reply<pb::GetEffectivePermissionsResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let user = match r.user_id.trim() {
            "" => None,
            u => Some(id("user_id", u)?),
        };
        let p = self
            .0
            .channels
            .effective_permissions(&who, id("channel_id", &r.channel_id)?, user)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetEffectivePermissionsResponse {
            permissions: p.bits(),
        }))
    }

    async fn open_direct_message(
        &self,
        req: Request<pb::OpenDirectMessageRequest>,
    ) -> Reply<pb::OpenDirectMessageResponse> {
        let who = principal(&req)?;
        let ch = self
            .0
            .dms
            .open(&who, id("user_id", &req.get_ref().user_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::OpenDirectMessageResponse {
            channel: Some(c::channel(&ch)),
        }))
    }

    async fn create_group_dm(
        &self,
        req: Request<pb::CreateGroupDmRequest>,
    ) -> Reply<pb::CreateGroupDmResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let users = r
            .user_ids
            .iter()
            .map(|u| id("user_ids", u))
            .collect::<Result<Vec<_>, _>>()?;
        let ch = self
            .0
            .dms
            .create_group(&who, users, &r.name)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CreateGroupDmResponse {
            channel: Some(c::channel(&ch)),
        }))
    }

    async fn add_group_dm_member(
        &self,
        req: Request<pb::AddGroupDmMemberRequest>,
    ) -> Reply<pb::AddGroupDmMemberResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let ch = self
            .0
            .dms
            .add_member(
                &who,
                id("channel_id", &r.channel_id)?,
                id("user_id", &r.user_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AddGroupDmMemberResponse {
            channel: Some(c::channel(&ch)),
        }))
    }

    async fn remove_group_dm_member(
        &self,
        req: Request<pb::RemoveGroupDmMemberRequest>,
    ) -> Reply<pb::RemoveGroupDmMemberResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let ch = self
            .0
            .dms
            .remove_member(
                &who,
                id("channel_id", &r.channel_id)?,
                id("user_id", &r.user_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RemoveGroupDmMemberResponse {
            channel: Some(c::channel(&ch)),
        }))
    }

    async fn leave_group_dm(
        &self,
        req: Request<pb::LeaveGroupDmRequest>,
    ) -> Reply<pb::LeaveGroupDmResponse> {
        let who = principal(&req)?;
        self.0
            .dms
            .leave(&who, id("channel_id", &req.get_ref().channel_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::LeaveGroupDmResponse {}))
    }

    async fn list_private_channels(
        &self,
        req: Request<pb::ListPrivateChannelsRequest>,
    ) -> Reply<pb::ListPrivateChannelsResponse> {
        let who = principal(&req)?;
        let list = self.0.dms.list(&who).await.map_err(status)?;
        Ok(Response::new(pb::ListPrivateChannelsResponse {
            channels: list.iter().map(c::channel).collect(),
        }))
    }
}
