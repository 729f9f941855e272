//! `decentra.v1.BotService` over [`decentra_core::bots::BotService`].

use decentra_core::{
    Services,
    bots::{Bot, NewBotInput},
};
use decentra_proto::v1::{self as pb, bot_service_server::BotService};
use tonic::{Request, Response, Status};

use super::{convert as c, ids::id, principal, status};

pub struct BotApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

fn bot(b: Bot) -> pb::Bot {
    pb::Bot {
        id: b.user.id.to_string(),
        owner_id: b.owner_id.to_string(),
        created_at: Some(c::timestamp(b.created_at)),
        user: Some(c::user(b.user)),
    }
}

#[tonic::async_trait]
impl BotService for BotApi {
    async fn create_bot(&self, req: Request<pb::CreateBotRequest>) -> Reply<pb::CreateBotResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let (created, token) = self
            .0
            .bots
            .create(
                &who,
                NewBotInput {
                    name: r.name,
                    display_name: r.display_name,
                    avatar_url: r.avatar_url,
                },
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CreateBotResponse {
            bot: Some(bot(created)),
            token,
        }))
    }

    async fn list_bots(&self, req: Request<pb::ListBotsRequest>) -> Reply<pb::ListBotsResponse> {
        let who = principal(&req)?;
        let bots = self.0.bots.list(&who).await.map_err(status)?;
        Ok(Response::new(pb::ListBotsResponse {
            bots: bots.into_iter().map(bot).collect(),
        }))
    }

    async fn reset_bot_token(
        &self,
        req: Request<pb::ResetBotTokenRequest>,
    ) -> Reply<pb::ResetBotTokenResponse> {
        let who = principal(&req)?;
        let bot_id = id("bot_id", &req.get_ref().bot_id)?;
        let token = self
            .0
            .bots
            .reset_token(&who, bot_id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ResetBotTokenResponse { token }))
    }

    async fn delete_bot(&self, req: Request<pb::DeleteBotRequest>) -> Reply<pb::DeleteBotResponse> {
        let who = principal(&req)?;
        let bot_id = id("bot_id", &req.get_ref().bot_id)?;
        self.0.bots.delete(&who, bot_id).await.map_err(status)?;
        Ok(Response::new(pb::DeleteBotResponse {}))
    }

    async fn add_bot_to_server(
        &self,
        req: Request<pb::AddBotToServerRequest>,
    ) -> Reply<pb::AddBotToServerResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let bot_id = id("bot_id", &r.bot_id)?;
        let server = id("server_id", &r.server_id)?;
        self.0
            .bots
            .add_to_server(&who, bot_id, server)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AddBotToServerResponse {}))
    }
}
