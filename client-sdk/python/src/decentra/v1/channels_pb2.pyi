import datetime

from decentra.v1 import users_pb2 as _users_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ChannelType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_TYPE_UNSPECIFIED: _ClassVar[ChannelType]
    CHANNEL_TYPE_TEXT: _ClassVar[ChannelType]
    CHANNEL_TYPE_VOICE: _ClassVar[ChannelType]
    CHANNEL_TYPE_CATEGORY: _ClassVar[ChannelType]
    CHANNEL_TYPE_DM: _ClassVar[ChannelType]
    CHANNEL_TYPE_GROUP_DM: _ClassVar[ChannelType]

class OverwriteTargetType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OVERWRITE_TARGET_TYPE_UNSPECIFIED: _ClassVar[OverwriteTargetType]
    OVERWRITE_TARGET_TYPE_ROLE: _ClassVar[OverwriteTargetType]
    OVERWRITE_TARGET_TYPE_MEMBER: _ClassVar[OverwriteTargetType]
CHANNEL_TYPE_UNSPECIFIED: ChannelType
CHANNEL_TYPE_TEXT: ChannelType
CHANNEL_TYPE_VOICE: ChannelType
CHANNEL_TYPE_CATEGORY: ChannelType
CHANNEL_TYPE_DM: ChannelType
CHANNEL_TYPE_GROUP_DM: ChannelType
OVERWRITE_TARGET_TYPE_UNSPECIFIED: OverwriteTargetType
OVERWRITE_TARGET_TYPE_ROLE: OverwriteTargetType
OVERWRITE_TARGET_TYPE_MEMBER: OverwriteTargetType

class PermissionOverwrite(_message.Message):
    __slots__ = ("target_id", "target_type", "allow", "deny")
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_TYPE_FIELD_NUMBER: _ClassVar[int]
    ALLOW_FIELD_NUMBER: _ClassVar[int]
    DENY_FIELD_NUMBER: _ClassVar[int]
    target_id: str
    target_type: OverwriteTargetType
    allow: int
    deny: int
    def __init__(self, target_id: _Optional[str] = ..., target_type: _Optional[_Union[OverwriteTargetType, str]] = ..., allow: _Optional[int] = ..., deny: _Optional[int] = ...) -> None: ...

class Channel(_message.Message):
    __slots__ = ("id", "server_id", "type", "name", "parent_id", "position", "topic", "last_message_id", "permission_overwrites", "recipients", "owner_id", "icon_url", "user_limit", "bitrate", "rate_limit_per_user", "created_at", "last_pin_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    LAST_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_OVERWRITES_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    ICON_URL_FIELD_NUMBER: _ClassVar[int]
    USER_LIMIT_FIELD_NUMBER: _ClassVar[int]
    BITRATE_FIELD_NUMBER: _ClassVar[int]
    RATE_LIMIT_PER_USER_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_PIN_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    server_id: str
    type: ChannelType
    name: str
    parent_id: str
    position: int
    topic: str
    last_message_id: str
    permission_overwrites: _containers.RepeatedCompositeFieldContainer[PermissionOverwrite]
    recipients: _containers.RepeatedCompositeFieldContainer[_users_pb2.User]
    owner_id: str
    icon_url: str
    user_limit: int
    bitrate: int
    rate_limit_per_user: int
    created_at: _timestamp_pb2.Timestamp
    last_pin_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., server_id: _Optional[str] = ..., type: _Optional[_Union[ChannelType, str]] = ..., name: _Optional[str] = ..., parent_id: _Optional[str] = ..., position: _Optional[int] = ..., topic: _Optional[str] = ..., last_message_id: _Optional[str] = ..., permission_overwrites: _Optional[_Iterable[_Union[PermissionOverwrite, _Mapping]]] = ..., recipients: _Optional[_Iterable[_Union[_users_pb2.User, _Mapping]]] = ..., owner_id: _Optional[str] = ..., icon_url: _Optional[str] = ..., user_limit: _Optional[int] = ..., bitrate: _Optional[int] = ..., rate_limit_per_user: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_pin_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ChannelPosition(_message.Message):
    __slots__ = ("channel_id", "position", "parent_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    position: int
    parent_id: str
    def __init__(self, channel_id: _Optional[str] = ..., position: _Optional[int] = ..., parent_id: _Optional[str] = ...) -> None: ...

class CreateChannelRequest(_message.Message):
    __slots__ = ("server_id", "name", "type", "parent_id", "topic", "position", "permission_overwrites", "user_limit", "bitrate", "rate_limit_per_user")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_OVERWRITES_FIELD_NUMBER: _ClassVar[int]
    USER_LIMIT_FIELD_NUMBER: _ClassVar[int]
    BITRATE_FIELD_NUMBER: _ClassVar[int]
    RATE_LIMIT_PER_USER_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    name: str
    type: ChannelType
    parent_id: str
    topic: str
    position: int
    permission_overwrites: _containers.RepeatedCompositeFieldContainer[PermissionOverwrite]
    user_limit: int
    bitrate: int
    rate_limit_per_user: int
    def __init__(self, server_id: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[_Union[ChannelType, str]] = ..., parent_id: _Optional[str] = ..., topic: _Optional[str] = ..., position: _Optional[int] = ..., permission_overwrites: _Optional[_Iterable[_Union[PermissionOverwrite, _Mapping]]] = ..., user_limit: _Optional[int] = ..., bitrate: _Optional[int] = ..., rate_limit_per_user: _Optional[int] = ...) -> None: ...

class CreateChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class GetChannelRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class GetChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class UpdateChannelRequest(_message.Message):
    __slots__ = ("channel_id", "name", "topic", "parent_id", "position", "user_limit", "bitrate", "rate_limit_per_user", "icon_url", "sync_permissions")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    USER_LIMIT_FIELD_NUMBER: _ClassVar[int]
    BITRATE_FIELD_NUMBER: _ClassVar[int]
    RATE_LIMIT_PER_USER_FIELD_NUMBER: _ClassVar[int]
    ICON_URL_FIELD_NUMBER: _ClassVar[int]
    SYNC_PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    name: str
    topic: str
    parent_id: str
    position: int
    user_limit: int
    bitrate: int
    rate_limit_per_user: int
    icon_url: str
    sync_permissions: bool
    def __init__(self, channel_id: _Optional[str] = ..., name: _Optional[str] = ..., topic: _Optional[str] = ..., parent_id: _Optional[str] = ..., position: _Optional[int] = ..., user_limit: _Optional[int] = ..., bitrate: _Optional[int] = ..., rate_limit_per_user: _Optional[int] = ..., icon_url: _Optional[str] = ..., sync_permissions: _Optional[bool] = ...) -> None: ...

class UpdateChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class DeleteChannelRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class DeleteChannelResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListChannelsRequest(_message.Message):
    __slots__ = ("server_id",)
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    def __init__(self, server_id: _Optional[str] = ...) -> None: ...

class ListChannelsResponse(_message.Message):
    __slots__ = ("channels",)
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ...) -> None: ...

class ReorderChannelsRequest(_message.Message):
    __slots__ = ("server_id", "positions")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    positions: _containers.RepeatedCompositeFieldContainer[ChannelPosition]
    def __init__(self, server_id: _Optional[str] = ..., positions: _Optional[_Iterable[_Union[ChannelPosition, _Mapping]]] = ...) -> None: ...

class ReorderChannelsResponse(_message.Message):
    __slots__ = ("channels",)
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ...) -> None: ...

