#!/usr/bin/env python3
"""Echo bot: answers every `!ping` it can see with a `pong` reply, exactly once.

    pip install ./client-sdk/python
    DECENTRA_URL=http://127.0.0.1:8765 DECENTRA_BOT_TOKEN=… python echo_bot.py

The token is the one `BotService.CreateBot` returned to the bot's owner (shown once); the owner
adds the bot to a server they manage with `AddBotToServer`.

Exactly once, across disconnects and server restarts:
- the event stream resumes after its last cursor, so a short disconnect replays what was missed;
- when the server cannot replay (it restarted), the stream says `resync_required` and the bot
  reads each channel's history after the last message it handled (`ListMessages(after=…)`);
- every handled message id is remembered per channel, so a message seen twice (replay + history)
  is answered once, and the reply's nonce (`pong-<message id>`) makes the server itself drop a
  duplicate send.

It prints one line per state change (`ready`, `resumed`, `resync`, `reconnecting`, `pong`), which
the SDK's tests read.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Dict, Iterable

import grpc

from decentra.v1 import channels_pb2, messages_pb2, users_pb2
from decentra_sdk import Client, Reconnect

TEXT_CHANNELS = (
    channels_pb2.CHANNEL_TYPE_TEXT,
    channels_pb2.CHANNEL_TYPE_DM,
    channels_pb2.CHANNEL_TYPE_GROUP_DM,
)
PAGE = 100


def say(*parts: object) -> None:
    print(*parts, flush=True)


class EchoBot:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.me = client.users.GetCurrentUser(users_pb2.GetCurrentUserRequest()).user
        # Per channel: the newest message id already handled. Absent = not watched yet.
        self.handled: Dict[str, int] = {}
        self.stream = self.client.event_stream(
            on_reconnect=self.on_reconnect,
            max_backoff=float(os.environ.get("DECENTRA_RECONNECT_MAX_SECS", "30")),
        )

    def run(self) -> None:
        for event in self.stream:
            kind = event.WhichOneof("event")
            if kind == "ready":
                self.on_ready(event.ready)
            elif kind == "resumed":
                say("resumed")
            elif kind == "resync_required":
                say("resync", event.resync_required.reason)
            elif kind in ("channel_created", "channel_updated"):
                self.watch([getattr(event, kind).channel])
            elif kind == "channel_deleted":
                self.handled.pop(event.channel_deleted.channel_id, None)
            elif kind == "server_created":
                self.watch(event.server_created.server.channels)
            elif kind == "message_created":
                self.handle(event.message_created.message)

    def stop(self) -> None:
        self.stream.close()

    def on_reconnect(self, r: Reconnect) -> None:
        why = r.error.code().name if r.error is not None else "stream ended"
        say(f"reconnecting attempt={r.attempt} delay={r.delay:.2f}s ({why})")

    def on_ready(self, ready) -> None:
        channels = [c for s in ready.servers for c in s.channels]
        channels += list(ready.private_channels)
        # Channels watched before: answer what came while the bot was away.
        for channel in channels:
            if channel.id in self.handled:
                try:
                    self.catch_up(channel.id)
                except grpc.RpcError as e:
                    # Unhandled messages stay unhandled; the next `ready` tries again.
                    say("catch-up failed", channel.id, e.code().name)
        self.watch(channels)
        say("ready", self.me.username)

    def watch(self, channels: Iterable[channels_pb2.Channel]) -> None:
        """Starts watching new channels from their newest message (older ones are history)."""
        for channel in channels:
            if channel.type in TEXT_CHANNELS and channel.id not in self.handled:
                self.handled[channel.id] = int(channel.last_message_id or 0)

    def catch_up(self, channel_id: str) -> None:
        while True:
            # Ids are positive, so `after=1` reads a channel from its first message.
            after = str(max(self.handled[channel_id], 1))
            page = self.client.messages.ListMessages(
                messages_pb2.ListMessagesRequest(channel_id=channel_id, after=after, limit=PAGE)
            ).messages
            for message in sorted(page, key=lambda m: int(m.id)):
                self.handle(message)
            if len(page) < PAGE:
                return

    def handle(self, message: messages_pb2.Message) -> None:
        if int(message.id) <= self.handled.get(message.channel_id, 0):
            return  # already handled (replayed, or read from history before)
        if message.author.id != self.me.id and message.content.strip() == "!ping":
            try:
                self.client.messages.SendMessage(
                    messages_pb2.SendMessageRequest(
                        channel_id=message.channel_id,
                        content="pong",
                        reply_to_id=message.id,
                        nonce=f"pong-{message.id}",
                    )
                )
            except grpc.RpcError as e:
                # Left unhandled: a replay, or the catch-up after the next `ready`, tries again
                # (unless a later message of the channel is handled first).
                say("send failed", message.id, e.code().name)
                return
            say("pong", message.id)
        self.handled[message.channel_id] = int(message.id)


def main() -> int:
    url = os.environ.get("DECENTRA_URL", "http://127.0.0.1:8765")
    client = Client(url)
    token = os.environ.get("DECENTRA_BOT_TOKEN")
    if not token:
        print("set DECENTRA_BOT_TOKEN (the token CreateBot returned)", file=sys.stderr)
        return 2
    client.use_bot_token(token)
    bot = EchoBot(client)
    signal.signal(signal.SIGTERM, lambda *_: bot.stop())
    try:
        bot.run()
    except KeyboardInterrupt:
        pass
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
