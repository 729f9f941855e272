import datetime

from decentra.v1 import servers_pb2 as _servers_pb2
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

class RegistrationMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REGISTRATION_MODE_UNSPECIFIED: _ClassVar[RegistrationMode]
    REGISTRATION_MODE_OPEN: _ClassVar[RegistrationMode]
    REGISTRATION_MODE_INVITE_ONLY: _ClassVar[RegistrationMode]
    REGISTRATION_MODE_CLOSED: _ClassVar[RegistrationMode]

class SmtpTlsMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SMTP_TLS_MODE_UNSPECIFIED: _ClassVar[SmtpTlsMode]
    SMTP_TLS_MODE_NONE: _ClassVar[SmtpTlsMode]
    SMTP_TLS_MODE_STARTTLS: _ClassVar[SmtpTlsMode]
    SMTP_TLS_MODE_IMPLICIT: _ClassVar[SmtpTlsMode]
REGISTRATION_MODE_UNSPECIFIED: RegistrationMode
REGISTRATION_MODE_OPEN: RegistrationMode
REGISTRATION_MODE_INVITE_ONLY: RegistrationMode
REGISTRATION_MODE_CLOSED: RegistrationMode
SMTP_TLS_MODE_UNSPECIFIED: SmtpTlsMode
SMTP_TLS_MODE_NONE: SmtpTlsMode
SMTP_TLS_MODE_STARTTLS: SmtpTlsMode
SMTP_TLS_MODE_IMPLICIT: SmtpTlsMode

class InstanceInvite(_message.Message):
    __slots__ = ("code", "created_by_id", "max_uses", "uses", "expires_at", "revoked", "created_at")
    CODE_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_USES_FIELD_NUMBER: _ClassVar[int]
    USES_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    code: str
    created_by_id: str
    max_uses: int
    uses: int
    expires_at: _timestamp_pb2.Timestamp
    revoked: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, code: _Optional[str] = ..., created_by_id: _Optional[str] = ..., max_uses: _Optional[int] = ..., uses: _Optional[int] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SmtpSettings(_message.Message):
    __slots__ = ("enabled", "host", "port", "username", "password", "password_set", "tls_mode", "from_address", "from_name")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_SET_FIELD_NUMBER: _ClassVar[int]
    TLS_MODE_FIELD_NUMBER: _ClassVar[int]
    FROM_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    FROM_NAME_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    host: str
    port: int
    username: str
    password: str
    password_set: bool
    tls_mode: SmtpTlsMode
    from_address: str
    from_name: str
    def __init__(self, enabled: _Optional[bool] = ..., host: _Optional[str] = ..., port: _Optional[int] = ..., username: _Optional[str] = ..., password: _Optional[str] = ..., password_set: _Optional[bool] = ..., tls_mode: _Optional[_Union[SmtpTlsMode, str]] = ..., from_address: _Optional[str] = ..., from_name: _Optional[str] = ...) -> None: ...

class SmtpSettingsUpdate(_message.Message):
    __slots__ = ("enabled", "host", "port", "username", "password", "tls_mode", "from_address", "from_name")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    TLS_MODE_FIELD_NUMBER: _ClassVar[int]
    FROM_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    FROM_NAME_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    host: str
    port: int
    username: str
    password: str
    tls_mode: SmtpTlsMode
    from_address: str
    from_name: str
    def __init__(self, enabled: _Optional[bool] = ..., host: _Optional[str] = ..., port: _Optional[int] = ..., username: _Optional[str] = ..., password: _Optional[str] = ..., tls_mode: _Optional[_Union[SmtpTlsMode, str]] = ..., from_address: _Optional[str] = ..., from_name: _Optional[str] = ...) -> None: ...

