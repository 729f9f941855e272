//! `decentra.v1.RelationshipService` over
//! [`decentra_core::relationships::RelationshipService`].

use decentra_core::{Error, Services, relationships::FriendTarget};
use decentra_proto::v1::{self as pb, relationship_service_server::RelationshipService};
use tonic::{Request, Response, Status};

use super::{convert as c, ids::id, principal, status};

pub struct RelationshipApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl RelationshipService for RelationshipApi {
    async fn send_friend_request(
        &self,
        req: Request<pb::SendFriendRequestRequest>,
    ) -> Reply<pb::SendFriendRequestResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let target = match (r.username.trim(), r.user_id.trim()) {
            (name, "") if !name.is_empty() => FriendTarget::Username(name.to_owned()),
            ("", raw) if !raw.is_empty() => FriendTarget::Id(id("user_id", raw)?),
            _ => {
                return Err(status(Error::invalid(
                    "username",
                    "set exactly one of username and user_id",
                )));
            }
        };
        let rel = self
            .0
            .relationships
            .send_request(&who, target)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::SendFriendRequestResponse {
            relationship: Some(c::relationship(&rel)),
        }))
    }

    async fn accept_friend_request(
        &self,
        req: Request<pb::AcceptFriendRequestRequest>,
    ) -> Reply<pb::AcceptFriendRequestResponse> {
        let who = principal(&req)?;
        let rel = self
            .0
            .relationships
            .accept(&who, id("user_id", &req.get_ref().user_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AcceptFriendRequestResponse {
            relationship: Some(c::relationship(&rel)),
        }))
    }

    async fn decline_friend_request(
        &self,
        req: Request<pb::DeclineFriendRequestRequest>,
    ) -> Reply<pb::DeclineFriendRequestResponse> {
        let who = principal(&req)?;
        self.0
            .relationships
            .decline(&who, id("user_id", &req.get_ref().user_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeclineFriendRequestResponse {}))
    }

    async fn cancel_friend_request(
        &self,
        req: Request<pb::CancelFriendRequestRequest>,
    ) -> Reply<pb::CancelFriendRequestResponse> {
        let who = principal(&req)?;
        self.0
            .relationships
            .cancel(&who, id("user_id", &req.get_ref().user_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CancelFriendRequestResponse {}))
    }

    async fn remove_friend(
        &self,
        req: Request<pb::RemoveFriendRequest>,
    ) -> Reply<pb::RemoveFriendResponse> {
        let who = principal(&req)?;
        self.0
            .relationships
            .remove_friend(&who, id("user_id", &req.get_ref().user_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RemoveFriendResponse {}))
    }

    async fn block_user(&self, req: Request<pb::BlockUserRequest>) -> Reply<pb::BlockUserResponse> {
        let who = principal(&req)?;
        let rel = self
            .0
            .relationships
            .block(&who, id("user_id", &req.get_ref().user_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BlockUserResponse {
            relationship: Some(c::relationship(&rel)),
        }))
    }

    async fn unblock_user(
        &self,
        req: Request<pb::UnblockUserRequest>,
    ) -> Reply<pb::UnblockUserResponse> {
        let who = principal(&req)?;
        self.0
            .relationships
            .unblock(&who, id("user_id", &req.get_ref().user_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UnblockUserResponse {}))
    }

    async fn list_relationships(
        &self,
        req: Request<pb::ListRelationshipsRequest>,
    ) -> Reply<pb::ListRelationshipsResponse> {
        let who = principal(&req)?;
        let list = self.0.relationships.list(&who).await.map_err(status)?;
        Ok(Response::new(pb::ListRelationshipsResponse {
            relationships: list.iter().map(c::relationship).collect(),
        }))
    }
}
