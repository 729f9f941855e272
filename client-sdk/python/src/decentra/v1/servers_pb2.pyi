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

class AuditLogAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AUDIT_LOG_ACTION_UNSPECIFIED: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_SERVER_UPDATE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_OWNERSHIP_TRANSFER: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_CHANNEL_CREATE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_CHANNEL_UPDATE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_CHANNEL_DELETE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_CHANNEL_OVERWRITE_UPDATE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_CHANNEL_OVERWRITE_DELETE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_MEMBER_KICK: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_MEMBER_BAN_ADD: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_MEMBER_BAN_REMOVE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_MEMBER_UPDATE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_MEMBER_ROLE_UPDATE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_MEMBER_VOICE_MOVE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_ROLE_CREATE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_ROLE_UPDATE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_ROLE_DELETE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_INVITE_CREATE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_INVITE_DELETE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_MESSAGE_DELETE: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_MESSAGE_PIN: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_MESSAGE_UNPIN: _ClassVar[AuditLogAction]
    AUDIT_LOG_ACTION_BOT_ADD: _ClassVar[AuditLogAction]
AUDIT_LOG_ACTION_UNSPECIFIED: AuditLogAction
AUDIT_LOG_ACTION_SERVER_UPDATE: AuditLogAction
AUDIT_LOG_ACTION_OWNERSHIP_TRANSFER: AuditLogAction
AUDIT_LOG_ACTION_CHANNEL_CREATE: AuditLogAction
AUDIT_LOG_ACTION_CHANNEL_UPDATE: AuditLogAction
AUDIT_LOG_ACTION_CHANNEL_DELETE: AuditLogAction
AUDIT_LOG_ACTION_CHANNEL_OVERWRITE_UPDATE: AuditLogAction
AUDIT_LOG_ACTION_CHANNEL_OVERWRITE_DELETE: AuditLogAction
AUDIT_LOG_ACTION_MEMBER_KICK: AuditLogAction
AUDIT_LOG_ACTION_MEMBER_BAN_ADD: AuditLogAction
AUDIT_LOG_ACTION_MEMBER_BAN_REMOVE: AuditLogAction
AUDIT_LOG_ACTION_MEMBER_UPDATE: AuditLogAction
AUDIT_LOG_ACTION_MEMBER_ROLE_UPDATE: AuditLogAction
AUDIT_LOG_ACTION_MEMBER_VOICE_MOVE: AuditLogAction
AUDIT_LOG_ACTION_ROLE_CREATE: AuditLogAction
AUDIT_LOG_ACTION_ROLE_UPDATE: AuditLogAction
AUDIT_LOG_ACTION_ROLE_DELETE: AuditLogAction
AUDIT_LOG_ACTION_INVITE_CREATE: AuditLogAction
AUDIT_LOG_ACTION_INVITE_DELETE: AuditLogAction
AUDIT_LOG_ACTION_MESSAGE_DELETE: AuditLogAction
AUDIT_LOG_ACTION_MESSAGE_PIN: AuditLogAction
AUDIT_LOG_ACTION_MESSAGE_UNPIN: AuditLogAction
AUDIT_LOG_ACTION_BOT_ADD: AuditLogAction

class Server(_message.Message):
    __slots__ = ("id", "name", "owner_id", "icon_url", "description", "member_count", "created_at", "system_channel_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    ICON_URL_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MEMBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    owner_id: str
    icon_url: str
    description: str
    member_count: int
    created_at: _timestamp_pb2.Timestamp
    system_channel_id: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., owner_id: _Optional[str] = ..., icon_url: _Optional[str] = ..., description: _Optional[str] = ..., member_count: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., system_channel_id: _Optional[str] = ...) -> None: ...

class Member(_message.Message):
    __slots__ = ("user", "server_id", "nickname", "role_ids", "joined_at", "server_mute", "server_deaf")
    USER_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    NICKNAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_IDS_FIELD_NUMBER: _ClassVar[int]
    JOINED_AT_FIELD_NUMBER: _ClassVar[int]
    SERVER_MUTE_FIELD_NUMBER: _ClassVar[int]
    SERVER_DEAF_FIELD_NUMBER: _ClassVar[int]
    user: _users_pb2.User
    server_id: str
    nickname: str
    role_ids: _containers.RepeatedScalarFieldContainer[str]
    joined_at: _timestamp_pb2.Timestamp
    server_mute: bool
    server_deaf: bool
    def __init__(self, user: _Optional[_Union[_users_pb2.User, _Mapping]] = ..., server_id: _Optional[str] = ..., nickname: _Optional[str] = ..., role_ids: _Optional[_Iterable[str]] = ..., joined_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., server_mute: _Optional[bool] = ..., server_deaf: _Optional[bool] = ...) -> None: ...