class InstanceSettings(_message.Message):
    __slots__ = ("instance_name", "registration_mode", "require_email_verification", "max_upload_bytes", "max_message_length", "max_servers_per_user", "max_members_per_server", "max_channels_per_server", "max_roles_per_server", "max_group_dm_members", "max_bots_per_user", "message_rate_limit_per_minute", "smtp", "instance_description", "voice", "email_notifications_enabled", "email_notification_delay_minutes")
    INSTANCE_NAME_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_MODE_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_EMAIL_VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    MAX_UPLOAD_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    MAX_SERVERS_PER_USER_FIELD_NUMBER: _ClassVar[int]
    MAX_MEMBERS_PER_SERVER_FIELD_NUMBER: _ClassVar[int]
    MAX_CHANNELS_PER_SERVER_FIELD_NUMBER: _ClassVar[int]
    MAX_ROLES_PER_SERVER_FIELD_NUMBER: _ClassVar[int]
    MAX_GROUP_DM_MEMBERS_FIELD_NUMBER: _ClassVar[int]
    MAX_BOTS_PER_USER_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_RATE_LIMIT_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    SMTP_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VOICE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_NOTIFICATIONS_ENABLED_FIELD_NUMBER: _ClassVar[int]
    EMAIL_NOTIFICATION_DELAY_MINUTES_FIELD_NUMBER: _ClassVar[int]
    instance_name: str
    registration_mode: RegistrationMode
    require_email_verification: bool
    max_upload_bytes: int
    max_message_length: int
    max_servers_per_user: int
    max_members_per_server: int
    max_channels_per_server: int
    max_roles_per_server: int
    max_group_dm_members: int
    max_bots_per_user: int
    message_rate_limit_per_minute: int
    smtp: SmtpSettings
    instance_description: str
    voice: VoiceSettings
    email_notifications_enabled: bool
    email_notification_delay_minutes: int
    def __init__(self, instance_name: _Optional[str] = ..., registration_mode: _Optional[_Union[RegistrationMode, str]] = ..., require_email_verification: _Optional[bool] = ..., max_upload_bytes: _Optional[int] = ..., max_message_length: _Optional[int] = ..., max_servers_per_user: _Optional[int] = ..., max_members_per_server: _Optional[int] = ..., max_channels_per_server: _Optional[int] = ..., max_roles_per_server: _Optional[int] = ..., max_group_dm_members: _Optional[int] = ..., max_bots_per_user: _Optional[int] = ..., message_rate_limit_per_minute: _Optional[int] = ..., smtp: _Optional[_Union[SmtpSettings, _Mapping]] = ..., instance_description: _Optional[str] = ..., voice: _Optional[_Union[VoiceSettings, _Mapping]] = ..., email_notifications_enabled: _Optional[bool] = ..., email_notification_delay_minutes: _Optional[int] = ...) -> None: ...

class VoiceSettings(_message.Message):
    __slots__ = ("stun_urls", "turn_urls", "turn_secret", "turn_secret_set")
    STUN_URLS_FIELD_NUMBER: _ClassVar[int]
    TURN_URLS_FIELD_NUMBER: _ClassVar[int]
    TURN_SECRET_FIELD_NUMBER: _ClassVar[int]
    TURN_SECRET_SET_FIELD_NUMBER: _ClassVar[int]
    stun_urls: _containers.RepeatedScalarFieldContainer[str]
    turn_urls: _containers.RepeatedScalarFieldContainer[str]
    turn_secret: str
    turn_secret_set: bool
    def __init__(self, stun_urls: _Optional[_Iterable[str]] = ..., turn_urls: _Optional[_Iterable[str]] = ..., turn_secret: _Optional[str] = ..., turn_secret_set: _Optional[bool] = ...) -> None: ...

