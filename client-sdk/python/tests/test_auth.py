"""The wrapper's authentication: token refresh against the real server, the metadata each kind
of credential sends (against an in-process stand-in that records it), and the backoff."""

from __future__ import annotations

from concurrent import futures

import grpc
import pytest

from decentra.v1 import users_pb2, users_pb2_grpc
from decentra_sdk import BotToken, Client, UserSession, backoff

from conftest import PASSWORD


def me(client: Client) -> str:
    return client.users.GetCurrentUser(users_pb2.GetCurrentUserRequest()).user.username


def test_an_unauthenticated_call_refreshes_once_and_retries(new_user, server):
    client = new_user("refresh-on-401")
    real = client.credentials
    assert isinstance(real, UserSession)
    # A session whose access token the server rejects, with a valid refresh token.
    client.credentials = UserSession(client.auth, "not-a-token", real.refresh_token, expires_at=None)
    assert me(client) == "refresh-on-401"
    assert client.credentials.refreshes == 1
    assert client.credentials.access_token != "not-a-token"
    # Refresh tokens rotate on every use.
    assert client.credentials.refresh_token != real.refresh_token


def test_the_access_token_is_refreshed_before_it_expires(new_user):
    client = new_user("refresh-early")
    session = client.credentials
    first_refresh = session.refresh_token
    assert me(client) == "refresh-early"
    assert session.refreshes == 0  # 15 minutes left: nothing to do
    session.refresh_margin = 24 * 3600.0  # now every token counts as about to expire
    assert me(client) == "refresh-early"
    assert session.refreshes == 1
    assert session.refresh_token != first_refresh  # rotated by the refresh


def test_a_revoked_session_reports_unauthenticated(new_user):
    client = new_user("revoked")
    session = client.credentials
    client.logout()
    client.credentials = UserSession(client.auth, "not-a-token", session.refresh_token, expires_at=None)
    with pytest.raises(grpc.RpcError) as e:
        me(client)
    assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert client.credentials.refreshes == 0


def test_login_with_a_wrong_password_is_refused(server, new_user):
    new_user("wrong-password")
    client = Client(server.url)
    with pytest.raises(grpc.RpcError) as e:
        client.login("wrong-password", PASSWORD + "x")
    assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert client.credentials is None


class _Recorder(users_pb2_grpc.UserServiceServicer):
    """Answers GetCurrentUser with the received `authorization` as the username; refuses
    the first `refuse` calls with UNAUTHENTICATED."""

    def __init__(self, refuse: int = 0) -> None:
        self.seen: list = []
        self.refuse = refuse

    def GetCurrentUser(self, request, context):
        header = dict(context.invocation_metadata()).get("authorization", "")
        self.seen.append(header)
        if len(self.seen) <= self.refuse:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "refused")
        return users_pb2.GetCurrentUserResponse(user=users_pb2.User(username=header))


@pytest.fixture
def recorder():
    servicer = _Recorder()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    users_pb2_grpc.add_UserServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    client = Client(f"127.0.0.1:{port}")
    yield servicer, client
    client.close()
    server.stop(None)


def test_a_bot_token_is_sent_as_bot_and_never_refreshed(recorder):
    servicer, client = recorder
    client.use_bot_token("b0t-t0ken")
    assert me(client) == "Bot b0t-t0ken"
    servicer.refuse = 2
    servicer.seen.clear()
    with pytest.raises(grpc.RpcError) as e:
        me(client)
    assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert servicer.seen == ["Bot b0t-t0ken"]  # one try: a bot token cannot be renewed
    assert "b0t-t0ken" not in repr(client.credentials)
    with pytest.raises(ValueError):
        BotToken("")


def test_without_credentials_no_authorization_is_sent(recorder):
    servicer, client = recorder
    assert me(client) == ""
    assert servicer.seen == [""]


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    assert backoff(0) == 0.0
    assert [backoff(a, rand=lambda: 1.0) for a in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert [backoff(a, rand=lambda: 0.0) for a in range(1, 4)] == [0.5, 1, 2]
    assert backoff(100, cap=5, rand=lambda: 1.0) == 5


def test_a_revoked_session_ends_the_event_stream_with_unauthenticated(new_user):
    from conftest import Events, kind

    client = new_user("stream-revoked")
    reconnects = []
    events = Events(client, initial_backoff=0.1, max_backoff=0.5, on_reconnect=reconnects.append)
    events.wait_for(lambda e: kind(e) == "ready", "ready")
    client.logout()  # the server ends the session's streams; the refresh token is dead too
    with pytest.raises(grpc.RpcError) as e:
        events.wait_for(lambda e: False, "the end of the stream")
    assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
    # No reconnect loop on a dead session. events.proto says a revoked session's stream ends
    # with UNAUTHENTICATED; today's server ends it cleanly, so the stream reconnects once and
    # is refused then.
    assert events.stream.connections <= 2, reconnects
    assert all(r.error is None for r in reconnects), reconnects
