"""Credentials: what goes in the `authorization` metadata, and how a session stays valid."""

from __future__ import annotations

import threading
import time
from typing import Optional, Protocol

from decentra.v1 import auth_pb2, auth_pb2_grpc

# Refresh this long before the access token expires, so a call never goes out with a token
# that expires on the way.
DEFAULT_REFRESH_MARGIN_SECS = 60.0


class Credentials(Protocol):
    """Something that can authenticate calls."""

    def header(self) -> str:
        """The `authorization` metadata value for the next call (may refresh first)."""
        ...

    def renew(self, rejected: str) -> bool:
        """Called once after the server answered UNAUTHENTICATED to a call sent with the
        header `rejected`. Returns True when a retry with `header()` may succeed."""
        ...


class BotToken:
    """A bot's token: `authorization: Bot <token>`. Bot tokens do not expire, so nothing
    is refreshed; an UNAUTHENTICATED answer means the token was reset or the bot deleted."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("bot token is empty")
        self._header = f"Bot {token}"

    def header(self) -> str:
        return self._header

    def renew(self, rejected: str) -> bool:
        return False

    def __repr__(self) -> str:  # never show the token
        return "BotToken(<hidden>)"


class UserSession:
    """A signed-in user's session: a short-lived access token plus a rotating refresh token.

    The access token is refreshed `refresh_margin` seconds before it expires, and once more
    when the server answers UNAUTHENTICATED (e.g. the server's clock or key changed). Refresh
    tokens rotate on every use and reusing an old one revokes the session, so refreshes are
    serialised and a call that failed with an already-replaced token just retries.
    """

    def __init__(
        self,
        auth: auth_pb2_grpc.AuthServiceStub,
        access_token: str,
        refresh_token: str,
        expires_at: Optional[float],
        *,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN_SECS,
    ) -> None:
        self._auth = auth
        self._lock = threading.Lock()
        self._access = access_token
        self._refresh = refresh_token
        self._expires_at = expires_at
        self.refresh_margin = refresh_margin
        #: How many times the access token was refreshed (for logs and tests).
        self.refreshes = 0

    @classmethod
    def from_response(cls, auth: auth_pb2_grpc.AuthServiceStub, response, **kw) -> "UserSession":
        """From a Login, Register, RefreshToken or ChangePassword response."""
        return cls(
            auth,
            response.access_token,
            response.refresh_token,
            _expiry(response),
            **kw,
        )

    @property
    def access_token(self) -> str:
        return self._access

    @property
    def refresh_token(self) -> str:
        return self._refresh

    def header(self) -> str:
        with self._lock:
            if self._expires_at is not None and time.time() >= self._expires_at - self.refresh_margin:
                self._refresh_locked()
            return f"Bearer {self._access}"

    def renew(self, rejected: str) -> bool:
        with self._lock:
            if rejected != f"Bearer {self._access}":
                return True  # another thread refreshed meanwhile: just retry
            self._refresh_locked()
            return True

    def _refresh_locked(self) -> None:
        response = self._auth.RefreshToken(
            auth_pb2.RefreshTokenRequest(refresh_token=self._refresh)
        )
        self._access = response.access_token
        self._refresh = response.refresh_token
        self._expires_at = _expiry(response)
        self.refreshes += 1

    def __repr__(self) -> str:  # never show the tokens
        return f"UserSession(refreshes={self.refreshes})"


def _expiry(response) -> Optional[float]:
    if response.HasField("access_token_expires_at"):
        ts = response.access_token_expires_at
        return ts.seconds + ts.nanos / 1e9
    return None
