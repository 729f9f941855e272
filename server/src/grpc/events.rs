//! `decentra.v1.EventService`: the one server stream per client, plus the encoder that turns
//! core events into `SubscribeResponse` bytes once, for every recipient to share.
//!
//! The service is written against tonic's server plumbing rather than the generated trait so
//! the stream can carry pre-encoded messages: the generated code would re-encode the same
//! event for each subscriber.

use std::{
    convert::Infallible,
    pin::Pin,
    task::{Context, Poll},
};

use bytes::{BufMut, Bytes};
use decentra_core::{
    Services,
    events::{Control, Event, EventEncoder},
    model::Ready,
};
use decentra_proto::v1::{self as pb, subscribe_response::Event as E};
use futures::Stream;
use prost::Message as _;
use tonic::{
    Status,
    body::Body,
    codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder},
    server::{Grpc, NamedService, ServerStreamingService},
};

use super::{convert as c, principal, status};

/// Encodes events as `SubscribeResponse` messages.
#[derive(Debug, Default, Clone, Copy)]
pub struct ProtoEncoder;

fn encode(cursor: &str, event: E) -> Bytes {
    Bytes::from(
        pb::SubscribeResponse {
            cursor: cursor.to_owned(),
            event: Some(event),
        }
        .encode_to_vec(),
    )
}

fn id(i: decentra_core::Id) -> String {
    i.to_string()
}

fn opt(i: Option<decentra_core::Id>) -> String {
    i.map(|i| i.to_string()).unwrap_or_default()
}

impl EventEncoder for ProtoEncoder {
    fn with_cursor(&self, cursor: &str, encoded: &Bytes) -> Bytes {
        // Protobuf merges concatenated encodings: the cursor field (1) followed by a message
        // holding only the event is the message holding both.
        let mut out = Vec::with_capacity(encoded.len() + cursor.len() + 2);
        prost::encoding::string::encode(1, &cursor.to_owned(), &mut out);
        out.extend_from_slice(encoded);
        Bytes::from(out)
    }

