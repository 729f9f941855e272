//! `decentra.v1.UserService` over [`decentra_core::users::UserService`].

use decentra_core::{Services, model::PresenceStatus, users::ProfilePatch};
use decentra_proto::v1::{self as pb, user_service_server::UserService};
use tonic::{Request, Response, Status};

use super::{convert, ids::id, principal, status};

pub struct UserApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl UserService for UserApi {
    async fn get_current_user(
        &self,
        req: Request<pb::GetCurrentUserRequest>,
    ) -> Reply<pb::GetCurrentUserResponse> {
        let who = principal(&req)?;
        let user = self.0.users.current(&who).await.map_err(status)?;
        Ok(Response::new(pb::GetCurrentUserResponse {
            user: Some(convert::user(user)),
        }))
    }

    async fn get_user(&self, req: Request<pb::GetUserRequest>) -> Reply<pb::GetUserResponse> {
        let who = principal(&req)?;
        let id = id("user_id", &req.get_ref().user_id)?;
        let user = self.0.users.get(&who, id).await.map_err(status)?;
        Ok(Response::new(pb::GetUserResponse {
            user: Some(convert::user(user)),
        }))
    }

    async fn update_profile(
        &self,
        req: Request<pb::UpdateProfileRequest>,
    ) -> Reply<pb::UpdateProfileResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let patch = ProfilePatch {
            display_name: r.display_name,
            avatar_url: r.avatar_url,
            bio: r.bio,
            status_text: r.status_text,
            email_notifications: r.email_notifications,
        };
        let user = self
            .0
            .users
            .update_profile(&who, patch)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdateProfileResponse {
            user: Some(convert::user(user)),
        }))
    }

    async fn search_users(
        &self,
        req: Request<pb::SearchUsersRequest>,
    ) -> Reply<pb::SearchUsersResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let page = self
            .0
            .users
            .search(&who, &r.query, r.page_size, &r.page_token)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::SearchUsersResponse {
            users: page.users.into_iter().map(convert::user).collect(),
            next_page_token: page.next_page_token.unwrap_or_default(),
        }))
    }

    async fn update_presence(
        &self,
        req: Request<pb::UpdatePresenceRequest>,
    ) -> Reply<pb::UpdatePresenceResponse> {
        let who = principal(&req)?;
        let chosen = match req.get_ref().status() {
            pb::PresenceStatus::Online => PresenceStatus::Online,
            pb::PresenceStatus::Idle => PresenceStatus::Idle,
            pb::PresenceStatus::Dnd => PresenceStatus::DoNotDisturb,
            pb::PresenceStatus::Invisible => PresenceStatus::Invisible,
            pb::PresenceStatus::Offline | pb::PresenceStatus::Unspecified => {
                PresenceStatus::Offline
            }
        };
        let p = self
            .0
            .events
            .set_presence(&who, chosen)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdatePresenceResponse {
            presence: Some(convert::presence(&p)),
        }))
    }
}
