import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SdpType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SDP_TYPE_UNSPECIFIED: _ClassVar[SdpType]
    SDP_TYPE_OFFER: _ClassVar[SdpType]
    SDP_TYPE_ANSWER: _ClassVar[SdpType]
    SDP_TYPE_PRANSWER: _ClassVar[SdpType]
    SDP_TYPE_ROLLBACK: _ClassVar[SdpType]
SDP_TYPE_UNSPECIFIED: SdpType
SDP_TYPE_OFFER: SdpType
SDP_TYPE_ANSWER: SdpType
SDP_TYPE_PRANSWER: SdpType
SDP_TYPE_ROLLBACK: SdpType

class VoiceState(_message.Message):
    __slots__ = ("user_id", "channel_id", "server_id", "self_mute", "self_deaf", "server_mute", "server_deaf", "self_stream", "joined_at")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    SELF_MUTE_FIELD_NUMBER: _ClassVar[int]
    SELF_DEAF_FIELD_NUMBER: _ClassVar[int]
    SERVER_MUTE_FIELD_NUMBER: _ClassVar[int]
    SERVER_DEAF_FIELD_NUMBER: _ClassVar[int]
    SELF_STREAM_FIELD_NUMBER: _ClassVar[int]
    JOINED_AT_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    channel_id: str
    server_id: str
    self_mute: bool
    self_deaf: bool
    server_mute: bool
    server_deaf: bool
    self_stream: bool
    joined_at: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., server_id: _Optional[str] = ..., self_mute: _Optional[bool] = ..., self_deaf: _Optional[bool] = ..., server_mute: _Optional[bool] = ..., server_deaf: _Optional[bool] = ..., self_stream: _Optional[bool] = ..., joined_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class IceServer(_message.Message):
    __slots__ = ("urls", "username", "credential")
    URLS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    urls: _containers.RepeatedScalarFieldContainer[str]
    username: str
    credential: str
    def __init__(self, urls: _Optional[_Iterable[str]] = ..., username: _Optional[str] = ..., credential: _Optional[str] = ...) -> None: ...

class SessionDescription(_message.Message):
    __slots__ = ("type", "sdp")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SDP_FIELD_NUMBER: _ClassVar[int]
    type: SdpType
    sdp: str
    def __init__(self, type: _Optional[_Union[SdpType, str]] = ..., sdp: _Optional[str] = ...) -> None: ...

class IceCandidate(_message.Message):
    __slots__ = ("candidate", "sdp_mid", "sdp_mline_index", "username_fragment")
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    SDP_MID_FIELD_NUMBER: _ClassVar[int]
    SDP_MLINE_INDEX_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FRAGMENT_FIELD_NUMBER: _ClassVar[int]
    candidate: str
    sdp_mid: str
    sdp_mline_index: int
    username_fragment: str
    def __init__(self, candidate: _Optional[str] = ..., sdp_mid: _Optional[str] = ..., sdp_mline_index: _Optional[int] = ..., username_fragment: _Optional[str] = ...) -> None: ...

class VoiceSignal(_message.Message):
    __slots__ = ("session_id", "from_user_id", "channel_id", "sdp", "ice_candidate")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SDP_FIELD_NUMBER: _ClassVar[int]
    ICE_CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    from_user_id: str
    channel_id: str
    sdp: SessionDescription
    ice_candidate: IceCandidate
    def __init__(self, session_id: _Optional[str] = ..., from_user_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., sdp: _Optional[_Union[SessionDescription, _Mapping]] = ..., ice_candidate: _Optional[_Union[IceCandidate, _Mapping]] = ...) -> None: ...

