"""The client: every generated service stub on one channel, with authentication added."""

from __future__ import annotations

import collections
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import grpc

from decentra.v1 import (
    admin_pb2_grpc,
    auth_pb2,
    auth_pb2_grpc,
    bots_pb2_grpc,
    channels_pb2_grpc,
    events_pb2_grpc,
    invites_pb2_grpc,
    messages_pb2_grpc,
    relationships_pb2_grpc,
    roles_pb2_grpc,
    servers_pb2_grpc,
    users_pb2_grpc,
    voice_pb2_grpc,
)

from .auth import DEFAULT_REFRESH_MARGIN_SECS, BotToken, Credentials, UserSession
from .events import EventStream


class Client:
    """A Decentra client.

        client = Client("http://127.0.0.1:8765")
        client.login("alice", "correct horse battery")        # or client.use_bot_token(token)
        me = client.users.GetCurrentUser(users_pb2.GetCurrentUserRequest()).user

    The attributes `auth`, `users`, `relationships`, `servers`, `invites`, `channels`, `roles`,
    `messages`, `events`, `voice`, `admin` and `bots` are the generated stubs (see
    `decentra.v1.*_pb2_grpc`). Every call on them except the public ones (sign-up, sign-in,
    token refresh, password reset, instance info) carries the credentials; a unary call
    answered UNAUTHENTICATED is retried once after the session was refreshed.
    """

    def __init__(
        self,
        url: str,
        *,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN_SECS,
        options: Optional[list[tuple[str, Any]]] = None,
    ) -> None:
        """`url`: `http://host:port` (plaintext), `https://host:port` (TLS) or `host:port`."""
        self.url = url
        self.refresh_margin = refresh_margin
        self._channel = _open_channel(url, options or [])
        self.credentials: Optional[Credentials] = None
        authed = grpc.intercept_channel(self._channel, _AuthInterceptor(lambda: self.credentials))
        # Sessions refresh through a stub of their own, outside the interceptor.
        self._session_auth = auth_pb2_grpc.AuthServiceStub(self._channel)
        self.auth = auth_pb2_grpc.AuthServiceStub(authed)
        self.users = users_pb2_grpc.UserServiceStub(authed)
        self.relationships = relationships_pb2_grpc.RelationshipServiceStub(authed)
        self.servers = servers_pb2_grpc.ServerServiceStub(authed)
        self.invites = invites_pb2_grpc.InviteServiceStub(authed)
        self.channels = channels_pb2_grpc.ChannelServiceStub(authed)
        self.roles = roles_pb2_grpc.RoleServiceStub(authed)
        self.messages = messages_pb2_grpc.MessageServiceStub(authed)
        self.events = events_pb2_grpc.EventServiceStub(authed)
        self.voice = voice_pb2_grpc.VoiceServiceStub(authed)
        self.admin = admin_pb2_grpc.AdminServiceStub(authed)
        self.bots = bots_pb2_grpc.BotServiceStub(authed)

    # -- signing in -------------------------------------------------------------------------

    def login(self, username: str, password: str) -> auth_pb2.LoginResponse:
        """Signs in as a user; later calls carry the access token, refreshed as needed."""
        response = self.auth.Login(auth_pb2.LoginRequest(username=username, password=password))
        self.credentials = UserSession.from_response(
            self._session_auth, response, refresh_margin=self.refresh_margin
        )
        return response

    def register(
        self,
        username: str,
        password: str,
        *,
        invite_code: Optional[str] = None,
        email: Optional[str] = None,
    ) -> auth_pb2.RegisterResponse:
        """Creates an account and signs in as it."""
        request = auth_pb2.RegisterRequest(username=username, password=password)
        if invite_code is not None:
            request.invite_code = invite_code
        if email is not None:
            request.email = email
        response = self.auth.Register(request)
        self.credentials = UserSession.from_response(
            self._session_auth, response, refresh_margin=self.refresh_margin
        )
        return response

    def use_bot_token(self, token: str) -> None:
        """Authenticates as a bot: every call sends `authorization: Bot <token>`."""
        self.credentials = BotToken(token)

    def logout(self) -> None:
        """Ends a user session on the server (the refresh token stops working)."""
        if isinstance(self.credentials, UserSession):
            self.auth.Logout(auth_pb2.LogoutRequest(refresh_token=self.credentials.refresh_token))
        self.credentials = None

    # -- the event stream -------------------------------------------------------------------

    def event_stream(self, **kwargs: Any) -> EventStream:
        """The caller's event stream, reconnecting and resuming by itself (see EventStream)."""
        return EventStream(self, **kwargs)

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_channel(url: str, options: list[tuple[str, Any]]) -> grpc.Channel:
    if "://" not in url:
        return grpc.insecure_channel(url, options=options)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"url must be http://host:port or https://host:port, got {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    target = f"{host}:{port}"
    if parts.scheme == "https":
        return grpc.secure_channel(target, grpc.ssl_channel_credentials(), options=options)
    return grpc.insecure_channel(target, options=options)


class _CallDetails(
    collections.namedtuple(
        "_CallDetails",
        ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression"),
    ),
    grpc.ClientCallDetails,
):
    pass


def _with_authorization(details: grpc.ClientCallDetails, header: Optional[str]) -> _CallDetails:
    metadata = [(k, v) for k, v in (details.metadata or ()) if k.lower() != "authorization"]
    if header is not None:
        metadata.append(("authorization", header))
    return _CallDetails(
        details.method,
        details.timeout,
        metadata,
        details.credentials,
        getattr(details, "wait_for_ready", None),
        getattr(details, "compression", None),
    )


# RPCs that take no token (the server's public list); they never carry nor renew credentials.
_PUBLIC = frozenset(
    f"/decentra.v1.AuthService/{name}"
    for name in (
        "Register",
        "Login",
        "RefreshToken",
        "RequestPasswordReset",
        "ResetPassword",
        "VerifyEmail",
        "GetInstanceInfo",
    )
)


class _AuthInterceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds `authorization`; retries a unary call once after renewing the credentials."""

    def __init__(self, credentials: Callable[[], Optional[Credentials]]) -> None:
        self._credentials = credentials

    def intercept_unary_unary(self, continuation, client_call_details, request):
        creds = self._credentials()
        if creds is None or client_call_details.method in _PUBLIC:
            return continuation(_with_authorization(client_call_details, None), request)
        sent = creds.header()
        response = continuation(_with_authorization(client_call_details, sent), request)
        if response.code() != grpc.StatusCode.UNAUTHENTICATED:
            return response
        try:
            renewed = creds.renew(sent)
        except grpc.RpcError:
            renewed = False  # the session itself is gone: report the original answer
        if not renewed:
            return response
        return continuation(_with_authorization(client_call_details, creds.header()), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        # A stream cannot be replayed transparently; EventStream renews and reconnects itself.
        creds = self._credentials()
        header = creds.header() if creds is not None else None
        return continuation(_with_authorization(client_call_details, header), request)
