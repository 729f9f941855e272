import datetime

from decentra.v1 import channels_pb2 as _channels_pb2
from decentra.v1 import invites_pb2 as _invites_pb2
from decentra.v1 import messages_pb2 as _messages_pb2
from decentra.v1 import relationships_pb2 as _relationships_pb2
from decentra.v1 import roles_pb2 as _roles_pb2
from decentra.v1 import servers_pb2 as _servers_pb2
from decentra.v1 import users_pb2 as _users_pb2
from decentra.v1 import voice_pb2 as _voice_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubscribeRequest(_message.Message):
    __slots__ = ("resume_cursor",)
    RESUME_CURSOR_FIELD_NUMBER: _ClassVar[int]
    resume_cursor: str
    def __init__(self, resume_cursor: _Optional[str] = ...) -> None: ...

class SubscribeResponse(_message.Message):
    __slots__ = ("cursor", "ready", "resumed", "resync_required", "heartbeat", "message_created", "message_updated", "message_deleted", "reaction_added", "reaction_removed", "message_pinned", "message_unpinned", "typing_started", "read_state_updated", "presence_updated", "user_updated", "server_created", "server_updated", "server_deleted", "channel_created", "channel_updated", "channel_deleted", "role_created", "role_updated", "role_deleted", "member_added", "member_updated", "member_removed", "invite_created", "invite_deleted", "ban_added", "ban_removed", "relationship_updated", "relationship_removed", "voice_state_updated", "voice_state_removed", "voice_signal", "call_ringing", "call_updated", "call_ended")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    READY_FIELD_NUMBER: _ClassVar[int]
    RESUMED_FIELD_NUMBER: _ClassVar[int]
    RESYNC_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_CREATED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_UPDATED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_DELETED_FIELD_NUMBER: _ClassVar[int]
    REACTION_ADDED_FIELD_NUMBER: _ClassVar[int]
    REACTION_REMOVED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_PINNED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_UNPINNED_FIELD_NUMBER: _ClassVar[int]
    TYPING_STARTED_FIELD_NUMBER: _ClassVar[int]
    READ_STATE_UPDATED_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_UPDATED_FIELD_NUMBER: _ClassVar[int]
    USER_UPDATED_FIELD_NUMBER: _ClassVar[int]
    SERVER_CREATED_FIELD_NUMBER: _ClassVar[int]
    SERVER_UPDATED_FIELD_NUMBER: _ClassVar[int]
    SERVER_DELETED_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_CREATED_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_UPDATED_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_DELETED_FIELD_NUMBER: _ClassVar[int]
    ROLE_CREATED_FIELD_NUMBER: _ClassVar[int]
    ROLE_UPDATED_FIELD_NUMBER: _ClassVar[int]
    ROLE_DELETED_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ADDED_FIELD_NUMBER: _ClassVar[int]
    MEMBER_UPDATED_FIELD_NUMBER: _ClassVar[int]
    MEMBER_REMOVED_FIELD_NUMBER: _ClassVar[int]
    INVITE_CREATED_FIELD_NUMBER: _ClassVar[int]
    INVITE_DELETED_FIELD_NUMBER: _ClassVar[int]
    BAN_ADDED_FIELD_NUMBER: _ClassVar[int]
    BAN_REMOVED_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_UPDATED_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_REMOVED_FIELD_NUMBER: _ClassVar[int]
    VOICE_STATE_UPDATED_FIELD_NUMBER: _ClassVar[int]
    VOICE_STATE_REMOVED_FIELD_NUMBER: _ClassVar[int]
    VOICE_SIGNAL_FIELD_NUMBER: _ClassVar[int]
    CALL_RINGING_FIELD_NUMBER: _ClassVar[int]
    CALL_UPDATED_FIELD_NUMBER: _ClassVar[int]
    CALL_ENDED_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    ready: ReadyEvent
    resumed: ResumedEvent
    resync_required: ResyncRequiredEvent
    heartbeat: HeartbeatEvent
    message_created: MessageCreatedEvent
    message_updated: MessageUpdatedEvent
    message_deleted: MessageDeletedEvent
    reaction_added: ReactionAddedEvent
    reaction_removed: ReactionRemovedEvent
    message_pinned: MessagePinnedEvent
    message_unpinned: MessageUnpinnedEvent
    typing_started: TypingStartedEvent
    read_state_updated: ReadStateUpdatedEvent
    presence_updated: PresenceUpdatedEvent
    user_updated: UserUpdatedEvent
    server_created: ServerCreatedEvent
    server_updated: ServerUpdatedEvent
    server_deleted: ServerDeletedEvent
    channel_created: ChannelCreatedEvent
    channel_updated: ChannelUpdatedEvent
    channel_deleted: ChannelDeletedEvent
    role_created: RoleCreatedEvent
    role_updated: RoleUpdatedEvent
    role_deleted: RoleDeletedEvent
    member_added: MemberAddedEvent
    member_updated: MemberUpdatedEvent
    member_removed: MemberRemovedEvent
    invite_created: InviteCreatedEvent
    invite_deleted: InviteDeletedEvent
    ban_added: BanAddedEvent
    ban_removed: BanRemovedEvent
    relationship_updated: RelationshipUpdatedEvent
    relationship_removed: RelationshipRemovedEvent
    voice_state_updated: VoiceStateUpdatedEvent
    voice_state_removed: VoiceStateRemovedEvent
    voice_signal: VoiceSignalEvent
    call_ringing: CallRingingEvent
    call_updated: CallUpdatedEvent
    call_ended: CallEndedEvent
    def __init__(self, cursor: _Optional[str] = ..., ready: _Optional[_Union[ReadyEvent, _Mapping]] = ..., resumed: _Optional[_Union[ResumedEvent, _Mapping]] = ..., resync_required: _Optional[_Union[ResyncRequiredEvent, _Mapping]] = ..., heartbeat: _Optional[_Union[HeartbeatEvent, _Mapping]] = ..., message_created: _Optional[_Union[MessageCreatedEvent, _Mapping]] = ..., message_updated: _Optional[_Union[MessageUpdatedEvent, _Mapping]] = ..., message_deleted: _Optional[_Union[MessageDeletedEvent, _Mapping]] = ..., reaction_added: _Optional[_Union[ReactionAddedEvent, _Mapping]] = ..., reaction_removed: _Optional[_Union[ReactionRemovedEvent, _Mapping]] = ..., message_pinned: _Optional[_Union[MessagePinnedEvent, _Mapping]] = ..., message_unpinned: _Optional[_Union[MessageUnpinnedEvent, _Mapping]] = ..., typing_started: _Optional[_Union[TypingStartedEvent, _Mapping]] = ..., read_state_updated: _Optional[_Union[ReadStateUpdatedEvent, _Mapping]] = ..., presence_updated: _Optional[_Union[PresenceUpdatedEvent, _Mapping]] = ..., user_updated: _Optional[_Union[UserUpdatedEvent, _Mapping]] = ..., server_created: _Optional[_Union[ServerCreatedEvent, _Mapping]] = ..., server_updated: _Optional[_Union[ServerUpdatedEvent, _Mapping]] = ..., server_deleted: _Optional[_Union[ServerDeletedEvent, _Mapping]] = ..., channel_created: _Optional[_Union[ChannelCreatedEvent, _Mapping]] = ..., channel_updated: _Optional[_Union[ChannelUpdatedEvent, _Mapping]] = ..., channel_deleted: _Optional[_Union[ChannelDeletedEvent, _Mapping]] = ..., role_created: _Optional[_Union[RoleCreatedEvent, _Mapping]] = ..., role_updated: _Optional[_Union[RoleUpdatedEvent, _Mapping]] = ..., role_deleted: _Optional[_Union[RoleDeletedEvent, _Mapping]] = ..., member_added: _Optional[_Union[MemberAddedEvent, _Mapping]] = ..., member_updated: _Optional[_Union[MemberUpdatedEvent, _Mapping]] = ..., member_removed: _Optional[_Union[MemberRemovedEvent, _Mapping]] = ..., invite_created: _Optional[_Union[InviteCreatedEvent, _Mapping]] = ..., invite_deleted: _Optional[_Union[InviteDeletedEvent, _Mapping]] = ..., ban_added: _Optional[_Union[BanAddedEvent, _Mapping]] = ..., ban_removed: _Optional[_Union[BanRemovedEvent, _Mapping]] = ..., relationship_updated: _Optional[_Union[RelationshipUpdatedEvent, _Mapping]] = ..., relationship_removed: _Optional[_Union[RelationshipRemovedEvent, _Mapping]] = ..., voice_state_updated: _Optional[_Union[VoiceStateUpdatedEvent, _Mapping]] = ..., voice_state_removed: _Optional[_Union[VoiceStateRemovedEvent, _Mapping]] = ..., voice_signal: _Optional[_Union[VoiceSignalEvent, _Mapping]] = ..., call_ringing: _Optional[_Union[CallRingingEvent, _Mapping]] = ..., call_updated: _Optional[_Union[CallUpdatedEvent, _Mapping]] = ..., call_ended: _Optional[_Union[CallEndedEvent, _Mapping]] = ...) -> None: ...