    fn encode(&self, cursor: &str, event: &Event) -> Bytes {
        let e = match event {
            Event::MessageCreated(m) => E::MessageCreated(pb::MessageCreatedEvent {
                message: Some(c::message(m)),
            }),
            Event::MessageUpdated(m) => E::MessageUpdated(pb::MessageUpdatedEvent {
                message: Some(c::message(m)),
            }),
            Event::MessageDeleted {
                channel_id,
                message_id,
                server_id,
            } => E::MessageDeleted(pb::MessageDeletedEvent {
                channel_id: id(*channel_id),
                message_id: id(*message_id),
                server_id: opt(*server_id),
            }),
            Event::ReactionAdded {
                channel_id,
                message_id,
                user_id,
                emoji,
                server_id,
            } => E::ReactionAdded(pb::ReactionAddedEvent {
                channel_id: id(*channel_id),
                message_id: id(*message_id),
                user_id: id(*user_id),
                emoji: emoji.clone(),
                server_id: opt(*server_id),
            }),
            Event::ReactionRemoved {
                channel_id,
                message_id,
                user_id,
                emoji,
                server_id,
            } => E::ReactionRemoved(pb::ReactionRemovedEvent {
                channel_id: id(*channel_id),
                message_id: id(*message_id),
                user_id: id(*user_id),
                emoji: emoji.clone(),
                server_id: opt(*server_id),
            }),
            Event::MessagePinned {
                channel_id,
                message_id,
                by,
                server_id,
            } => E::MessagePinned(pb::MessagePinnedEvent {
                channel_id: id(*channel_id),
                message_id: id(*message_id),
                pinned_by_id: id(*by),
                server_id: opt(*server_id),
            }),
            Event::MessageUnpinned {
                channel_id,
                message_id,
                by,
                server_id,
            } => E::MessageUnpinned(pb::MessageUnpinnedEvent {
                channel_id: id(*channel_id),
                message_id: id(*message_id),
                unpinned_by_id: id(*by),
                server_id: opt(*server_id),
            }),
            Event::TypingStarted {
                channel_id,
                user_id,
                server_id,
                expires_at_ms,
            } => E::TypingStarted(pb::TypingStartedEvent {
                channel_id: id(*channel_id),
                user_id: id(*user_id),
                server_id: opt(*server_id),
                expires_at: Some(c::timestamp(*expires_at_ms)),
            }),
            Event::ReadStateUpdated(r) => E::ReadStateUpdated(pb::ReadStateUpdatedEvent {
                read_state: Some(c::read_state(r)),
            }),
            Event::PresenceUpdated(p) => E::PresenceUpdated(pb::PresenceUpdatedEvent {
                presence: Some(c::presence(p)),
            }),
            Event::UserUpdated(u) => E::UserUpdated(pb::UserUpdatedEvent {
                user: Some(c::user(u.clone().public())),
            }),
            Event::ServerCreated(s) => E::ServerCreated(pb::ServerCreatedEvent {
                snapshot: Some(c::snapshot(s)),
            }),
            Event::ServerUpdated(s) => E::ServerUpdated(pb::ServerUpdatedEvent {
                server: Some(c::server(s)),
            }),
            Event::ServerDeleted { server_id } => E::ServerDeleted(pb::ServerDeletedEvent {
                server_id: id(*server_id),
            }),
            Event::ChannelCreated(ch) => E::ChannelCreated(pb::ChannelCreatedEvent {
                channel: Some(c::channel(ch)),
            }),
            Event::ChannelUpdated(ch) => E::ChannelUpdated(pb::ChannelUpdatedEvent {
                channel: Some(c::channel(ch)),
            }),
            Event::ChannelDeleted {
                channel_id,
                server_id,
            } => E::ChannelDeleted(pb::ChannelDeletedEvent {
                channel_id: id(*channel_id),
                server_id: opt(*server_id),
            }),
            Event::RoleCreated(r) => E::RoleCreated(pb::RoleCreatedEvent {
                role: Some(c::role(r)),
            }),
            Event::RoleUpdated(r) => E::RoleUpdated(pb::RoleUpdatedEvent {
                role: Some(c::role(r)),
            }),
            Event::RoleDeleted { server_id, role_id } => E::RoleDeleted(pb::RoleDeletedEvent {
                server_id: id(*server_id),
                role_id: id(*role_id),
            }),
            Event::MemberAdded(m) => E::MemberAdded(pb::MemberAddedEvent {
                member: Some(c::member(m)),
            }),
            Event::MemberUpdated(m) => E::MemberUpdated(pb::MemberUpdatedEvent {
                member: Some(c::member(m)),
            }),
            Event::MemberRemoved { server_id, user_id } => {
                E::MemberRemoved(pb::MemberRemovedEvent {
                    server_id: id(*server_id),
                    user_id: id(*user_id),
                })
            }
            Event::InviteCreated(i) => E::InviteCreated(pb::InviteCreatedEvent {
                invite: Some(c::invite(i)),
            }),
            Event::InviteDeleted { server_id, code } => E::InviteDeleted(pb::InviteDeletedEvent {
                server_id: id(*server_id),
                code: code.clone(),
            }),
            Event::BanAdded(b) => E::BanAdded(pb::BanAddedEvent {
                ban: Some(c::ban(b)),
            }),
            Event::BanRemoved { server_id, user_id } => E::BanRemoved(pb::BanRemovedEvent {
                server_id: id(*server_id),
                user_id: id(*user_id),
            }),
            Event::RelationshipUpdated(r) => E::RelationshipUpdated(pb::RelationshipUpdatedEvent {
                relationship: Some(c::relationship(r)),
            }),
            Event::RelationshipRemoved { user_id } => {
                E::RelationshipRemoved(pb::RelationshipRemovedEvent {
                    user_id: id(*user_id),
                })
            }
            Event::VoiceStateUpdated(v) => E::VoiceStateUpdated(pb::VoiceStateUpdatedEvent {
                voice_state: Some(c::voice_state(v)),
            }),
            Event::VoiceStateRemoved {
                user_id,
                channel_id,
                server_id,
            } => E::VoiceStateRemoved(pb::VoiceStateRemovedEvent {
                user_id: id(*user_id),
                channel_id: id(*channel_id),
                server_id: opt(*server_id),
            }),
            Event::VoiceSignal(s) => E::VoiceSignal(pb::VoiceSignalEvent {
                signal: Some(c::voice_signal(s)),
            }),
            Event::CallRinging { call, channel } => E::CallRinging(pb::CallRingingEvent {
                call: Some(c::call(call)),
                channel: Some(c::channel(channel)),
            }),
            Event::CallUpdated(call) => E::CallUpdated(pb::CallUpdatedEvent {
                call: Some(c::call(call)),
            }),
            Event::CallEnded { channel_id } => E::CallEnded(pb::CallEndedEvent {
                channel_id: id(*channel_id),
            }),
        };
        encode(cursor, e)
    }