class Ban(_message.Message):
    __slots__ = ("server_id", "user", "reason", "banned_by_id", "created_at")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    BANNED_BY_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user: _users_pb2.User
    reason: str
    banned_by_id: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, server_id: _Optional[str] = ..., user: _Optional[_Union[_users_pb2.User, _Mapping]] = ..., reason: _Optional[str] = ..., banned_by_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AuditLogChange(_message.Message):
    __slots__ = ("key", "old_value", "new_value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    old_value: str
    new_value: str
    def __init__(self, key: _Optional[str] = ..., old_value: _Optional[str] = ..., new_value: _Optional[str] = ...) -> None: ...

class AuditLogEntry(_message.Message):
    __slots__ = ("id", "server_id", "action", "actor_id", "target_id", "reason", "created_at", "changes")
    ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    id: str
    server_id: str
    action: AuditLogAction
    actor_id: str
    target_id: str
    reason: str
    created_at: _timestamp_pb2.Timestamp
    changes: _containers.RepeatedCompositeFieldContainer[AuditLogChange]
    def __init__(self, id: _Optional[str] = ..., server_id: _Optional[str] = ..., action: _Optional[_Union[AuditLogAction, str]] = ..., actor_id: _Optional[str] = ..., target_id: _Optional[str] = ..., reason: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changes: _Optional[_Iterable[_Union[AuditLogChange, _Mapping]]] = ...) -> None: ...

class CreateServerRequest(_message.Message):
    __slots__ = ("name", "icon_url", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ICON_URL_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    icon_url: str
    description: str
    def __init__(self, name: _Optional[str] = ..., icon_url: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class CreateServerResponse(_message.Message):
    __slots__ = ("server",)
    SERVER_FIELD_NUMBER: _ClassVar[int]
    server: Server
    def __init__(self, server: _Optional[_Union[Server, _Mapping]] = ...) -> None: ...

class GetServerRequest(_message.Message):
    __slots__ = ("server_id",)
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    def __init__(self, server_id: _Optional[str] = ...) -> None: ...

class GetServerResponse(_message.Message):
    __slots__ = ("server",)
    SERVER_FIELD_NUMBER: _ClassVar[int]
    server: Server
    def __init__(self, server: _Optional[_Union[Server, _Mapping]] = ...) -> None: ...

class UpdateServerRequest(_message.Message):
    __slots__ = ("server_id", "name", "icon_url", "description", "system_channel_id", "icon_data")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ICON_URL_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    ICON_DATA_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    name: str
    icon_url: str
    description: str
    system_channel_id: str
    icon_data: bytes
    def __init__(self, server_id: _Optional[str] = ..., name: _Optional[str] = ..., icon_url: _Optional[str] = ..., description: _Optional[str] = ..., system_channel_id: _Optional[str] = ..., icon_data: _Optional[bytes] = ...) -> None: ...

class UpdateServerResponse(_message.Message):
    __slots__ = ("server",)
    SERVER_FIELD_NUMBER: _ClassVar[int]
    server: Server
    def __init__(self, server: _Optional[_Union[Server, _Mapping]] = ...) -> None: ...

class DeleteServerRequest(_message.Message):
    __slots__ = ("server_id",)
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    def __init__(self, server_id: _Optional[str] = ...) -> None: ...

class DeleteServerResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListServersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListServersResponse(_message.Message):
    __slots__ = ("servers",)
    SERVERS_FIELD_NUMBER: _ClassVar[int]
    servers: _containers.RepeatedCompositeFieldContainer[Server]
    def __init__(self, servers: _Optional[_Iterable[_Union[Server, _Mapping]]] = ...) -> None: ...

class LeaveServerRequest(_message.Message):
    __slots__ = ("server_id",)
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    def __init__(self, server_id: _Optional[str] = ...) -> None: ...

class LeaveServerResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TransferOwnershipRequest(_message.Message):
    __slots__ = ("server_id", "new_owner_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    NEW_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    new_owner_id: str
    def __init__(self, server_id: _Optional[str] = ..., new_owner_id: _Optional[str] = ...) -> None: ...

class TransferOwnershipResponse(_message.Message):
    __slots__ = ("server",)
    SERVER_FIELD_NUMBER: _ClassVar[int]
    server: Server
    def __init__(self, server: _Optional[_Union[Server, _Mapping]] = ...) -> None: ...

class ListMembersRequest(_message.Message):
    __slots__ = ("server_id", "page_size", "page_token", "query")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    page_size: int
    page_token: str
    query: str
    def __init__(self, server_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ...) -> None: ...

class ListMembersResponse(_message.Message):
    __slots__ = ("members", "next_page_token")
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedCompositeFieldContainer[Member]
    next_page_token: str
    def __init__(self, members: _Optional[_Iterable[_Union[Member, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetMemberRequest(_message.Message):
    __slots__ = ("server_id", "user_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user_id: str
    def __init__(self, server_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class GetMemberResponse(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: Member
    def __init__(self, member: _Optional[_Union[Member, _Mapping]] = ...) -> None: ...

class UpdateMemberRequest(_message.Message):
    __slots__ = ("server_id", "user_id", "nickname", "server_mute", "server_deaf", "voice_channel_id", "reason")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    NICKNAME_FIELD_NUMBER: _ClassVar[int]
    SERVER_MUTE_FIELD_NUMBER: _ClassVar[int]
    SERVER_DEAF_FIELD_NUMBER: _ClassVar[int]
    VOICE_CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user_id: str
    nickname: str
    server_mute: bool
    server_deaf: bool
    voice_channel_id: str
    reason: str
    def __init__(self, server_id: _Optional[str] = ..., user_id: _Optional[str] = ..., nickname: _Optional[str] = ..., server_mute: _Optional[bool] = ..., server_deaf: _Optional[bool] = ..., voice_channel_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class UpdateMemberResponse(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: Member
    def __init__(self, member: _Optional[_Union[Member, _Mapping]] = ...) -> None: ...

class KickMemberRequest(_message.Message):
    __slots__ = ("server_id", "user_id", "reason")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user_id: str
    reason: str
    def __init__(self, server_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class KickMemberResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class BanMemberRequest(_message.Message):
    __slots__ = ("server_id", "user_id", "reason", "delete_message_seconds")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DELETE_MESSAGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user_id: str
    reason: str
    delete_message_seconds: int
    def __init__(self, server_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[str] = ..., delete_message_seconds: _Optional[int] = ...) -> None: ...

class BanMemberResponse(_message.Message):
    __slots__ = ("ban",)
    BAN_FIELD_NUMBER: _ClassVar[int]
    ban: Ban
    def __init__(self, ban: _Optional[_Union[Ban, _Mapping]] = ...) -> None: ...

class UnbanMemberRequest(_message.Message):
    __slots__ = ("server_id", "user_id", "reason")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user_id: str
    reason: str
    def __init__(self, server_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class UnbanMemberResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListBansRequest(_message.Message):
    __slots__ = ("server_id", "page_size", "page_token")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    page_size: int
    page_token: str
    def __init__(self, server_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBansResponse(_message.Message):
    __slots__ = ("bans", "next_page_token")
    BANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    bans: _containers.RepeatedCompositeFieldContainer[Ban]
    next_page_token: str
    def __init__(self, bans: _Optional[_Iterable[_Union[Ban, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListAuditLogRequest(_message.Message):
    __slots__ = ("server_id", "page_size", "page_token", "action", "actor_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    page_size: int
    page_token: str
    action: AuditLogAction
    actor_id: str
    def __init__(self, server_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., action: _Optional[_Union[AuditLogAction, str]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ListAuditLogResponse(_message.Message):
    __slots__ = ("entries", "users", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    USERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AuditLogEntry]
    users: _containers.RepeatedCompositeFieldContainer[_users_pb2.User]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[AuditLogEntry, _Mapping]]] = ..., users: _Optional[_Iterable[_Union[_users_pb2.User, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