class ServerSnapshot(_message.Message):
    __slots__ = ("server", "channels", "roles", "self_member", "voice_states", "presences")
    SERVER_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    SELF_MEMBER_FIELD_NUMBER: _ClassVar[int]
    VOICE_STATES_FIELD_NUMBER: _ClassVar[int]
    PRESENCES_FIELD_NUMBER: _ClassVar[int]
    server: _servers_pb2.Server
    channels: _containers.RepeatedCompositeFieldContainer[_channels_pb2.Channel]
    roles: _containers.RepeatedCompositeFieldContainer[_roles_pb2.Role]
    self_member: _servers_pb2.Member
    voice_states: _containers.RepeatedCompositeFieldContainer[_voice_pb2.VoiceState]
    presences: _containers.RepeatedCompositeFieldContainer[_users_pb2.Presence]
    def __init__(self, server: _Optional[_Union[_servers_pb2.Server, _Mapping]] = ..., channels: _Optional[_Iterable[_Union[_channels_pb2.Channel, _Mapping]]] = ..., roles: _Optional[_Iterable[_Union[_roles_pb2.Role, _Mapping]]] = ..., self_member: _Optional[_Union[_servers_pb2.Member, _Mapping]] = ..., voice_states: _Optional[_Iterable[_Union[_voice_pb2.VoiceState, _Mapping]]] = ..., presences: _Optional[_Iterable[_Union[_users_pb2.Presence, _Mapping]]] = ...) -> None: ...

