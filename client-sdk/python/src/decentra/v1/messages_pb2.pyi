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

class MessageType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MESSAGE_TYPE_UNSPECIFIED: _ClassVar[MessageType]
    MESSAGE_TYPE_DEFAULT: _ClassVar[MessageType]
    MESSAGE_TYPE_MEMBER_JOIN: _ClassVar[MessageType]
    MESSAGE_TYPE_PINNED_MESSAGE: _ClassVar[MessageType]
    MESSAGE_TYPE_CALL: _ClassVar[MessageType]
    MESSAGE_TYPE_RECIPIENT_ADD: _ClassVar[MessageType]
    MESSAGE_TYPE_RECIPIENT_REMOVE: _ClassVar[MessageType]
    MESSAGE_TYPE_CHANNEL_NAME_CHANGE: _ClassVar[MessageType]

class MentionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MENTION_TYPE_UNSPECIFIED: _ClassVar[MentionType]
    MENTION_TYPE_USER: _ClassVar[MentionType]
    MENTION_TYPE_ROLE: _ClassVar[MentionType]
    MENTION_TYPE_EVERYONE: _ClassVar[MentionType]
    MENTION_TYPE_HERE: _ClassVar[MentionType]
MESSAGE_TYPE_UNSPECIFIED: MessageType
MESSAGE_TYPE_DEFAULT: MessageType
MESSAGE_TYPE_MEMBER_JOIN: MessageType
MESSAGE_TYPE_PINNED_MESSAGE: MessageType
MESSAGE_TYPE_CALL: MessageType
MESSAGE_TYPE_RECIPIENT_ADD: MessageType
MESSAGE_TYPE_RECIPIENT_REMOVE: MessageType
MESSAGE_TYPE_CHANNEL_NAME_CHANGE: MessageType
MENTION_TYPE_UNSPECIFIED: MentionType
MENTION_TYPE_USER: MentionType
MENTION_TYPE_ROLE: MentionType
MENTION_TYPE_EVERYONE: MentionType
MENTION_TYPE_HERE: MentionType

class Mention(_message.Message):
    __slots__ = ("type", "id", "user")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    type: MentionType
    id: str
    user: _users_pb2.User
    def __init__(self, type: _Optional[_Union[MentionType, str]] = ..., id: _Optional[str] = ..., user: _Optional[_Union[_users_pb2.User, _Mapping]] = ...) -> None: ...

class Attachment(_message.Message):
    __slots__ = ("id", "filename", "content_type", "size", "url", "width", "height")
    ID_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    id: str
    filename: str
    content_type: str
    size: int
    url: str
    width: int
    height: int
    def __init__(self, id: _Optional[str] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., size: _Optional[int] = ..., url: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ...) -> None: ...

class Reaction(_message.Message):
    __slots__ = ("emoji", "count", "me")
    EMOJI_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    ME_FIELD_NUMBER: _ClassVar[int]
    emoji: str
    count: int
    me: bool
    def __init__(self, emoji: _Optional[str] = ..., count: _Optional[int] = ..., me: _Optional[bool] = ...) -> None: ...

class ReplyPreview(_message.Message):
    __slots__ = ("message_id", "author", "content", "deleted")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    author: _users_pb2.User
    content: str
    deleted: bool
    def __init__(self, message_id: _Optional[str] = ..., author: _Optional[_Union[_users_pb2.User, _Mapping]] = ..., content: _Optional[str] = ..., deleted: _Optional[bool] = ...) -> None: ...

class Message(_message.Message):
    __slots__ = ("id", "channel_id", "author", "content", "created_at", "edited_at", "reply_to_id", "reply_to", "mentions", "reactions", "pinned", "attachments", "nonce", "server_id", "type", "author_nickname")
    ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EDITED_AT_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_ID_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_FIELD_NUMBER: _ClassVar[int]
    MENTIONS_FIELD_NUMBER: _ClassVar[int]
    REACTIONS_FIELD_NUMBER: _ClassVar[int]
    PINNED_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_NICKNAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    channel_id: str
    author: _users_pb2.User
    content: str
    created_at: _timestamp_pb2.Timestamp
    edited_at: _timestamp_pb2.Timestamp
    reply_to_id: str
    reply_to: ReplyPreview
    mentions: _containers.RepeatedCompositeFieldContainer[Mention]
    reactions: _containers.RepeatedCompositeFieldContainer[Reaction]
    pinned: bool
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    nonce: str
    server_id: str
    type: MessageType
    author_nickname: str
    def __init__(self, id: _Optional[str] = ..., channel_id: _Optional[str] = ..., author: _Optional[_Union[_users_pb2.User, _Mapping]] = ..., content: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., edited_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reply_to_id: _Optional[str] = ..., reply_to: _Optional[_Union[ReplyPreview, _Mapping]] = ..., mentions: _Optional[_Iterable[_Union[Mention, _Mapping]]] = ..., reactions: _Optional[_Iterable[_Union[Reaction, _Mapping]]] = ..., pinned: _Optional[bool] = ..., attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ..., nonce: _Optional[str] = ..., server_id: _Optional[str] = ..., type: _Optional[_Union[MessageType, str]] = ..., author_nickname: _Optional[str] = ...) -> None: ...

