//! The Rust SDK (`decentra-sdk`) against the real server binary: the echo bot built on
//! `decentra_sdk::bot::Commands` answers `!ping` with `pong`, the user sees the answer on
//! their own SDK event stream, and across a server restart (same data, SQLite and PostgreSQL)
//! a ping sent while the bot was reconnecting is answered exactly once. Also: the event
//! stream resumes from its cursor after a short disconnect (through a relay the test cuts),
//! and sessions are refreshed before expiry and renewed once after UNAUTHENTICATED.
//!
//! The echo bot is a `BotService` bot: created by the test user, added to her server with
//! AddBotToServer, running with its bot token.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::mpsc as std_mpsc,
    time::Duration,
};

use common::{Backend, TestServer, general_channel, join, pg};
use decentra_sdk::{
    Client,
    bot::Commands,
    events::{Backoff, Event, EventStream, ServerEvent},
    proto,
};
use tempfile::TempDir;
use tokio::sync::{mpsc, watch};

/// Longest wait for anything the test expects.
const WAIT: Duration = Duration::from_secs(30);

/// The server binary on one fixed port, so clients keep their address across restarts.
struct ServerProcess {
    port: u16,
    data_dir: TempDir,
    database_url: Option<String>,
    child: Option<Child>,
}

impl ServerProcess {
    async fn start(database_url: Option<String>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut server = Self {
            port,
            data_dir: TempDir::new().expect("temp dir"),
            database_url,
            child: None,
        };
        server.launch().await;
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the binary and returns once it logged that it listens (after migrations).
    async fn launch(&mut self) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_decentra"));
        cmd.env("DECENTRA_BIND", format!("127.0.0.1:{}", self.port))
            .env("DECENTRA_DATA_DIR", self.data_dir.path())
            .env("DECENTRA_LOG", "info")
            .env("DECENTRA_LOG_FORMAT", "pretty")
            .env("DECENTRA_AUTH_RATE_PER_IP", "10000")
            .env("DECENTRA_AUTH_RATE_PER_USERNAME", "10000")
            // Short, so a dead connection is noticed in seconds.
            .env("DECENTRA_HEARTBEAT_SECS", "1")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(url) = &self.database_url {
            cmd.env("DATABASE_URL", url);
        }
        let mut child = cmd.spawn().expect("start the decentra binary");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std_mpsc::channel();
        // Reads the log to its end (so the server never blocks on a full pipe).
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("listening") {
                    let _ = tx.send(());
                }
                println!("server: {line}");
            }
        });
        self.child = Some(child);
        let listening = tokio::task::spawn_blocking(move || rx.recv_timeout(WAIT))
            .await
            .expect("log reader");
        assert!(listening.is_ok(), "the server did not start listening");
    }

    /// SIGTERM; the server must exit cleanly.
    async fn stop(&mut self) {
        let mut child = self.child.take().expect("server running");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        let exit = tokio::task::spawn_blocking(move || child.wait())
            .await
            .expect("wait task")
            .expect("wait");
        assert!(exit.success(), "server exited with {exit}");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What the bot task reports: each event with the message ids it answered, and when it is
/// parked (held before reconnecting).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // nearly every report is an event
enum BotReport {
    Event(Event, Vec<String>),
    Parked,
}

/// Runs the echo bot on `stream`. After each `Reconnecting` event, while `hold` is true the
/// bot does not reconnect (the test's way to keep it away while the server restarts).
fn spawn_bot(
    mut bot: Commands,
    mut stream: EventStream,
    mut hold: watch::Receiver<bool>,
    reports: mpsc::UnboundedSender<BotReport>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(event) = stream.next().await {
            let event = event.expect("bot event stream");
            let handled = bot.handle(&event).await;
            for (id, e) in &handled.failed {
                println!("bot: could not answer {id}: {e}");
            }
            let answered = handled
                .replies
                .iter()
                .map(|m| m.reply_to_id.clone())
                .collect();
            let reconnecting = matches!(event, Event::Reconnecting(_));
            if reports.send(BotReport::Event(event, answered)).is_err() {
                return;
            }
            if reconnecting && *hold.borrow() {
                let _ = reports.send(BotReport::Parked);
                if hold.wait_for(|h| !*h).await.is_err() {
                    return;
                }
            }
        }
    })
}

/// The bot's reports, read with a timeout; every answered id is kept.
struct BotLog {
    rx: mpsc::UnboundedReceiver<BotReport>,
    answered: Vec<String>,
}