class ReadyEvent(_message.Message):
    __slots__ = ("user", "servers", "private_channels", "relationships", "read_states", "presences", "private_voice_states", "calls", "self_presence", "heartbeat_interval_seconds", "session_id")
    USER_FIELD_NUMBER: _ClassVar[int]
    SERVERS_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_CHANNELS_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIPS_FIELD_NUMBER: _ClassVar[int]
    READ_STATES_FIELD_NUMBER: _ClassVar[int]
    PRESENCES_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_VOICE_STATES_FIELD_NUMBER: _ClassVar[int]
    CALLS_FIELD_NUMBER: _ClassVar[int]
    SELF_PRESENCE_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    user: _users_pb2.User
    servers: _containers.RepeatedCompositeFieldContainer[ServerSnapshot]
    private_channels: _containers.RepeatedCompositeFieldContainer[_channels_pb2.Channel]
    relationships: _containers.RepeatedCompositeFieldContainer[_relationships_pb2.Relationship]
    read_states: _containers.RepeatedCompositeFieldContainer[_messages_pb2.ReadState]
    presences: _containers.RepeatedCompositeFieldContainer[_users_pb2.Presence]
    private_voice_states: _containers.RepeatedCompositeFieldContainer[_voice_pb2.VoiceState]
    calls: _containers.RepeatedCompositeFieldContainer[_voice_pb2.Call]
    self_presence: _users_pb2.Presence
    heartbeat_interval_seconds: int
    session_id: str
    def __init__(self, user: _Optional[_Union[_users_pb2.User, _Mapping]] = ..., servers: _Optional[_Iterable[_Union[ServerSnapshot, _Mapping]]] = ..., private_channels: _Optional[_Iterable[_Union[_channels_pb2.Channel, _Mapping]]] = ..., relationships: _Optional[_Iterable[_Union[_relationships_pb2.Relationship, _Mapping]]] = ..., read_states: _Optional[_Iterable[_Union[_messages_pb2.ReadState, _Mapping]]] = ..., presences: _Optional[_Iterable[_Union[_users_pb2.Presence, _Mapping]]] = ..., private_voice_states: _Optional[_Iterable[_Union[_voice_pb2.VoiceState, _Mapping]]] = ..., calls: _Optional[_Iterable[_Union[_voice_pb2.Call, _Mapping]]] = ..., self_presence: _Optional[_Union[_users_pb2.Presence, _Mapping]] = ..., heartbeat_interval_seconds: _Optional[int] = ..., session_id: _Optional[str] = ...) -> None: ...

