//! `decentra.v1.RoleService` over [`decentra_core::roles::RoleService`].

use decentra_core::{
    Services,
    roles::{NewRole, RolePatch},
};
use decentra_proto::v1::{self as pb, role_service_server::RoleService};
use tonic::{Request, Response, Status};

use super::{convert as c, ids::id, principal, status};

pub struct RoleApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl RoleService for RoleApi {
    async fn create_role(
        &self,
        req: Request<pb::CreateRoleRequest>,
    ) -> Reply<pb::CreateRoleResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let input = NewRole {
            name: r.name,
            permissions: r.permissions,
            color: r.color,
            hoist: r.hoist,
            mentionable: r.mentionable,
        };
        let role = self
            .0
            .roles
            .create(&who, id("server_id", &r.server_id)?, input)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CreateRoleResponse {
            role: Some(c::role(&role)),
        }))
    }

    async fn update_role(
        &self,
        req: Request<pb::UpdateRoleRequest>,
    ) -> Reply<pb::UpdateRoleResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let patch = RolePatch {
            name: r.name,
            permissions: r.permissions,
            color: r.color,
            hoist: r.hoist,
            mentionable: r.mentionable,
        };
        let role = self
            .0
            .roles
            .update(
                &who,
                id("server_id", &r.server_id)?,
                id("role_id", &r.role_id)?,
                patch,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdateRoleResponse {
            role: Some(c::role(&role)),
        }))
    }

    async fn delete_role(
        &self,
        req: Request<pb::DeleteRoleRequest>,
    ) -> Reply<pb::DeleteRoleResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        self.0
            .roles
            .delete(
                &who,
                id("server_id", &r.server_id)?,
                id("role_id", &r.role_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteRoleResponse {}))
    }

    async fn list_roles(&self, req: Request<pb::ListRolesRequest>) -> Reply<pb::ListRolesResponse> {
        let who = principal(&req)?;
        let roles = self
            .0
            .roles
            .list(&who, id("server_id", &req.get_ref().server_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListRolesResponse {
            roles: roles.iter().map(c::role).collect(),
        }))
    }

    async fn reorder_roles(
        &self,
        req: Request<pb::ReorderRolesRequest>,
    ) -> Reply<pb::ReorderRolesResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let positions = r
            .positions
            .iter()
            .map(|p| Ok((id("role_id", &p.role_id)?, p.position)))
            .collect::<Result<Vec<_>, Status>>()?;
        let roles = self
            .0
            .roles
            .reorder(&who, id("server_id", &r.server_id)?, positions)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ReorderRolesResponse {
            roles: roles.iter().map(c::role).collect(),
        }))
    }

    async fn add_member_role(
        &self,
        req: Request<pb::AddMemberRoleRequest>,
    ) -> Reply<pb::AddMemberRoleResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let m = self
            .0
            .roles
            .set_member_role(
                &who,
                id("server_id", &r.server_id)?,
                id("user_id", &r.user_id)?,
                id("role_id", &r.role_id)?,
                true,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AddMemberRoleResponse {
            member: Some(c::member(&m)),
        }))
    }

    async fn remove_member_role(
        &self,
        req: Request<pb::RemoveMemberRoleRequest>,
    ) -> Reply<pb::RemoveMemberRoleResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let m = self
            .0
            .roles
            .set_member_role(
                &who,
                id("server_id", &r.server_id)?,
                id("user_id", &r.user_id)?,
                id("role_id", &r.role_id)?,
                false,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RemoveMemberRoleResponse {
            member: Some(c::member(&m)),
        }))
    }
}