impl BotLog {
    async fn wait_for(&mut self, what: &str, mut matches: impl FnMut(&BotReport) -> bool) {
        let found = tokio::time::timeout(WAIT, async {
            while let Some(report) = self.rx.recv().await {
                if let BotReport::Event(_, answered) = &report {
                    self.answered.extend(answered.iter().cloned());
                }
                if matches(&report) {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(found, Ok(true), "the bot never reported {what}");
    }
}

/// The user's event stream: waits with a timeout, keeps every message the bot sent.
struct UserEvents {
    stream: EventStream,
    bot_id: String,
    from_bot: Vec<proto::Message>,
}

impl UserEvents {
    async fn wait_for(&mut self, what: &str, mut matches: impl FnMut(&ServerEvent) -> bool) {
        let found = tokio::time::timeout(WAIT, async {
            while let Some(event) = self.stream.next().await {
                let Event::Server(event) = event.expect("user event stream") else {
                    continue;
                };
                if let ServerEvent::MessageCreated(m) = &event
                    && let Some(m) = &m.message
                    && m.author.as_ref().is_some_and(|a| a.id == self.bot_id)
                {
                    self.from_bot.push(m.clone());
                }
                if matches(&event) {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(found, Ok(true), "the user never saw {what}");
    }

    async fn wait_for_reply_to(&mut self, ping: &proto::Message) {
        let id = ping.id.clone();
        self.wait_for(&format!("the pong to {id}"), |e| {
            matches!(e, ServerEvent::MessageCreated(m)
                if m.message.as_ref().is_some_and(|m| m.reply_to_id == id))
        })
        .await;
    }
}

fn quick_backoff() -> Backoff {
    Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(500),
    }
}

async fn echo_bot_answers_each_ping_once_across_a_restart(backend: Backend) {
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(pg::fresh_database().await),
    };
    let mut server = ServerProcess::start(database.as_ref().map(|d| d.url.clone())).await;
    let register = |name: &'static str, invite_code: Option<String>| {
        let url = server.url();
        async move {
            let client = Client::connect(url).await.expect("connect");
            let r = client
                .register(proto::RegisterRequest {
                    username: name.to_owned(),
                    password: format!("{name}-password"),
                    email: None,
                    invite_code,
                })
                .await
                .expect("register");
            (client, r.user.expect("user"))
        }
    };
    let (alice, _) = register("alice", None).await;
    // The echo bot is a bot account: alice creates it, adds it to her server, and it runs
    // with its bot token.
    let guild = common::create_server(&alice, "Bots").await;
    let created = alice
        .bots()
        .create_bot(proto::CreateBotRequest {
            name: "echo".into(),
            ..Default::default()
        })
        .await
        .expect("create bot")
        .into_inner();
    let echo_user = created.bot.and_then(|b| b.user).expect("bot user");
    alice
        .bots()
        .add_bot_to_server(proto::AddBotToServerRequest {
            bot_id: echo_user.id.clone(),
            server_id: guild.id.clone(),
        })
        .await
        .expect("add bot");
    let echo = Client::bot(server.url(), &created.token)
        .await
        .expect("bot client");
    assert!(echo.me().await.expect("bot me").is_bot);
    let channel = general_channel(&alice, &guild.id).await;
    let ping = || {
        let alice = alice.clone();
        let channel = channel.clone();
        async move {
            alice
                .send_message(&channel, "!ping")
                .await
                .expect("send !ping")
        }
    };

    let mut user = UserEvents {
        stream: alice.events().backoff(quick_backoff()),
        bot_id: echo_user.id.clone(),
        from_bot: Vec::new(),
    };
    user.wait_for("ready", |e| matches!(e, ServerEvent::Ready(_)))
        .await;

    let bot = Commands::new(echo.clone(), "!")
        .await
        .expect("bot")
        .command("ping", |_, _| "pong".to_owned());
    assert_eq!(bot.me().id, echo_user.id);
    let (hold_tx, hold_rx) = watch::channel(false);
    let (report_tx, report_rx) = mpsc::unbounded_channel();
    let bot_task = spawn_bot(
        bot,
        echo.events().backoff(quick_backoff()),
        hold_rx,
        report_tx,
    );
    let mut bot_log = BotLog {
        rx: report_rx,
        answered: Vec::new(),
    };
    bot_log
        .wait_for("ready", |r| {
            matches!(r, BotReport::Event(Event::Server(ServerEvent::Ready(_)), _))
        })
        .await;

    // 1. A live ping is answered, and alice sees the answer on her stream.
    let ping1 = ping().await;
    user.wait_for_reply_to(&ping1).await;
    let pong1 = user.from_bot.last().cloned().expect("pong");
    assert_eq!(pong1.content, "pong");
    assert_eq!(pong1.reply_to_id, ping1.id);

    // 2. The server stops; the bot's reconnects fail (attempt 2 is a failed connect), then the
    //    test holds it before its next attempt.
    server.stop().await;
    bot_log
        .wait_for(
            "a failed reconnect",
            |r| matches!(r, BotReport::Event(Event::Reconnecting(r), _) if r.attempt >= 2),
        )
        .await;
    hold_tx.send_replace(true);
    bot_log
        .wait_for("being parked", |r| matches!(r, BotReport::Parked))
        .await;

    // 3. The server comes back on the same data; alice resyncs and pings while the bot is away.
    server.launch().await;
    user.wait_for("resync_required", |e| {
        matches!(e, ServerEvent::ResyncRequired(_))
    })
    .await;
    user.wait_for("ready after the restart", |e| {
        matches!(e, ServerEvent::Ready(_))
    })
    .await;
    let ping2 = ping().await;

    // 4. The bot reconnects, is told to resync, reads what it missed and answers once.
    hold_tx.send_replace(false);
    bot_log
        .wait_for("resync_required", |r| {
            matches!(
                r,
                BotReport::Event(Event::Server(ServerEvent::ResyncRequired(_)), _)
            )
        })
        .await;
    bot_log
        .wait_for("ready after the restart", |r| {
            matches!(r, BotReport::Event(Event::Server(ServerEvent::Ready(_)), _))
        })
        .await;
    user.wait_for_reply_to(&ping2).await;

    // 5. Live again: a third ping; each ping got exactly one pong.
    let ping3 = ping().await;
    user.wait_for_reply_to(&ping3).await;
    let id3 = ping3.id.clone();
    bot_log
        .wait_for(
            "answering the third ping",
            |r| matches!(r, BotReport::Event(_, answered) if answered.contains(&id3)),
        )
        .await;
    bot_task.abort();

    let expected = vec![ping1.id.clone(), ping2.id.clone(), ping3.id.clone()];
    assert_eq!(bot_log.answered, expected, "the bot's answers");
    let streamed: Vec<_> = user
        .from_bot
        .iter()
        .map(|m| m.reply_to_id.clone())
        .collect();
    assert_eq!(streamed, expected, "pongs on alice's stream");
    let after = (ping1.id.parse::<u64>().expect("id") - 1).to_string();
    let history = alice
        .messages_after(&channel, &after, 100)
        .await
        .expect("history");
    let mut from_bot: Vec<_> = history
        .iter()
        .filter(|m| m.author.as_ref().is_some_and(|a| a.id == echo_user.id))
        .collect();
    from_bot.sort_by_key(|m| m.reply_to_id.parse::<u64>().unwrap_or(0));
    assert_eq!(
        from_bot
            .iter()
            .map(|m| m.reply_to_id.clone())
            .collect::<Vec<_>>(),
        expected,
        "pongs in the channel's history"
    );
    assert!(from_bot.iter().all(|m| m.content == "pong"));

    server.stop().await;
    drop(server);
    drop(database);
}

/// Access tokens are refreshed before they expire and once after UNAUTHENTICATED; a bot token
/// is never "refreshed"; errors carry their gRPC code.
async fn sessions_stay_valid_without_the_caller(backend: Backend) {
    // Access tokens live 30 s, inside the SDK's refresh margin: each call refreshes first.
    let server = TestServer::start_with(backend, |c| c.access_token_ttl_secs = 30).await;
    let (alice, _) = common::register(&server, "alice", None)
        .await
        .expect("register");
    let first = alice.refresh_token().expect("refresh token");
    assert_eq!(alice.me().await.expect("me").username, "alice");
    let second = alice.refresh_token().expect("refresh token");
    assert_ne!(first, second, "the SDK refreshed the expiring access token");
    // A session restored with an access token the server rejects (expiry unknown): renewed
    // once, then the call goes through.
    let restored = server.client().await;
    restored.set_tokens("not-a-token", &second).expect("tokens");
    assert_eq!(
        restored.me().await.expect("me after renewing").username,
        "alice"
    );
    assert_ne!(restored.refresh_token(), Some(second));
    // The event stream renews the same way: a rejected subscribe, one refresh, then `ready`.
    let streaming = server.client().await;
    let current = restored.refresh_token().expect("refresh token");
    streaming
        .set_tokens("not-a-token", &current)
        .expect("tokens");
    let mut stream = streaming.events();
    let first_event = tokio::time::timeout(WAIT, stream.next())
        .await
        .expect("an event in time")
        .expect("stream open")
        .expect("renewed and subscribed");
    assert!(
        matches!(first_event, Event::Server(ServerEvent::Ready(_))),
        "{first_event:?}"
    );
    assert_eq!(stream.connections(), 1);
    assert_ne!(streaming.refresh_token(), Some(current));
    // The server really rotated: the first refresh token is spent, and renewing with it
    // fails with the server's code.
    let spent = server.client().await;
    spent.set_tokens("not-a-token", &first).expect("tokens");
    assert_eq!(
        spent.me().await.expect_err("spent refresh token").code(),
        tonic::Code::Unauthenticated
    );

    // A bot token is sent as is; UNAUTHENTICATED comes back without any refresh attempt.
    let bot = Client::bot(server.url(), "no-such-bot-token")
        .await
        .expect("connect");
    let err = bot.me().await.expect_err("unknown bot token");
    assert_eq!(err.code(), tonic::Code::Unauthenticated);
    assert_eq!(bot.refresh_token(), None);
    server.stop().await;
}

/// A TCP relay in front of the server whose link the test can cut and restore.
struct Proxy {
    url: String,
    open: watch::Sender<bool>,
    relays: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(target: std::net::SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy addr"));
        let (open, open_rx) = watch::channel(true);
        let relays = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let tasks = std::sync::Arc::clone(&relays);
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !*open_rx.borrow() {
                    continue; // refused: dropped at once
                }
                let Ok(mut upstream) = tokio::net::TcpStream::connect(target).await else {
                    continue;
                };
                let relay = tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                });
                tasks.lock().expect("relays").push(relay);
            }
        });
        Self {
            url,
            open,
            relays,
            accept,
        }
    }

