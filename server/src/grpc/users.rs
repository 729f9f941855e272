//! `decentra.v1.UserService` over [`decentra_core::users::UserService`].

use decentra_core::{Id, Services};
use decentra_proto::v1::{self as pb, user_service_server::UserService};
use tonic::{Request, Response, Status};

use super::{convert, principal, status};

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
        let id = Id::parse("user_id", &req.get_ref().user_id).map_err(status)?;
        let user = self.0.users.get(&who, id).await.map_err(status)?;
        Ok(Response::new(pb::GetUserResponse {
            user: Some(convert::user(user)),
        }))
    }
}