    fn encode_control(&self, control: &Control) -> Bytes {
        let e = match control {
            Control::Heartbeat(ms) => E::Heartbeat(pb::HeartbeatEvent {
                server_time: Some(c::timestamp(*ms)),
            }),
            Control::ResyncRequired(reason) => E::ResyncRequired(pb::ResyncRequiredEvent {
                reason: reason.clone(),
            }),
            Control::Resumed(n) => E::Resumed(pb::ResumedEvent { replayed: *n }),
        };
        encode("", e)
    }

    fn encode_ready(&self, r: &Ready) -> Bytes {
        encode(
            "",
            E::Ready(pb::ReadyEvent {
                user: Some(c::user(r.user.clone())),
                servers: r.servers.iter().map(c::snapshot).collect(),
                private_channels: r.private_channels.iter().map(c::channel).collect(),
                relationships: r.relationships.iter().map(c::relationship).collect(),
                read_states: r.read_states.iter().map(c::read_state).collect(),
                presences: r.presences.iter().map(c::presence).collect(),
                private_voice_states: r.private_voice_states.iter().map(c::voice_state).collect(),
                calls: r.calls.iter().map(c::call).collect(),
                self_presence: Some(c::presence(&r.self_presence)),
                heartbeat_interval_seconds: r.heartbeat_interval_secs,
                session_id: r.session_id.to_string(),
            }),
        )
    }
}

/// Writes already-encoded messages as they are; decodes requests with prost.
#[derive(Debug, Default, Clone, Copy)]
struct PassThroughCodec;

struct RawEncoder;
struct ProstDecoder;

impl Encoder for RawEncoder {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }

    /// Events are small and streams are many: a 1 KiB starting buffer (it grows on demand)
    /// instead of tonic's 8 KiB keeps idle streams cheap; queued events still batch into one
    /// write up to the yield threshold.
    fn buffer_settings(&self) -> tonic::codec::BufferSettings {
        tonic::codec::BufferSettings::new(1024, 32 * 1024)
    }
}

impl Decoder for ProstDecoder {
    type Item = pb::SubscribeRequest;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Self::Item>, Status> {
        pb::SubscribeRequest::decode(src)
            .map(Some)
            .map_err(|e| Status::invalid_argument(format!("bad SubscribeRequest: {e}")))
    }
}

impl Codec for PassThroughCodec {
    type Encode = Bytes;
    type Decode = pb::SubscribeRequest;
    type Encoder = RawEncoder;
    type Decoder = ProstDecoder;

    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }

    fn decoder(&mut self) -> ProstDecoder {
        ProstDecoder
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<Bytes, Status>> + Send + 'static>>;

/// The `EventService` endpoint.
#[derive(Clone)]
pub struct EventServer(pub Services);

impl NamedService for EventServer {
    const NAME: &'static str = "decentra.v1.EventService";
}

struct Subscribe(Services);

impl ServerStreamingService<pb::SubscribeRequest> for Subscribe {
    type Response = Bytes;
    type ResponseStream = EventStream;
    type Future =
        Pin<Box<dyn Future<Output = Result<tonic::Response<EventStream>, Status>> + Send>>;

    fn call(&mut self, req: tonic::Request<pb::SubscribeRequest>) -> Self::Future {
        let services = self.0.clone();
        Box::pin(async move {
            let who = principal(&req)?;
            let cursor = req.into_inner().resume_cursor;
            let resume = (!cursor.is_empty()).then_some(cursor.as_str());
            let sub = services
                .events
                .subscribe(&who, resume)
                .await
                .map_err(status)?;
            let stream: EventStream = Box::pin(futures::StreamExt::map(sub, Ok));
            Ok(tonic::Response::new(stream))
        })
    }
}

impl tower::Service<http::Request<Body>> for EventServer {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let services = self.0.clone();
        Box::pin(async move {
            match req.uri().path() {
                "/decentra.v1.EventService/Subscribe" => {
                    let mut grpc = Grpc::new(PassThroughCodec);
                    Ok(grpc.server_streaming(Subscribe(services), req).await)
                }
                _ => Ok(Status::unimplemented("unknown EventService method").into_http()),
            }
        })
    }
}
