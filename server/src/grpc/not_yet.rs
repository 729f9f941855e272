//! Services a later milestone builds. They are served from day one so the whole contract is
//! reachable, and every RPC answers UNIMPLEMENTED. Written out per RPC (the generated default
//! stubs are off), so a new RPC in the `.proto` fails to compile until someone decides here.

use decentra_core::Error;
use decentra_proto::v1::{self as pb, voice_service_server::VoiceService};
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

unimplemented_rpcs! { VoiceService, "voice":
    join_voice_channel(JoinVoiceChannelRequest) -> JoinVoiceChannelResponse;
    leave_voice(LeaveVoiceRequest) -> LeaveVoiceResponse;
    update_voice_state(UpdateVoiceStateRequest) -> UpdateVoiceStateResponse;
    start_call(StartCallRequest) -> StartCallResponse;
    accept_call(AcceptCallRequest) -> AcceptCallResponse;
    decline_call(DeclineCallRequest) -> DeclineCallResponse;
    end_call(EndCallRequest) -> EndCallResponse;
    send_signal(SendSignalRequest) -> SendSignalResponse;
    get_ice_servers(GetIceServersRequest) -> GetIceServersResponse;
}
