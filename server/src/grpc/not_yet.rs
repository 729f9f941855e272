//! Services a later milestone builds. They are served from day one so the whole contract is
//! reachable, and every RPC answers UNIMPLEMENTED. Written out per RPC (the generated default
//! stubs are off), so a new RPC in the `.proto` fails to compile until someone decides here.

use decentra_core::Error;
use decentra_proto::v1::{self as pb, bot_service_server::BotService};
use tonic::{Request, Response, Status};

use super::status;

/// Stand-in adapter for a service not built yet.
#[derive(Debug, Clone, Copy)]
pub struct NotYet;

/// Implements `$service` for [`NotYet`]: each listed RPC answers UNIMPLEMENTED naming `$what`.
macro_rules! unimplemented_rpcs {
    ($service:ident, $what:literal: $($method:ident($req:ident) -> $resp:ident;)*) => {
        #[tonic::async_trait]
        impl $service for NotYet {
            $(
                async fn $method(
                    &self,
                    _req: Request<pb::$req>,
                ) -> Result<Response<pb::$resp>, Status> {
                    Err(status(Error::Unimplemented($what)))
                }
            )*
        }
    };
}

unimplemented_rpcs! { BotService, "the bot API":
    create_bot(CreateBotRequest) -> CreateBotResponse;
    list_bots(ListBotsRequest) -> ListBotsResponse;
    reset_bot_token(ResetBotTokenRequest) -> ResetBotTokenResponse;
    delete_bot(DeleteBotRequest) -> DeleteBotResponse;
    add_bot_to_server(AddBotToServerRequest) -> AddBotToServerResponse;
}
