//! `decentra.v1.VoiceService` over [`decentra_core::voice::VoiceService`].

use decentra_core::{
    Error, Services,
    model::{SdpKind, SignalPayload},
    voice::{CallTarget, InCall, OutgoingSignal, SelfFlags},
};
use decentra_proto::v1::{self as pb, voice_service_server::VoiceService};
use tonic::{Request, Response, Status};

use super::{
    convert,
    ids::{id, opt_id},
    principal, status,
};

pub struct VoiceApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

/// The parts of a call answer every call RPC shares.
fn in_call(
    c: InCall,
) -> (
    Option<pb::Call>,
    String,
    Vec<pb::IceServer>,
    Vec<pb::VoiceState>,
) {
    (
        Some(convert::call(&c.call)),
        c.session_id.to_string(),
        c.ice_servers.into_iter().map(convert::ice_server).collect(),
        c.voice_states.iter().map(convert::voice_state).collect(),
    )
}

/// The signal payload of a request, or INVALID_ARGUMENT naming the field.
fn payload(signal: Option<pb::send_signal_request::Signal>) -> Result<SignalPayload, Status> {
    use pb::send_signal_request::Signal;
    match signal {
        Some(Signal::Sdp(d)) => {
            let kind = match pb::SdpType::try_from(d.r#type) {
                Ok(pb::SdpType::Offer) => SdpKind::Offer,
                Ok(pb::SdpType::Answer) => SdpKind::Answer,
                Ok(pb::SdpType::Pranswer) => SdpKind::Pranswer,
                Ok(pb::SdpType::Rollback) => SdpKind::Rollback,
                _ => {
                    return Err(status(Error::invalid(
                        "sdp.type",
                        "must be OFFER, ANSWER, PRANSWER or ROLLBACK",
                    )));
                }
            };
            Ok(SignalPayload::Sdp { kind, sdp: d.sdp })
        }
        Some(Signal::IceCandidate(c)) => Ok(SignalPayload::Candidate {
            candidate: c.candidate,
            sdp_mid: c.sdp_mid,
            sdp_mline_index: c.sdp_mline_index,
            username_fragment: c.username_fragment,
        }),
        None => Err(status(Error::invalid("signal", "set sdp or ice_candidate"))),
    }
}

#[tonic::async_trait]
impl VoiceService for VoiceApi {
    async fn join_voice_channel(
        &self,
        req: Request<pb::JoinVoiceChannelRequest>,
    ) -> Reply<pb::JoinVoiceChannelResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let channel = id("channel_id", &r.channel_id)?;
        let joined = self
            .0
            .voice
            .join(&who, channel, r.self_mute, r.self_deaf)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::JoinVoiceChannelResponse {
            session_id: joined.session_id.to_string(),
            ice_servers: joined
                .ice_servers
                .into_iter()
                .map(convert::ice_server)
                .collect(),
            voice_states: joined
                .voice_states
                .iter()
                .map(convert::voice_state)
                .collect(),
            can_speak: joined.can_speak,
            push_to_talk_only: joined.push_to_talk_only,
        }))
    }

    async fn leave_voice(
        &self,
        req: Request<pb::LeaveVoiceRequest>,
    ) -> Reply<pb::LeaveVoiceResponse> {
        let who = principal(&req)?;
        let session = opt_id("session_id", &req.get_ref().session_id)?;
        self.0.voice.leave(&who, session).await.map_err(status)?;
        Ok(Response::new(pb::LeaveVoiceResponse {}))
    }

    async fn update_voice_state(
        &self,
        req: Request<pb::UpdateVoiceStateRequest>,
    ) -> Reply<pb::UpdateVoiceStateResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let state = self
            .0
            .voice
            .update_self(
                &who,
                SelfFlags {
                    self_mute: r.self_mute,
                    self_deaf: r.self_deaf,
                    self_stream: r.self_stream,
                },
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdateVoiceStateResponse {
            voice_state: Some(convert::voice_state(&state)),
        }))
    }

    async fn start_call(&self, req: Request<pb::StartCallRequest>) -> Reply<pb::StartCallResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let target = match (
            opt_id("user_id", &r.user_id)?,
            opt_id("channel_id", &r.channel_id)?,
        ) {
            (Some(user), None) => CallTarget::User(user),
            (None, Some(channel)) => CallTarget::Channel(channel),
            _ => {
                return Err(status(Error::invalid(
                    "user_id",
                    "set exactly one of user_id and channel_id",
                )));
            }
        };
        let c = self
            .0
            .voice
            .start_call(&who, target)
            .await
            .map_err(status)?;
        let (call, session_id, ice_servers, voice_states) = in_call(c);
        Ok(Response::new(pb::StartCallResponse {
            call,
            session_id,
            ice_servers,
            voice_states,
        }))
    }

    async fn accept_call(
        &self,
        req: Request<pb::AcceptCallRequest>,
    ) -> Reply<pb::AcceptCallResponse> {
        let who = principal(&req)?;
        let channel = id("channel_id", &req.get_ref().channel_id)?;
        let c = self
            .0
            .voice
            .accept_call(&who, channel)
            .await
            .map_err(status)?;
        let (call, session_id, ice_servers, voice_states) = in_call(c);
        Ok(Response::new(pb::AcceptCallResponse {
            call,
            session_id,
            ice_servers,
            voice_states,
        }))
    }

    async fn decline_call(
        &self,
        req: Request<pb::DeclineCallRequest>,
    ) -> Reply<pb::DeclineCallResponse> {
        let who = principal(&req)?;
        let channel = id("channel_id", &req.get_ref().channel_id)?;
        self.0
            .voice
            .decline_call(&who, channel)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeclineCallResponse {}))
    }

    async fn end_call(&self, req: Request<pb::EndCallRequest>) -> Reply<pb::EndCallResponse> {
        let who = principal(&req)?;
        let channel = id("channel_id", &req.get_ref().channel_id)?;
        self.0.voice.end_call(&who, channel).await.map_err(status)?;
        Ok(Response::new(pb::EndCallResponse {}))
    }

    async fn send_signal(
        &self,
        req: Request<pb::SendSignalRequest>,
    ) -> Reply<pb::SendSignalResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let signal = OutgoingSignal {
            session_id: id("session_id", &r.session_id)?,
            to_user_id: id("to_user_id", &r.to_user_id)?,
            payload: payload(r.signal)?,
        };
        self.0
            .voice
            .send_signal(&who, signal)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::SendSignalResponse {}))
    }

    async fn get_ice_servers(
        &self,
        req: Request<pb::GetIceServersRequest>,
    ) -> Reply<pb::GetIceServersResponse> {
        let who = principal(&req)?;
        let (servers, expires_ms) = self.0.voice.ice_servers(&who).await.map_err(status)?;
        Ok(Response::new(pb::GetIceServersResponse {
            ice_servers: servers.into_iter().map(convert::ice_server).collect(),
            expires_at: Some(convert::timestamp(expires_ms)),
        }))
    }
}
