from decentra.v1 import servers_pb2 as _servers_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Role(_message.Message):
    __slots__ = ("id", "server_id", "name", "permissions", "position", "color", "hoist", "mentionable")
    ID_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    COLOR_FIELD_NUMBER: _ClassVar[int]
    HOIST_FIELD_NUMBER: _ClassVar[int]
    MENTIONABLE_FIELD_NUMBER: _ClassVar[int]
    id: str
    server_id: str
    name: str
    permissions: int
    position: int
    color: int
    hoist: bool
    mentionable: bool
    def __init__(self, id: _Optional[str] = ..., server_id: _Optional[str] = ..., name: _Optional[str] = ..., permissions: _Optional[int] = ..., position: _Optional[int] = ..., color: _Optional[int] = ..., hoist: _Optional[bool] = ..., mentionable: _Optional[bool] = ...) -> None: ...

class RolePosition(_message.Message):
    __slots__ = ("role_id", "position")
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    role_id: str
    position: int
    def __init__(self, role_id: _Optional[str] = ..., position: _Optional[int] = ...) -> None: ...

class CreateRoleRequest(_message.Message):
    __slots__ = ("server_id", "name", "permissions", "color", "hoist", "mentionable")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    COLOR_FIELD_NUMBER: _ClassVar[int]
    HOIST_FIELD_NUMBER: _ClassVar[int]
    MENTIONABLE_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    name: str
    permissions: int
    color: int
    hoist: bool
    mentionable: bool
    def __init__(self, server_id: _Optional[str] = ..., name: _Optional[str] = ..., permissions: _Optional[int] = ..., color: _Optional[int] = ..., hoist: _Optional[bool] = ..., mentionable: _Optional[bool] = ...) -> None: ...

class CreateRoleResponse(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: Role
    def __init__(self, role: _Optional[_Union[Role, _Mapping]] = ...) -> None: ...

class UpdateRoleRequest(_message.Message):
    __slots__ = ("server_id", "role_id", "name", "permissions", "color", "hoist", "mentionable")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    COLOR_FIELD_NUMBER: _ClassVar[int]
    HOIST_FIELD_NUMBER: _ClassVar[int]
    MENTIONABLE_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    role_id: str
    name: str
    permissions: int
    color: int
    hoist: bool
    mentionable: bool
    def __init__(self, server_id: _Optional[str] = ..., role_id: _Optional[str] = ..., name: _Optional[str] = ..., permissions: _Optional[int] = ..., color: _Optional[int] = ..., hoist: _Optional[bool] = ..., mentionable: _Optional[bool] = ...) -> None: ...

class UpdateRoleResponse(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: Role
    def __init__(self, role: _Optional[_Union[Role, _Mapping]] = ...) -> None: ...

class DeleteRoleRequest(_message.Message):
    __slots__ = ("server_id", "role_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    role_id: str
    def __init__(self, server_id: _Optional[str] = ..., role_id: _Optional[str] = ...) -> None: ...

class DeleteRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRolesRequest(_message.Message):
    __slots__ = ("server_id",)
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    def __init__(self, server_id: _Optional[str] = ...) -> None: ...

class ListRolesResponse(_message.Message):
    __slots__ = ("roles",)
    ROLES_FIELD_NUMBER: _ClassVar[int]
    roles: _containers.RepeatedCompositeFieldContainer[Role]
    def __init__(self, roles: _Optional[_Iterable[_Union[Role, _Mapping]]] = ...) -> None: ...

class ReorderRolesRequest(_message.Message):
    __slots__ = ("server_id", "positions")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    positions: _containers.RepeatedCompositeFieldContainer[RolePosition]
    def __init__(self, server_id: _Optional[str] = ..., positions: _Optional[_Iterable[_Union[RolePosition, _Mapping]]] = ...) -> None: ...

class ReorderRolesResponse(_message.Message):
    __slots__ = ("roles",)
    ROLES_FIELD_NUMBER: _ClassVar[int]
    roles: _containers.RepeatedCompositeFieldContainer[Role]
    def __init__(self, roles: _Optional[_Iterable[_Union[Role, _Mapping]]] = ...) -> None: ...

class AddMemberRoleRequest(_message.Message):
    __slots__ = ("server_id", "user_id", "role_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user_id: str
    role_id: str
    def __init__(self, server_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role_id: _Optional[str] = ...) -> None: ...

class AddMemberRoleResponse(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: _servers_pb2.Member
    def __init__(self, member: _Optional[_Union[_servers_pb2.Member, _Mapping]] = ...) -> None: ...

class RemoveMemberRoleRequest(_message.Message):
    __slots__ = ("server_id", "user_id", "role_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    user_id: str
    role_id: str
    def __init__(self, server_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role_id: _Optional[str] = ...) -> None: ...

class RemoveMemberRoleResponse(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: _servers_pb2.Member
    def __init__(self, member: _Optional[_Union[_servers_pb2.Member, _Mapping]] = ...) -> None: ...