class SetPermissionOverwriteRequest(_message.Message):
    __slots__ = ("channel_id", "target_id", "target_type", "allow", "deny")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_TYPE_FIELD_NUMBER: _ClassVar[int]
    ALLOW_FIELD_NUMBER: _ClassVar[int]
    DENY_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    target_id: str
    target_type: OverwriteTargetType
    allow: int
    deny: int
    def __init__(self, channel_id: _Optional[str] = ..., target_id: _Optional[str] = ..., target_type: _Optional[_Union[OverwriteTargetType, str]] = ..., allow: _Optional[int] = ..., deny: _Optional[int] = ...) -> None: ...

class SetPermissionOverwriteResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class DeletePermissionOverwriteRequest(_message.Message):
    __slots__ = ("channel_id", "target_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    target_id: str
    def __init__(self, channel_id: _Optional[str] = ..., target_id: _Optional[str] = ...) -> None: ...

class DeletePermissionOverwriteResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class GetEffectivePermissionsRequest(_message.Message):
    __slots__ = ("channel_id", "user_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    user_id: str
    def __init__(self, channel_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class GetEffectivePermissionsResponse(_message.Message):
    __slots__ = ("permissions",)
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    permissions: int
    def __init__(self, permissions: _Optional[int] = ...) -> None: ...

class OpenDirectMessageRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class OpenDirectMessageResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class CreateGroupDmRequest(_message.Message):
    __slots__ = ("user_ids", "name")
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    user_ids: _containers.RepeatedScalarFieldContainer[str]
    name: str
    def __init__(self, user_ids: _Optional[_Iterable[str]] = ..., name: _Optional[str] = ...) -> None: ...

class CreateGroupDmResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class AddGroupDmMemberRequest(_message.Message):
    __slots__ = ("channel_id", "user_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    user_id: str
    def __init__(self, channel_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class AddGroupDmMemberResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class RemoveGroupDmMemberRequest(_message.Message):
    __slots__ = ("channel_id", "user_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    user_id: str
    def __init__(self, channel_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class RemoveGroupDmMemberResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class LeaveGroupDmRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class LeaveGroupDmResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPrivateChannelsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPrivateChannelsResponse(_message.Message):
    __slots__ = ("channels",)
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ...) -> None: ...