    /// Closes every relayed connection and refuses new ones until `restore`.
    fn cut(&self) {
        self.open.send_replace(false);
        for relay in self.relays.lock().expect("relays").drain(..) {
            relay.abort();
        }
    }

    fn restore(&self) {
        self.open.send_replace(true);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

/// The next item of `stream`, within [`WAIT`].
async fn next_event(stream: &mut EventStream) -> Event {
    tokio::time::timeout(WAIT, stream.next())
        .await
        .expect("an event in time")
        .expect("stream open")
        .expect("no stream error")
}

/// A short disconnect (the server keeps running): the stream reconnects, the server replays
/// what was missed from the stream's cursor, then `resumed`; no resync, nothing twice.
async fn event_stream_resumes_after_a_disconnect(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (alice, _) = common::register(&server, "alice", None)
        .await
        .expect("register");
    let guild = common::create_server(&alice, "Resume").await;
    let channel = general_channel(&alice, &guild.id).await;

    let proxy = Proxy::start(server.addr).await;
    let through_proxy = Client::connect(proxy.url.clone()).await.expect("connect");
    let refresh = alice.refresh_token().expect("refresh token");
    // The proxied client is alice too (a new session from her refresh token).
    through_proxy
        .set_tokens("unknown", &refresh)
        .expect("tokens");
    let mut stream = through_proxy.events().backoff(quick_backoff());
    let first = next_event(&mut stream).await;
    assert!(
        matches!(first, Event::Server(ServerEvent::Ready(_))),
        "{first:?}"
    );
    let before = alice
        .send_message(&channel, "before the cut")
        .await
        .expect("send");
    // Other events (alice's presence) may come first.
    loop {
        let live = next_event(&mut stream).await;
        if let Event::Server(ServerEvent::MessageCreated(m)) = &live {
            assert_eq!(
                m.message.as_ref().map(|m| m.id.as_str()),
                Some(before.id.as_str())
            );
            break;
        }
        assert!(matches!(live, Event::Server(_)), "{live:?}");
    }

    proxy.cut();
    let missed = alice
        .send_message(&channel, "while cut off")
        .await
        .expect("send");
    proxy.restore();

    let mut seen = Vec::new();
    loop {
        let event = next_event(&mut stream).await;
        let resumed = matches!(event, Event::Server(ServerEvent::Resumed(_)));
        seen.push(event);
        if resumed {
            break;
        }
    }
    assert!(
        matches!(seen.first(), Some(Event::Reconnecting(_))),
        "{seen:?}"
    );
    let replayed: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Server(ServerEvent::MessageCreated(m)) => {
                m.message.as_ref().map(|m| m.id.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        replayed,
        vec![missed.id],
        "replayed after the resume: {seen:?}"
    );
    assert!(
        !seen.iter().any(|e| matches!(
            e,
            Event::Server(ServerEvent::ResyncRequired(_) | ServerEvent::Ready(_))
        )),
        "{seen:?}"
    );
    assert_eq!(stream.connections(), 2);
    drop(stream);
    drop(proxy);
    server.stop().await;
}

/// The high-level API against the server: messages, history pages, servers, channels,
/// members, roles, friends, DMs, presence and uploads.
async fn high_level_api_round_trip(backend: Backend) {
    use futures::TryStreamExt;
    let server = TestServer::start(backend).await;
    let (alice, alice_reg) = common::register(&server, "alice", None)
        .await
        .expect("register");
    let alice_id = alice_reg.user.expect("user").id;
    let (bob, bob_id) = common::users(&server, &alice, &["bob"])
        .await
        .pop()
        .expect("bob");
    let guild = common::create_server(&alice, "Api").await;
    join(&alice, &bob, &guild.id).await;

    assert_eq!(alice.me().await.expect("me").id, alice_id);
    let servers = bob.servers_list().await.expect("servers");
    assert_eq!(
        servers.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        [guild.id.as_str()]
    );
    let channel = general_channel(&alice, &guild.id).await;
    assert!(
        bob.channels_of(&guild.id)
            .await
            .expect("channels")
            .iter()
            .any(|c| c.id == channel)
    );
    let mut members: Vec<_> = alice
        .members(&guild.id)
        .await
        .expect("members")
        .into_iter()
        .filter_map(|m| m.user.map(|u| u.username))
        .collect();
    members.sort();
    assert_eq!(members, ["alice", "bob"]);
    // The @everyone role's id is the server's id.
    assert!(
        alice
            .roles_of(&guild.id)
            .await
            .expect("roles")
            .iter()
            .any(|r| r.id == guild.id)
    );

    // Send, edit, delete.
    let m = alice.send_message(&channel, "hello").await.expect("send");
    let edited = alice
        .edit_message(&channel, &m.id, "hello, world")
        .await
        .expect("edit");
    assert_eq!(
        (edited.id.as_str(), edited.content.as_str()),
        (m.id.as_str(), "hello, world")
    );
    alice.delete_message(&channel, &m.id).await.expect("delete");
    let err = alice
        .edit_message(&channel, &m.id, "gone")
        .await
        .expect_err("edit a deleted message");
    assert_eq!(err.code(), tonic::Code::NotFound);

    // History: 150 messages come back as pages of 100 and 50, newest first, each once.
    alice
        .admin()
        .update_instance_settings(proto::UpdateInstanceSettingsRequest {
            message_rate_limit_per_minute: Some(10_000),
            ..Default::default()
        })
        .await
        .expect("raise the message rate limit");
    let mut sent = Vec::new();
    for i in 0..150 {
        sent.push(
            alice
                .send_message(&channel, &format!("m{i}"))
                .await
                .expect("send")
                .id,
        );
    }
    let pages: Vec<Vec<proto::Message>> =
        bob.history(&channel).try_collect().await.expect("history");
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [100, 50]);
    let read: Vec<String> = pages.into_iter().flatten().map(|m| m.id).collect();
    sent.reverse();
    assert_eq!(read, sent);

    // Friends and DMs.
    alice.add_friend("bob").await.expect("friend request");
    bob.relationships()
        .accept_friend_request(proto::AcceptFriendRequestRequest {
            user_id: alice_id.clone(),
        })
        .await
        .expect("accept");
    let friends = alice.friends().await.expect("friends");
    assert_eq!(
        friends.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        [bob_id.as_str()]
    );
    let dm = alice.open_dm(&bob_id).await.expect("open dm");
    assert_eq!(bob.open_dm(&alice_id).await.expect("open dm").id, dm.id);

    // Presence and uploads.
    alice
        .set_presence(proto::PresenceStatus::Dnd)
        .await
        .expect("presence");
    let file = alice
        .upload_file(&dm.id, "note.txt", "text/plain", b"hi bob".to_vec())
        .await
        .expect("upload");
    assert_eq!((file.filename.as_str(), file.size), ("note.txt", 6));
    let with_file = alice
        .send(proto::SendMessageRequest {
            channel_id: dm.id.clone(),
            content: "see attached".to_owned(),
            attachment_ids: vec![file.id.clone()],
            ..Default::default()
        })
        .await
        .expect("send with attachment");
    assert_eq!(with_file.attachments.len(), 1);
    let err = alice
        .upload_file(&dm.id, "", "", Vec::new())
        .await
        .expect_err("no file name");
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    server.stop().await;
}

backend_tests!(
    high_level_api_round_trip,
    echo_bot_answers_each_ping_once_across_a_restart,
    sessions_stay_valid_without_the_caller,
    event_stream_resumes_after_a_disconnect
);