class VoiceSettingsUpdate(_message.Message):
    __slots__ = ("stun_urls", "set_stun_urls", "turn_urls", "set_turn_urls", "turn_secret")
    STUN_URLS_FIELD_NUMBER: _ClassVar[int]
    SET_STUN_URLS_FIELD_NUMBER: _ClassVar[int]
    TURN_URLS_FIELD_NUMBER: _ClassVar[int]
    SET_TURN_URLS_FIELD_NUMBER: _ClassVar[int]
    TURN_SECRET_FIELD_NUMBER: _ClassVar[int]
    stun_urls: _containers.RepeatedScalarFieldContainer[str]
    set_stun_urls: bool
    turn_urls: _containers.RepeatedScalarFieldContainer[str]
    set_turn_urls: bool
    turn_secret: str
    def __init__(self, stun_urls: _Optional[_Iterable[str]] = ..., set_stun_urls: _Optional[bool] = ..., turn_urls: _Optional[_Iterable[str]] = ..., set_turn_urls: _Optional[bool] = ..., turn_secret: _Optional[str] = ...) -> None: ...

class GetInstanceSettingsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetInstanceSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: InstanceSettings
    def __init__(self, settings: _Optional[_Union[InstanceSettings, _Mapping]] = ...) -> None: ...

class UpdateInstanceSettingsRequest(_message.Message):
    __slots__ = ("instance_name", "registration_mode", "require_email_verification", "max_upload_bytes", "max_message_length", "max_servers_per_user", "max_members_per_server", "max_channels_per_server", "max_roles_per_server", "max_group_dm_members", "max_bots_per_user", "message_rate_limit_per_minute", "smtp", "instance_description", "voice", "email_notifications_enabled", "email_notification_delay_minutes")
    INSTANCE_NAME_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_MODE_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_EMAIL_VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    MAX_UPLOAD_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    MAX_SERVERS_PER_USER_FIELD_NUMBER: _ClassVar[int]
    MAX_MEMBERS_PER_SERVER_FIELD_NUMBER: _ClassVar[int]
    MAX_CHANNELS_PER_SERVER_FIELD_NUMBER: _ClassVar[int]
    MAX_ROLES_PER_SERVER_FIELD_NUMBER: _ClassVar[int]
    MAX_GROUP_DM_MEMBERS_FIELD_NUMBER: _ClassVar[int]
    MAX_BOTS_PER_USER_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_RATE_LIMIT_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    SMTP_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VOICE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_NOTIFICATIONS_ENABLED_FIELD_NUMBER: _ClassVar[int]
    EMAIL_NOTIFICATION_DELAY_MINUTES_FIELD_NUMBER: _ClassVar[int]
    instance_name: str
    registration_mode: RegistrationMode
    require_email_verification: bool
    max_upload_bytes: int
    max_message_length: int
    max_servers_per_user: int
    max_members_per_server: int
    max_channels_per_server: int
    max_roles_per_server: int
    max_group_dm_members: int
    max_bots_per_user: int
    message_rate_limit_per_minute: int
    smtp: SmtpSettingsUpdate
    instance_description: str
    voice: VoiceSettingsUpdate
    email_notifications_enabled: bool
    email_notification_delay_minutes: int
    def __init__(self, instance_name: _Optional[str] = ..., registration_mode: _Optional[_Union[RegistrationMode, str]] = ..., require_email_verification: _Optional[bool] = ..., max_upload_bytes: _Optional[int] = ..., max_message_length: _Optional[int] = ..., max_servers_per_user: _Optional[int] = ..., max_members_per_server: _Optional[int] = ..., max_channels_per_server: _Optional[int] = ..., max_roles_per_server: _Optional[int] = ..., max_group_dm_members: _Optional[int] = ..., max_bots_per_user: _Optional[int] = ..., message_rate_limit_per_minute: _Optional[int] = ..., smtp: _Optional[_Union[SmtpSettingsUpdate, _Mapping]] = ..., instance_description: _Optional[str] = ..., voice: _Optional[_Union[VoiceSettingsUpdate, _Mapping]] = ..., email_notifications_enabled: _Optional[bool] = ..., email_notification_delay_minutes: _Optional[int] = ...) -> None: ...

class UpdateInstanceSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: InstanceSettings
    def __init__(self, settings: _Optional[_Union[InstanceSettings, _Mapping]] = ...) -> None: ...