class ResumedEvent(_message.Message):
    __slots__ = ("replayed",)
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    replayed: int
    def __init__(self, replayed: _Optional[int] = ...) -> None: ...

class ResyncRequiredEvent(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class HeartbeatEvent(_message.Message):
    __slots__ = ("server_time",)
    SERVER_TIME_FIELD_NUMBER: _ClassVar[int]
    server_time: _timestamp_pb2.Timestamp
    def __init__(self, server_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MessageCreatedEvent(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _messages_pb2.Message
    def __init__(self, message: _Optional[_Union[_messages_pb2.Message, _Mapping]] = ...) -> None: ...

class MessageUpdatedEvent(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _messages_pb2.Message
    def __init__(self, message: _Optional[_Union[_messages_pb2.Message, _Mapping]] = ...) -> None: ...

class MessageDeletedEvent(_message.Message):
    __slots__ = ("channel_id", "message_id", "server_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    server_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ..., server_id: _Optional[str] = ...) -> None: ...

class ReactionAddedEvent(_message.Message):
    __slots__ = ("channel_id", "message_id", "user_id", "emoji", "server_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMOJI_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    user_id: str
    emoji: str
    server_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ..., user_id: _Optional[str] = ..., emoji: _Optional[str] = ..., server_id: _Optional[str] = ...) -> None: ...

class ReactionRemovedEvent(_message.Message):
    __slots__ = ("channel_id", "message_id", "user_id", "emoji", "server_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMOJI_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    user_id: str
    emoji: str
    server_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ..., user_id: _Optional[str] = ..., emoji: _Optional[str] = ..., server_id: _Optional[str] = ...) -> None: ...

class MessagePinnedEvent(_message.Message):
    __slots__ = ("channel_id", "message_id", "pinned_by_id", "server_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PINNED_BY_ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    pinned_by_id: str
    server_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ..., pinned_by_id: _Optional[str] = ..., server_id: _Optional[str] = ...) -> None: ...

class MessageUnpinnedEvent(_message.Message):
    __slots__ = ("channel_id", "message_id", "unpinned_by_id", "server_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    UNPINNED_BY_ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    unpinned_by_id: str
    server_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ..., unpinned_by_id: _Optional[str] = ..., server_id: _Optional[str] = ...) -> None: ...

class TypingStartedEvent(_message.Message):
    __slots__ = ("channel_id", "user_id", "server_id", "expires_at")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    user_id: str
    server_id: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, channel_id: _Optional[str] = ..., user_id: _Optional[str] = ..., server_id: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReadStateUpdatedEvent(_message.Message):
    __slots__ = ("read_state",)
    READ_STATE_FIELD_NUMBER: _ClassVar[int]
    read_state: _messages_pb2.ReadState
    def __init__(self, read_state: _Optional[_Union[_messages_pb2.ReadState, _Mapping]] = ...) -> None: ...

class PresenceUpdatedEvent(_message.Message):
    __slots__ = ("presence",)
    PRESENCE_FIELD_NUMBER: _ClassVar[int]
    presence: _users_pb2.Presence
    def __init__(self, presence: _Optional[_Union[_users_pb2.Presence, _Mapping]] = ...) -> None: ...

class UserUpdatedEvent(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: _users_pb2.User
    def __init__(self, user: _Optional[_Union[_users_pb2.User, _Mapping]] = ...) -> None: ...

class ServerCreatedEvent(_message.Message):
    __slots__ = ("snapshot",)
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    snapshot: ServerSnapshot
    def __init__(self, snapshot: _Optional[_Union[ServerSnapshot, _Mapping]] = ...) -> None: ...

class ServerUpdatedEvent(_message.Message):
    __slots__ = ("server",)
    SERVER_FIELD_NUMBER: _ClassVar[int]
    server: _servers_pb2.Server
    def __init__(self, server: _Optional[_Union[_servers_pb2.Server, _Mapping]] = ...) -> None: ...

class ServerDeletedEvent(_message.Message):
    __slots__ = ("server_id",)
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    def __init__(self, server_id: _Optional[str] = ...) -> None: ...

class ChannelCreatedEvent(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: _channels_pb2.Channel
    def __init__(self, channel: _Optional[_Union[_channels_pb2.Channel, _Mapping]] = ...) -> None: ...

class ChannelUpdatedEvent(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: _channels_pb2.Channel
    def __init__(self, channel: _Optional[_Union[_channels_pb2.Channel, _Mapping]] = ...) -> None: ...

class ChannelDeletedEvent(_message.Message):
    __slots__ = ("channel_id", "server_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    server_id: str
    def __init__(self, channel_id: _Optional[str] = ..., server_id: _Optional[str] = ...) -> None: ...

class RoleCreatedEvent(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: _roles_pb2.Role
    def __init__(self, role: _Optional[_Union[_roles_pb2.Role, _Mapping]] = ...) -> None: ...

class RoleUpdatedEvent(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: _roles_pb2.Role
    def __init__(self, role: _Optional[_Union[_roles_pb2.Role, _Mapping]] = ...) -> None: ...

class RoleDeletedEvent(_message.Message):
    __slots__ = ("server_id", "role_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    role_id: str
    def __init__(self, server_id: _Optional[str] = ..., role_id: _Optional[str] = ...) -> None: ...

class MemberAddedEvent(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: _servers_pb2.Member
    def __init__(self, member: _Optional[_Union[_servers_pb2.Member, _Mapping]] = ...) -> None: ...

class MemberUpdatedEvent(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: _servers_pb2.Member
    def __init__(self, member: _Optional[_Union[_servers_pb2.Member, _Mapping]] = ...) -> None: ...

class MemberRemovedEvent(_message.Message):
    __slots__ = ("server_id", "user_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user_id: str
    def __init__(self, server_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class InviteCreatedEvent(_message.Message):
    __slots__ = ("invite",)
    INVITE_FIELD_NUMBER: _ClassVar[int]
    invite: _invites_pb2.Invite
    def __init__(self, invite: _Optional[_Union[_invites_pb2.Invite, _Mapping]] = ...) -> None: ...

class InviteDeletedEvent(_message.Message):
    __slots__ = ("server_id", "code")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    code: str
    def __init__(self, server_id: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class BanAddedEvent(_message.Message):
    __slots__ = ("ban",)
    BAN_FIELD_NUMBER: _ClassVar[int]
    ban: _servers_pb2.Ban
    def __init__(self, ban: _Optional[_Union[_servers_pb2.Ban, _Mapping]] = ...) -> None: ...

class BanRemovedEvent(_message.Message):
    __slots__ = ("server_id", "user_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user_id: str
    def __init__(self, server_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class RelationshipUpdatedEvent(_message.Message):
    __slots__ = ("relationship",)
    RELATIONSHIP_FIELD_NUMBER: _ClassVar[int]
    relationship: _relationships_pb2.Relationship
    def __init__(self, relationship: _Optional[_Union[_relationships_pb2.Relationship, _Mapping]] = ...) -> None: ...

class RelationshipRemovedEvent(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class VoiceStateUpdatedEvent(_message.Message):
    __slots__ = ("voice_state",)
    VOICE_STATE_FIELD_NUMBER: _ClassVar[int]
    voice_state: _voice_pb2.VoiceState
    def __init__(self, voice_state: _Optional[_Union[_voice_pb2.VoiceState, _Mapping]] = ...) -> None: ...

class VoiceStateRemovedEvent(_message.Message):
    __slots__ = ("user_id", "channel_id", "server_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    channel_id: str
    server_id: str
    def __init__(self, user_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., server_id: _Optional[str] = ...) -> None: ...

class VoiceSignalEvent(_message.Message):
    __slots__ = ("signal",)
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    signal: _voice_pb2.VoiceSignal
    def __init__(self, signal: _Optional[_Union[_voice_pb2.VoiceSignal, _Mapping]] = ...) -> None: ...

class CallRingingEvent(_message.Message):
    __slots__ = ("call", "channel")
    CALL_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    call: _voice_pb2.Call
    channel: _channels_pb2.Channel
    def __init__(self, call: _Optional[_Union[_voice_pb2.Call, _Mapping]] = ..., channel: _Optional[_Union[_channels_pb2.Channel, _Mapping]] = ...) -> None: ...

class CallUpdatedEvent(_message.Message):
    __slots__ = ("call",)
    CALL_FIELD_NUMBER: _ClassVar[int]
    call: _voice_pb2.Call
    def __init__(self, call: _Optional[_Union[_voice_pb2.Call, _Mapping]] = ...) -> None: ...

class CallEndedEvent(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...
