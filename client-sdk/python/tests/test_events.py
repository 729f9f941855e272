"""The wrapper's event stream against the real server: a silent connection is noticed by the
missed heartbeats and the stream resumes from its cursor."""

from __future__ import annotations

import queue

import grpc

from decentra.v1 import servers_pb2

from conftest import TIMEOUT, Events, Proxy, kind


def test_two_missed_heartbeats_reconnect_and_resume_from_the_cursor(server, new_user):
    proxy = Proxy(server.port)
    client = new_user("heartbeats", url=proxy.url)
    reconnects: "queue.Queue" = queue.Queue()
    events = Events(client, initial_backoff=0.1, max_backoff=0.5, on_reconnect=reconnects.put)
    try:
        ready = events.wait_for(lambda e: kind(e) == "ready", "ready").ready
        assert ready.heartbeat_interval_seconds == 1  # the server fixture's setting
        client.servers.CreateServer(servers_pb2.CreateServerRequest(name="Heartbeats"))
        created = events.wait_for(lambda e: kind(e) == "server_created", "server_created")
        assert events.stream.cursor == created.cursor != ""

        # The connection goes silent without closing: only the heartbeats can tell.
        proxy.freeze()
        first = reconnects.get(timeout=TIMEOUT)
        assert first.error is not None and first.error.code() == grpc.StatusCode.CANCELLED
        assert first.resume_cursor == created.cursor
        # (Not asserting the connection count here: the first retry is immediate, so the
        # stream may already be dialling again through the frozen relay.)

        # The dead connection is closed; the stream gets through again and resumes.
        proxy.cut()
        proxy.thaw()
        proxy.restore()
        events.wait_for(lambda e: kind(e) == "resumed", "resumed")
        assert not any(kind(e) in ("ready", "resync_required") for e in events.seen[2:])
    finally:
        events.close()
        proxy.close()
