"""Decentra's Python client: the generated gRPC stubs (`decentra.v1`) plus a small wrapper for
signing in (user sessions with token refresh, or bot tokens) and a resuming event stream."""

from .auth import BotToken, Credentials, UserSession
from .client import Client
from .events import EventStream, Reconnect, backoff

__all__ = [
    "BotToken",
    "Client",
    "Credentials",
    "EventStream",
    "Reconnect",
    "UserSession",
    "backoff",
]