class CreateInstanceInviteRequest(_message.Message):
    __slots__ = ("max_uses", "expires_in_seconds")
    MAX_USES_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_SECONDS_FIELD_NUMBER: _ClassVar[int]
    max_uses: int
    expires_in_seconds: int
    def __init__(self, max_uses: _Optional[int] = ..., expires_in_seconds: _Optional[int] = ...) -> None: ...

class CreateInstanceInviteResponse(_message.Message):
    __slots__ = ("invite",)
    INVITE_FIELD_NUMBER: _ClassVar[int]
    invite: InstanceInvite
    def __init__(self, invite: _Optional[_Union[InstanceInvite, _Mapping]] = ...) -> None: ...

class ListInstanceInvitesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInstanceInvitesResponse(_message.Message):
    __slots__ = ("invites", "next_page_token")
    INVITES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    invites: _containers.RepeatedCompositeFieldContainer[InstanceInvite]
    next_page_token: str
    def __init__(self, invites: _Optional[_Iterable[_Union[InstanceInvite, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RevokeInstanceInviteRequest(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class RevokeInstanceInviteResponse(_message.Message):
    __slots__ = ("invite",)
    INVITE_FIELD_NUMBER: _ClassVar[int]
    invite: InstanceInvite
    def __init__(self, invite: _Optional[_Union[InstanceInvite, _Mapping]] = ...) -> None: ...

class ListUsersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ...) -> None: ...

class ListUsersResponse(_message.Message):
    __slots__ = ("users", "next_page_token")
    USERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    users: _containers.RepeatedCompositeFieldContainer[_users_pb2.User]
    next_page_token: str
    def __init__(self, users: _Optional[_Iterable[_Union[_users_pb2.User, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateUserRequest(_message.Message):
    __slots__ = ("user_id", "disabled", "is_admin", "email_verified")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    IS_ADMIN_FIELD_NUMBER: _ClassVar[int]
    EMAIL_VERIFIED_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    disabled: bool
    is_admin: bool
    email_verified: bool
    def __init__(self, user_id: _Optional[str] = ..., disabled: _Optional[bool] = ..., is_admin: _Optional[bool] = ..., email_verified: _Optional[bool] = ...) -> None: ...

class UpdateUserResponse(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: _users_pb2.User
    def __init__(self, user: _Optional[_Union[_users_pb2.User, _Mapping]] = ...) -> None: ...

class DeleteUserRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class DeleteUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SendTestEmailRequest(_message.Message):
    __slots__ = ("to",)
    TO_FIELD_NUMBER: _ClassVar[int]
    to: str
    def __init__(self, to: _Optional[str] = ...) -> None: ...

class SendTestEmailResponse(_message.Message):
    __slots__ = ("accepted", "server_reply")
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    SERVER_REPLY_FIELD_NUMBER: _ClassVar[int]
    accepted: bool
    server_reply: str
    def __init__(self, accepted: _Optional[bool] = ..., server_reply: _Optional[str] = ...) -> None: ...

class InstanceServer(_message.Message):
    __slots__ = ("server", "owner_username")
    SERVER_FIELD_NUMBER: _ClassVar[int]
    OWNER_USERNAME_FIELD_NUMBER: _ClassVar[int]
    server: _servers_pb2.Server
    owner_username: str
    def __init__(self, server: _Optional[_Union[_servers_pb2.Server, _Mapping]] = ..., owner_username: _Optional[str] = ...) -> None: ...

class ListInstanceServersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ...) -> None: ...

class ListInstanceServersResponse(_message.Message):
    __slots__ = ("servers", "next_page_token")
    SERVERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    servers: _containers.RepeatedCompositeFieldContainer[InstanceServer]
    next_page_token: str
    def __init__(self, servers: _Optional[_Iterable[_Union[InstanceServer, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteInstanceServerRequest(_message.Message):
    __slots__ = ("server_id",)
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    def __init__(self, server_id: _Optional[str] = ...) -> None: ...

class DeleteInstanceServerResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