class ReadState(_message.Message):
    __slots__ = ("channel_id", "last_read_message_id", "mention_count", "unread")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_READ_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    MENTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    last_read_message_id: str
    mention_count: int
    unread: bool
    def __init__(self, channel_id: _Optional[str] = ..., last_read_message_id: _Optional[str] = ..., mention_count: _Optional[int] = ..., unread: _Optional[bool] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("channel_id", "content", "nonce", "reply_to_id", "attachment_ids", "mention_reply_author")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_ID_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    MENTION_REPLY_AUTHOR_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    content: str
    nonce: str
    reply_to_id: str
    attachment_ids: _containers.RepeatedScalarFieldContainer[str]
    mention_reply_author: bool
    def __init__(self, channel_id: _Optional[str] = ..., content: _Optional[str] = ..., nonce: _Optional[str] = ..., reply_to_id: _Optional[str] = ..., attachment_ids: _Optional[_Iterable[str]] = ..., mention_reply_author: _Optional[bool] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class EditMessageRequest(_message.Message):
    __slots__ = ("channel_id", "message_id", "content")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    content: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class EditMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class DeleteMessageRequest(_message.Message):
    __slots__ = ("channel_id", "message_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class DeleteMessageResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ("channel_id", "before", "after", "around", "limit")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    AROUND_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    before: str
    after: str
    around: str
    limit: int
    def __init__(self, channel_id: _Optional[str] = ..., before: _Optional[str] = ..., after: _Optional[str] = ..., around: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages",)
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ...) -> None: ...

class GetMessageRequest(_message.Message):
    __slots__ = ("channel_id", "message_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class GetMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class AddReactionRequest(_message.Message):
    __slots__ = ("channel_id", "message_id", "emoji")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    EMOJI_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    emoji: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ..., emoji: _Optional[str] = ...) -> None: ...

class AddReactionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RemoveReactionRequest(_message.Message):
    __slots__ = ("channel_id", "message_id", "emoji", "user_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    EMOJI_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    emoji: str
    user_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ..., emoji: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class RemoveReactionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListReactionsRequest(_message.Message):
    __slots__ = ("channel_id", "message_id", "emoji", "page_size", "page_token")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    EMOJI_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    emoji: str
    page_size: int
    page_token: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ..., emoji: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReactionsResponse(_message.Message):
    __slots__ = ("users", "next_page_token")
    USERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    users: _containers.RepeatedCompositeFieldContainer[_users_pb2.User]
    next_page_token: str
    def __init__(self, users: _Optional[_Iterable[_Union[_users_pb2.User, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PinMessageRequest(_message.Message):
    __slots__ = ("channel_id", "message_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class PinMessageResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UnpinMessageRequest(_message.Message):
    __slots__ = ("channel_id", "message_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class UnpinMessageResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPinsRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class ListPinsResponse(_message.Message):
    __slots__ = ("messages",)
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ...) -> None: ...

class AckMessageRequest(_message.Message):
    __slots__ = ("channel_id", "message_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    message_id: str
    def __init__(self, channel_id: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class AckMessageResponse(_message.Message):
    __slots__ = ("read_state",)
    READ_STATE_FIELD_NUMBER: _ClassVar[int]
    read_state: ReadState
    def __init__(self, read_state: _Optional[_Union[ReadState, _Mapping]] = ...) -> None: ...

class TriggerTypingRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class TriggerTypingResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UploadAttachmentRequest(_message.Message):
    __slots__ = ("channel_id", "filename", "content_type", "data")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    filename: str
    content_type: str
    data: bytes
    def __init__(self, channel_id: _Optional[str] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class UploadAttachmentResponse(_message.Message):
    __slots__ = ("attachment",)
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    attachment: Attachment
    def __init__(self, attachment: _Optional[_Union[Attachment, _Mapping]] = ...) -> None: ...
