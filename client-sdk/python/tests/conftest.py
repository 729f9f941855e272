"""Fixtures: the real `decentra` binary on a free loopback port, restartable on the same data,
plus helpers that wait for events and output lines with timeouts (never sleeps).

Environment:
- DECENTRA_BIN: the server binary (default: target/debug/decentra of this repository).
- DECENTRA_TEST_DATABASE_URL: a fresh, empty database for the whole session (PostgreSQL);
  without it the server uses SQLite in a temporary data directory.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import grpc
import pytest

from decentra.v1 import admin_pb2
from decentra_sdk import Client

REPO = Path(__file__).resolve().parents[3]
TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """The server binary on one fixed port, so clients keep their address across restarts."""

    def __init__(self, binary: Path, data_dir: Path, database_url: Optional[str]) -> None:
        self.binary = binary
        self.data_dir = data_dir
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "server.log"
        self.proc: Optional[subprocess.Popen] = None
        self.starts = 0

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            DECENTRA_BIND=f"127.0.0.1:{self.port}",
            DECENTRA_DATA_DIR=str(self.data_dir),
            DECENTRA_LOG="warn",
            DECENTRA_AUTH_RATE_PER_IP="10000",
            DECENTRA_AUTH_RATE_PER_USERNAME="10000",
            # Short, so the missed-heartbeat test takes seconds.
            DECENTRA_HEARTBEAT_SECS="1",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        else:
            env.pop("DATABASE_URL", None)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(self.binary)], env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self.starts += 1
        # Ready once a gRPC connection (TCP + HTTP/2 handshake) succeeds; the listener opens
        # after migrations, so that means serving.
        with grpc.insecure_channel(f"127.0.0.1:{self.port}") as channel:
            ready = grpc.channel_ready_future(channel)
            for _ in range(int(TIMEOUT * 2)):
                try:
                    ready.result(timeout=0.5)
                    return
                except grpc.FutureTimeoutError:
                    if self.proc.poll() is not None:
                        break
            ready.cancel()
        raise AssertionError(f"server did not start (exit {self.proc.poll()}):\n{self.log_text()}")

    def stop(self) -> None:
        """SIGTERM, and the server must exit cleanly."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"server ignored SIGTERM for 30 s:\n{self.log_text()}")
        self.proc = None
        assert code == 0, f"server exited with {code}:\n{self.log_text()}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


class Proxy:
    """A TCP relay in front of the server whose link can be cut and restored, so a client
    can be held in its reconnect loop while other clients go on."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._open = threading.Event()
        self._open.set()
        self._frozen = threading.Event()
        self._lock = threading.Lock()
        self._sockets: List[socket.socket] = []
        #: Connections relayed to the server since the last cut.
        self.relayed = 0
        #: Connections refused since the last cut.
        self.refused = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """Closes every relayed connection and refuses new ones until `restore()`."""
        with self._lock:
            self._open.clear()
            self.relayed = 0
            self.refused = 0
            for s in self._sockets:
                _close(s)
            self._sockets.clear()

    def restore(self) -> None:
        self._open.set()

    def freeze(self) -> None:
        """Keeps connections open but silently drops everything sent over them (a dead peer
        that TCP has not noticed); `cut()` ends them."""
        self._frozen.set()

    def thaw(self) -> None:
        self._frozen.clear()

    def close(self) -> None:
        self.cut()
        _close(self._listener)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if not self._open.is_set():
                    self.refused += 1
                    _close(client)
                    continue
                try:
                    upstream = socket.create_connection(("127.0.0.1", self.target_port))
                except OSError:
                    _close(client)
                    continue
                self.relayed += 1
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(a, b, self._frozen), daemon=True).start()


def _pump(src: socket.socket, dst: socket.socket, frozen: threading.Event) -> None:
    try:
        while data := src.recv(65536):
            if not frozen.is_set():
                dst.sendall(data)
    except OSError:
        pass
    _close(src)
    _close(dst)


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()


class Events:
    """A client's event stream read on a thread; `wait_for` takes events in order."""

    def __init__(self, client: Client, **kwargs) -> None:
        self.stream = client.event_stream(**kwargs)
        self._queue: "queue.Queue[object]" = queue.Queue()
        self.seen: list = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            for event in self.stream:
                self._queue.put(event)
        except Exception as e:  # surfaced by wait_for
            self._queue.put(e)

    def wait_for(self, pred: Callable[[object], bool], what: str, timeout: float = TIMEOUT):
        """The next event matching `pred`; the ones before it are kept in `seen`."""
        while True:
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {what} within {timeout} s; saw {[kind(e) for e in self.seen]}")
            if isinstance(item, Exception):
                raise item
            self.seen.append(item)
            if pred(item):
                return item

    def close(self) -> None:
        self.stream.close()


def kind(event) -> str:
    return event.WhichOneof("event")


class Lines:
    """A child process's stdout, line by line, read on a thread."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self._queue: "queue.Queue[Optional[str]]" = queue.Queue()
        self.lines: List[str] = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, prefix: str, timeout: float = TIMEOUT) -> str:
        while True:
            try:
                line = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line {prefix!r} within {timeout} s; got {self.lines}")
            if line is None:
                raise AssertionError(f"process exited ({self.proc.wait()}) before {prefix!r}; got {self.lines}")
            self.lines.append(line)
            if line.startswith(prefix):
                return line


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    binary = Path(os.environ.get("DECENTRA_BIN", REPO / "target" / "debug" / "decentra"))
    if not binary.exists():
        pytest.fail(f"server binary {binary} not found: build it (cargo build -p decentra) or set DECENTRA_BIN")
    srv = ServerProcess(binary, tmp_path_factory.mktemp("server"), os.environ.get("DECENTRA_TEST_DATABASE_URL"))
    srv.start()
    yield srv
    if srv.proc is not None:
        srv.stop()


PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def admin(server: ServerProcess) -> Iterator[Client]:
    """The instance's first user (its administrator)."""
    client = Client(server.url)
    client.register("admin", PASSWORD)
    yield client
    client.close()


@pytest.fixture
def new_user(server: ServerProcess, admin: Client):
    """Registers a user (with an instance invite) and returns a signed-in client."""
    made: List[Client] = []

    def make(username: str, url: Optional[str] = None) -> Client:
        code = admin.admin.CreateInstanceInvite(admin_pb2.CreateInstanceInviteRequest(max_uses=1)).invite.code
        client = Client(url or server.url)
        client.register(username, PASSWORD, invite_code=code)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def run_example(name: str, env: dict) -> subprocess.Popen:
    """Starts `examples/<name>` with the same interpreter (and so the installed package)."""
    return subprocess.Popen(
        [sys.executable, "-u", str(REPO / "client-sdk" / "python" / "examples" / name)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