class Call(_message.Message):
    __slots__ = ("channel_id", "initiator_id", "ringing_user_ids", "started_at")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    INITIATOR_ID_FIELD_NUMBER: _ClassVar[int]
    RINGING_USER_IDS_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    initiator_id: str
    ringing_user_ids: _containers.RepeatedScalarFieldContainer[str]
    started_at: _timestamp_pb2.Timestamp
    def __init__(self, channel_id: _Optional[str] = ..., initiator_id: _Optional[str] = ..., ringing_user_ids: _Optional[_Iterable[str]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class JoinVoiceChannelRequest(_message.Message):
    __slots__ = ("channel_id", "self_mute", "self_deaf")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SELF_MUTE_FIELD_NUMBER: _ClassVar[int]
    SELF_DEAF_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    self_mute: bool
    self_deaf: bool
    def __init__(self, channel_id: _Optional[str] = ..., self_mute: _Optional[bool] = ..., self_deaf: _Optional[bool] = ...) -> None: ...

class JoinVoiceChannelResponse(_message.Message):
    __slots__ = ("session_id", "ice_servers", "voice_states", "can_speak", "push_to_talk_only")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ICE_SERVERS_FIELD_NUMBER: _ClassVar[int]
    VOICE_STATES_FIELD_NUMBER: _ClassVar[int]
    CAN_SPEAK_FIELD_NUMBER: _ClassVar[int]
    PUSH_TO_TALK_ONLY_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    ice_servers: _containers.RepeatedCompositeFieldContainer[IceServer]
    voice_states: _containers.RepeatedCompositeFieldContainer[VoiceState]
    can_speak: bool
    push_to_talk_only: bool
    def __init__(self, session_id: _Optional[str] = ..., ice_servers: _Optional[_Iterable[_Union[IceServer, _Mapping]]] = ..., voice_states: _Optional[_Iterable[_Union[VoiceState, _Mapping]]] = ..., can_speak: _Optional[bool] = ..., push_to_talk_only: _Optional[bool] = ...) -> None: ...

class LeaveVoiceRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class LeaveVoiceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateVoiceStateRequest(_message.Message):
    __slots__ = ("self_mute", "self_deaf", "self_stream")
    SELF_MUTE_FIELD_NUMBER: _ClassVar[int]
    SELF_DEAF_FIELD_NUMBER: _ClassVar[int]
    SELF_STREAM_FIELD_NUMBER: _ClassVar[int]
    self_mute: bool
    self_deaf: bool
    self_stream: bool
    def __init__(self, self_mute: _Optional[bool] = ..., self_deaf: _Optional[bool] = ..., self_stream: _Optional[bool] = ...) -> None: ...

class UpdateVoiceStateResponse(_message.Message):
    __slots__ = ("voice_state",)
    VOICE_STATE_FIELD_NUMBER: _ClassVar[int]
    voice_state: VoiceState
    def __init__(self, voice_state: _Optional[_Union[VoiceState, _Mapping]] = ...) -> None: ...

class StartCallRequest(_message.Message):
    __slots__ = ("user_id", "channel_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    channel_id: str
    def __init__(self, user_id: _Optional[str] = ..., channel_id: _Optional[str] = ...) -> None: ...

class StartCallResponse(_message.Message):
    __slots__ = ("call", "session_id", "ice_servers", "voice_states")
    CALL_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ICE_SERVERS_FIELD_NUMBER: _ClassVar[int]
    VOICE_STATES_FIELD_NUMBER: _ClassVar[int]
    call: Call
    session_id: str
    ice_servers: _containers.RepeatedCompositeFieldContainer[IceServer]
    voice_states: _containers.RepeatedCompositeFieldContainer[VoiceState]
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ..., session_id: _Optional[str] = ..., ice_servers: _Optional[_Iterable[_Union[IceServer, _Mapping]]] = ..., voice_states: _Optional[_Iterable[_Union[VoiceState, _Mapping]]] = ...) -> None: ...

class AcceptCallRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class AcceptCallResponse(_message.Message):
    __slots__ = ("call", "session_id", "ice_servers", "voice_states")
    CALL_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ICE_SERVERS_FIELD_NUMBER: _ClassVar[int]
    VOICE_STATES_FIELD_NUMBER: _ClassVar[int]
    call: Call
    session_id: str
    ice_servers: _containers.RepeatedCompositeFieldContainer[IceServer]
    voice_states: _containers.RepeatedCompositeFieldContainer[VoiceState]
    def __init__(self, call: _Optional[_Union[Call, _Mapping]] = ..., session_id: _Optional[str] = ..., ice_servers: _Optional[_Iterable[_Union[IceServer, _Mapping]]] = ..., voice_states: _Optional[_Iterable[_Union[VoiceState, _Mapping]]] = ...) -> None: ...

class DeclineCallRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class DeclineCallResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EndCallRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class EndCallResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SendSignalRequest(_message.Message):
    __slots__ = ("session_id", "to_user_id", "sdp", "ice_candidate")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TO_USER_ID_FIELD_NUMBER: _ClassVar[int]
    SDP_FIELD_NUMBER: _ClassVar[int]
    ICE_CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    to_user_id: str
    sdp: SessionDescription
    ice_candidate: IceCandidate
    def __init__(self, session_id: _Optional[str] = ..., to_user_id: _Optional[str] = ..., sdp: _Optional[_Union[SessionDescription, _Mapping]] = ..., ice_candidate: _Optional[_Union[IceCandidate, _Mapping]] = ...) -> None: ...

class SendSignalResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetIceServersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetIceServersResponse(_message.Message):
    __slots__ = ("ice_servers", "expires_at")
    ICE_SERVERS_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    ice_servers: _containers.RepeatedCompositeFieldContainer[IceServer]
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, ice_servers: _Optional[_Iterable[_Union[IceServer, _Mapping]]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
