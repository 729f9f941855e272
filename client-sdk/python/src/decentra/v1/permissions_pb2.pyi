from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class Permission(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERMISSION_UNSPECIFIED: _ClassVar[Permission]
    PERMISSION_KICK_MEMBERS: _ClassVar[Permission]
    PERMISSION_BAN_MEMBERS: _ClassVar[Permission]
    PERMISSION_ADMINISTRATOR: _ClassVar[Permission]
    PERMISSION_MANAGE_CHANNELS: _ClassVar[Permission]
    PERMISSION_MANAGE_SERVER: _ClassVar[Permission]
    PERMISSION_ADD_REACTIONS: _ClassVar[Permission]
    PERMISSION_VIEW_AUDIT_LOG: _ClassVar[Permission]
    PERMISSION_PRIORITY_SPEAKER: _ClassVar[Permission]
    PERMISSION_STREAM: _ClassVar[Permission]
    PERMISSION_VIEW_CHANNEL: _ClassVar[Permission]
    PERMISSION_SEND_MESSAGES: _ClassVar[Permission]
    PERMISSION_CREATE_INVITE: _ClassVar[Permission]
    PERMISSION_MANAGE_MESSAGES: _ClassVar[Permission]
    PERMISSION_EMBED_LINKS: _ClassVar[Permission]
    PERMISSION_ATTACH_FILES: _ClassVar[Permission]
    PERMISSION_READ_MESSAGE_HISTORY: _ClassVar[Permission]
    PERMISSION_MENTION_EVERYONE: _ClassVar[Permission]
    PERMISSION_CONNECT: _ClassVar[Permission]
    PERMISSION_SPEAK: _ClassVar[Permission]
    PERMISSION_MUTE_MEMBERS: _ClassVar[Permission]
    PERMISSION_DEAFEN_MEMBERS: _ClassVar[Permission]
    PERMISSION_MOVE_MEMBERS: _ClassVar[Permission]
    PERMISSION_USE_VOICE_ACTIVITY: _ClassVar[Permission]
    PERMISSION_CHANGE_NICKNAME: _ClassVar[Permission]
    PERMISSION_MANAGE_NICKNAMES: _ClassVar[Permission]
    PERMISSION_MANAGE_ROLES: _ClassVar[Permission]
PERMISSION_UNSPECIFIED: Permission
PERMISSION_KICK_MEMBERS: Permission
PERMISSION_BAN_MEMBERS: Permission
PERMISSION_ADMINISTRATOR: Permission
PERMISSION_MANAGE_CHANNELS: Permission
PERMISSION_MANAGE_SERVER: Permission
PERMISSION_ADD_REACTIONS: Permission
PERMISSION_VIEW_AUDIT_LOG: Permission
PERMISSION_PRIORITY_SPEAKER: Permission
PERMISSION_STREAM: Permission
PERMISSION_VIEW_CHANNEL: Permission
PERMISSION_SEND_MESSAGES: Permission
PERMISSION_CREATE_INVITE: Permission
PERMISSION_MANAGE_MESSAGES: Permission
PERMISSION_EMBED_LINKS: Permission
PERMISSION_ATTACH_FILES: Permission
PERMISSION_READ_MESSAGE_HISTORY: Permission
PERMISSION_MENTION_EVERYONE: Permission
PERMISSION_CONNECT: Permission
PERMISSION_SPEAK: Permission
PERMISSION_MUTE_MEMBERS: Permission
PERMISSION_DEAFEN_MEMBERS: Permission
PERMISSION_MOVE_MEMBERS: Permission
PERMISSION_USE_VOICE_ACTIVITY: Permission
PERMISSION_CHANGE_NICKNAME: Permission
PERMISSION_MANAGE_NICKNAMES: Permission
PERMISSION_MANAGE_ROLES: Permission
