"""The echo bot example against the real server, across a server restart."""

from __future__ import annotations

from decentra.v1 import bots_pb2, channels_pb2, messages_pb2, servers_pb2

from conftest import Events, Lines, Proxy, kind, run_example


def reply_to(ping_id: str):
    return lambda e: kind(e) == "message_created" and e.message_created.message.reply_to_id == ping_id


def test_echo_bot_answers_each_ping_once_across_a_server_restart(server, admin, new_user):
    alice = new_user("alice")
    # The echo bot is a bot account: alice creates it (its token is shown once), adds it to
    # her server, and it runs with its bot token.
    guild = alice.servers.CreateServer(servers_pb2.CreateServerRequest(name="Bots")).server
    created = alice.bots.CreateBot(bots_pb2.CreateBotRequest(name="echo"))
    assert created.bot.user.is_bot
    alice.bots.AddBotToServer(bots_pb2.AddBotToServerRequest(bot_id=created.bot.id, server_id=guild.id))
    channels = alice.channels.ListChannels(channels_pb2.ListChannelsRequest(server_id=guild.id)).channels
    channel = next(c for c in channels if c.type == channels_pb2.CHANNEL_TYPE_TEXT)

    def ping() -> messages_pb2.Message:
        return alice.messages.SendMessage(
            messages_pb2.SendMessageRequest(channel_id=channel.id, content="!ping")
        ).message

    events = Events(alice, initial_backoff=0.2, max_backoff=1.0)
    events.wait_for(lambda e: kind(e) == "ready", "ready")

    # The bot reaches the server through a relay the test can cut, to hold it in its
    # reconnect loop for as long as the test needs.
    proxy = Proxy(server.port)
    bot = run_example(
        "echo_bot.py",
        {
            "DECENTRA_URL": proxy.url,
            "DECENTRA_BOT_TOKEN": created.token,
            "DECENTRA_RECONNECT_MAX_SECS": "1",
        },
    )
    out = Lines(bot)
    try:
        out.wait_for("ready echo")

        # 1. A live ping is answered, and alice sees the answer on her stream.
        ping1 = ping()
        pong1 = events.wait_for(reply_to(ping1.id), "pong to the first ping").message_created.message
        assert pong1.content == "pong"
        assert pong1.author.username == "echo"
        assert pong1.author.is_bot
        bot_id = pong1.author.id
        assert bot_id == created.bot.id
        # The bot got the answer to its send (else it would retry it after reconnecting,
        # harmlessly: the nonce makes the server return the first pong).
        out.wait_for(f"pong {ping1.id}")

        # 2. The bot loses its connection (the server keeps running); a ping sent meanwhile is
        #    replayed when the bot resumes from its cursor.
        proxy.cut()
        out.wait_for("reconnecting")
        ping_resume = ping()
        assert proxy.relayed == 0, "the bot reached the server before the ping was sent"
        proxy.restore()
        # Replayed events come before `resumed`; no resync, so no history read.
        out.wait_for(f"pong {ping_resume.id}")
        out.wait_for("resumed")
        events.wait_for(reply_to(ping_resume.id), "pong to the ping sent while the bot was away")

        # 3. The server restarts (same data) while the bot is cut off; alice reconnects and
        #    pings while the bot is still in its reconnect loop.
        proxy.cut()
        server.stop()
        out.wait_for("reconnecting")
        server.start()
        events.wait_for(lambda e: kind(e) == "resync_required", "resync_required after the restart")
        events.wait_for(lambda e: kind(e) == "ready", "ready after the restart")
        ping2 = ping()
        # The relay is still cut: the bot has been trying and failing to reconnect.
        assert proxy.relayed == 0, "the bot reached the server before the ping was sent"
        assert proxy.refused >= 1

        # 4. The bot gets through, learns it must resync, reads what it missed and answers.
        proxy.restore()
        out.wait_for("resync")
        out.wait_for("ready echo")
        pong2 = events.wait_for(reply_to(ping2.id), "pong to the ping sent during the restart")
        assert pong2.message_created.message.content == "pong"

        # 5. Live again: a third ping; everything the bot sent is exactly one pong per ping.
        ping3 = ping()
        events.wait_for(reply_to(ping3.id), "pong to the third ping")
        out.wait_for(f"pong {ping3.id}")
    finally:
        bot.terminate()
        bot_exit = bot.wait(timeout=30)
        proxy.close()
        events.close()
    assert bot_exit == 0, "the bot did not stop cleanly on SIGTERM"

    history = alice.messages.ListMessages(
        messages_pb2.ListMessagesRequest(channel_id=channel.id, after=str(int(ping1.id) - 1), limit=100)
    ).messages
    from_bot = sorted(m.reply_to_id for m in history if m.author.id == bot_id)
    assert from_bot == sorted([ping1.id, ping_resume.id, ping2.id, ping3.id]), history
    assert all(m.content == "pong" for m in history if m.author.id == bot_id)
    streamed = [
        e.message_created.message.reply_to_id
        for e in events.seen
        if kind(e) == "message_created" and e.message_created.message.author.id == bot_id
    ]
    assert sorted(streamed) == sorted([ping1.id, ping_resume.id, ping2.id, ping3.id]), streamed
    pongs = [line for line in out.lines if line.startswith("pong")]
    assert not any(line.startswith("resync") for line in out.lines[: out.lines.index("resumed")])
    assert pongs == [f"pong {p.id}" for p in (ping1, ping_resume, ping2, ping3)], out.lines
