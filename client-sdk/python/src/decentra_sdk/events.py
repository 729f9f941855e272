"""The event stream: `EventService.Subscribe`, reconnected with backoff and resumed by cursor."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Optional

import grpc

from decentra.v1 import events_pb2

if TYPE_CHECKING:
    from .client import Client

# Codes after which reconnecting cannot help: the request or the account is wrong.
_FATAL = {
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.PERMISSION_DENIED,
    grpc.StatusCode.UNIMPLEMENTED,
    grpc.StatusCode.NOT_FOUND,
}

# Until the first `ready` tells the real interval.
_DEFAULT_HEARTBEAT_SECS = 30.0


def backoff(attempt: int, *, base: float = 1.0, cap: float = 30.0, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before reconnect `attempt` (0-based): 0 for the first, then 1, 2, 4 …
    seconds capped at `cap`, each scaled by 0.5–1 so clients do not reconnect in lockstep."""
    if attempt <= 0:
        return 0.0
    ceiling = min(cap, base * 2 ** min(attempt - 1, 16))
    return ceiling * (0.5 + rand() / 2)


@dataclass(frozen=True)
class Reconnect:
    """Why and when the stream reconnects (passed to `on_reconnect`)."""

    attempt: int
    delay: float
    error: Optional[grpc.RpcError]
    resume_cursor: str


class EventStream:
    """Iterates the caller's events for as long as it is open, across disconnects.

        for event in client.event_stream():
            kind = event.WhichOneof("event")   # "ready", "message_created", …

    Each item is a `decentra.v1.SubscribeResponse`. After a disconnect the stream reconnects
    with exponential backoff and resumes after the last cursor: the server replays what was
    missed (then sends `resumed`), so nothing is lost or delivered twice. When the server
    cannot replay (it restarted, or the cursor fell out of its window) the stream yields
    `resync_required` followed by a fresh `ready`: state built from earlier events must be
    dropped and re-read (e.g. `ListMessages(after=…)` for messages that came meanwhile).

    A stream that misses two heartbeats is treated as dead and reopened. An UNAUTHENTICATED
    end renews the session once and reconnects; errors that retrying cannot fix
    (PERMISSION_DENIED, INVALID_ARGUMENT, UNIMPLEMENTED, NOT_FOUND, or UNAUTHENTICATED again
    right after renewing) are raised. `close()` (from any thread) ends the iteration.
    """

    def __init__(
        self,
        client: "Client",
        *,
        resume_cursor: str = "",
        include_heartbeats: bool = False,
        initial_backoff: float = 1.0,
        max_backoff: float = 30.0,
        on_reconnect: Optional[Callable[[Reconnect], None]] = None,
    ) -> None:
        self._client = client
        self.cursor = resume_cursor
        self._include_heartbeats = include_heartbeats
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._on_reconnect = on_reconnect
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._call: Optional[grpc.Future] = None
        self._heartbeat_secs = _DEFAULT_HEARTBEAT_SECS
        #: Connections opened so far (1 after the first connect).
        self.connections = 0

    def close(self) -> None:
        """Ends the iteration (the current call is cancelled)."""
        self._closed.set()
        with self._lock:
            if self._call is not None:
                self._call.cancel()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def __iter__(self) -> Iterator[events_pb2.SubscribeResponse]:
        attempt = 0
        renewed = False
        while not self._closed.is_set():
            error: Optional[grpc.RpcError] = None
            creds = self._client.credentials
            sent: Optional[str] = None
            try:
                # May refresh the session first, which fails like a call while the server is away.
                sent = creds.header() if creds is not None else None
                for event in self._connect():
                    kind = event.WhichOneof("event")
                    if kind in ("ready", "resumed"):
                        attempt = 0
                        renewed = False
                    if kind == "ready" and event.ready.heartbeat_interval_seconds:
                        self._heartbeat_secs = float(event.ready.heartbeat_interval_seconds)
                    if kind == "resync_required":
                        # The old cursor means nothing any more; a fresh `ready` follows.
                        self.cursor = ""
                    elif event.cursor:
                        self.cursor = event.cursor
                    if kind == "heartbeat" and not self._include_heartbeats:
                        continue
                    yield event
            except grpc.RpcError as e:
                if self._closed.is_set():
                    return
                code = e.code()
                if code in _FATAL:
                    raise
                if code == grpc.StatusCode.UNAUTHENTICATED:
                    if renewed or creds is None or sent is None:
                        raise
                    try:
                        if not creds.renew(sent):
                            raise
                    except grpc.RpcError:
                        raise e from None
                    renewed = True
                error = e
            finally:
                with self._lock:
                    self._call = None
            if self._closed.is_set():
                return
            delay = backoff(attempt, base=self._initial_backoff, cap=self._max_backoff)
            attempt += 1
            if self._on_reconnect is not None:
                self._on_reconnect(Reconnect(attempt, delay, error, self.cursor))
            if self._closed.wait(delay):
                return

    def _connect(self) -> Iterator[events_pb2.SubscribeResponse]:
        call = self._client.events.Subscribe(events_pb2.SubscribeRequest(resume_cursor=self.cursor))
        with self._lock:
            if self._closed.is_set():
                call.cancel()
                return
            self._call = call
        self.connections += 1
        last = [time.monotonic()]
        done = threading.Event()

        def watchdog() -> None:
            # Two missed heartbeats: the connection is dead even if TCP has not noticed.
            while not done.wait(1.0):
                if time.monotonic() - last[0] > 2 * self._heartbeat_secs:
                    call.cancel()
                    return

        threading.Thread(target=watchdog, name="decentra-heartbeat", daemon=True).start()
        try:
            for event in call:
                last[0] = time.monotonic()
                yield event
        finally:
            done.set()
            call.cancel()
