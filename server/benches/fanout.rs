//! Fan-out benchmark against the real `decentra` binary (a child process, so its memory can
//! be read): N members each hold their own connection and event stream; one member sends
//! messages; every delivery's send→receive latency is recorded.
//!
//!     cargo bench -p decentra --bench fanout
//!
//! Backends (`BENCH_BACKENDS`, default `single,postgres,cluster`): `single` is one node on
//! `BENCH_DATABASE_URL` (default: SQLite in a temp dir; a `postgres://…/db` URL of an empty
//! database works too); `postgres` one node on a fresh PostgreSQL database on the server
//! named by `BENCH_PG_URL` (or `TEST_DATABASE_URL`); `cluster` three nodes (processes) on one
//! fresh PostgreSQL database sharing events through NATS JetStream (`BENCH_NATS_URL`, else
//! `TEST_NATS_URL`, else the default port), the members spread round robin over the nodes and
//! the sender on the first; memory and CPU are the three processes' sum. Next to `postgres`
//! it shows what the bus costs. Backends without their services are skipped.
//!
//! Environment: `BENCH_MEMBERS` (default 1000), `BENCH_MESSAGES` (default 200),
//! `BENCH_RATE` messages/s for the latency run (default 50), `BENCH_SENDERS` concurrent
//! senders of the burst (default 8).
//! Prints idle RSS, RSS per open stream, latency percentiles and deliveries per second.

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use decentra_core::{Id, auth::tokens::TokenIssuer};
use decentra_sdk::{Client, proto};
use proto::subscribe_response::Event;
use tokio::sync::mpsc;

mod support;

use support::{
    PgDatabase, SECRET, Server, cpu_secs, drop_nats, env_num, nats_url, owner_with_server, rss_kib,
    start_server, start_server_on,
};

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// Inserts `n` members straight into the database (registration's argon2 would dominate).
async fn seed_members(database_url: &str, server_id: i64, n: usize) -> Vec<i64> {
    let ids: Vec<i64> = (0..n as i64).map(|i| server_id + 1_000_000 + i).collect();
    let now = (now_ns() / 1_000_000) as i64;
    macro_rules! seed {
        ($pool:expr) => {{
            let pool = $pool;
            for chunk in ids.chunks(500) {
                let mut tx = pool.begin().await.expect("tx");
                for id in chunk {
                    sqlx::query("INSERT INTO users (id, username, username_lower, password_hash, created_at) VALUES ($1, $2, $2, 'x', $3)")
                        .bind(id).bind(format!("bench{id}")).bind(now).execute(&mut *tx).await.expect("user");
                    sqlx::query("INSERT INTO members (server_id, user_id, joined_at) VALUES ($1, $2, $3)")
                        .bind(server_id).bind(id).bind(now).execute(&mut *tx).await.expect("member");
                }
                tx.commit().await.expect("commit");
            }
            pool.close().await;
        }};
    }
    if database_url.starts_with("sqlite") {
        seed!(
            sqlx::SqlitePool::connect(database_url)
                .await
                .expect("sqlite")
        );
    } else {
        seed!(sqlx::PgPool::connect(database_url).await.expect("pg"));
    }
    ids
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx] as f64 / 1_000.0
}

/// Settings every node of a run starts with.
const COMMON_ENV: [(&str, &str); 2] = [
    ("DECENTRA_AUTH_RATE_PER_IP", "100000"),
    ("DECENTRA_EVENT_QUEUE_CAPACITY", "4096"),
];

#[tokio::main]
async fn main() {
    let backends =
        std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "single,postgres,cluster".to_owned());
    let pg_admin = std::env::var("BENCH_PG_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .ok();
    for backend in backends.split(',').map(str::trim) {
        match backend {
            "single" => {
                let server = start_server(&COMMON_ENV).await;
                let name = if server.database_url.starts_with("sqlite") {
                    "1 node, SQLite"
                } else {
                    "1 node, PostgreSQL"
                };
                run(name, vec![server]).await;
            }
            "postgres" => {
                let Some(admin) = pg_admin.as_deref() else {
                    println!("PostgreSQL skipped: set BENCH_PG_URL or TEST_DATABASE_URL");
                    continue;
                };
                let db = PgDatabase::create(admin, "fanout", "single").await;
                let server = start_server_on(Some(db.url.clone()), &COMMON_ENV).await;
                run("1 node, PostgreSQL", vec![server]).await;
                db.drop_now().await;
            }
            "cluster" => {
                let (Some(admin), Some(nats)) = (pg_admin.as_deref(), nats_url()) else {
                    println!("3 nodes skipped: needs PostgreSQL (BENCH_PG_URL) and NATS");
                    continue;
                };
                let db = PgDatabase::create(admin, "fanout", "cluster").await;
                let prefix = format!("fanout{}", std::process::id());
                let mut env = COMMON_ENV.to_vec();
                env.push(("DECENTRA_NATS_URL", nats.as_str()));
                env.push(("DECENTRA_NATS_PREFIX", prefix.as_str()));
                let mut servers = Vec::with_capacity(3);
                for _ in 0..3 {
                    servers.push(start_server_on(Some(db.url.clone()), &env).await);
                }
                run("3 nodes, NATS JetStream + PostgreSQL", servers).await;
                drop_nats(&nats, &prefix).await;
                db.drop_now().await;
            }
            other => panic!("unknown backend {other:?} (single, postgres, cluster)"),
        }
    }
}

/// One run against `servers` (one node, or several sharing a database and NATS); prints its
/// figures under `name`. The servers are stopped at the end.
async fn run(name: &str, servers: Vec<Server>) {
    let members = env_num("BENCH_MEMBERS", 1000);
    let messages = env_num("BENCH_MESSAGES", 200);
    let rate = env_num("BENCH_RATE", 50).max(1);
    let pids: Vec<u32> = servers.iter().map(|s| s.child.id()).collect();
    let rss = |pids: &[u32]| pids.iter().map(|p| rss_kib(*p)).sum::<u64>();
    let cpu = |pids: &[u32]| pids.iter().map(|p| cpu_secs(*p)).sum::<f64>();
    let server = &servers[0];
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_kib = rss(&pids);

    let (owner, guild) = owner_with_server(server).await;
    let server_id: i64 = guild.id.parse().expect("id");
    let user_ids = seed_members(&server.database_url, server_id, members).await;
    // Any permission change makes the server reload its member list.
    owner
        .roles()
        .create_role(proto::CreateRoleRequest {
            server_id: guild.id.clone(),
            name: "reload".into(),
            ..Default::default()
        })
        .await
        .expect("role");
    let channel = owner
        .channels()
        .list_channels(proto::ListChannelsRequest {
            server_id: guild.id.clone(),
        })
        .await
        .expect("channels")
        .into_inner()
        .channels
        .into_iter()
        .find(|c| c.name == "general")
        .expect("general")
        .id;

    // One connection and one stream per member.
    let issuer = TokenIssuer::new(SECRET.as_bytes(), Duration::from_secs(3600));
    let (tx, mut rx) = mpsc::unbounded_channel::<u64>();
    let ready = Arc::new(tokio::sync::Barrier::new(members + 1));
    let before_streams = rss(&pids);
    for (i, uid) in user_ids.iter().enumerate() {
        let token = issuer
            .issue(Id(*uid), Id(i as i64 + 1))
            .expect("token")
            .token;
        let url = servers[i % servers.len()].url.clone();
        let tx = tx.clone();
        let ready = Arc::clone(&ready);
        tokio::spawn(async move {
            let client = Client::connect(url).await.expect("connect");
            client.set_tokens(&token, "").expect("token");
            let mut stream = client
                .event_service()
                .subscribe(proto::SubscribeRequest::default())
                .await
                .expect("subscribe")
                .into_inner();
            // Ready first; then every created message reports its latency.
            let _ = stream.message().await;
            ready.wait().await;
            while let Ok(Some(msg)) = stream.message().await {
                if let Some(Event::MessageCreated(m)) = msg.event
                    && let Some(sent) = m.message.and_then(|m| {
                        m.content
                            .split_whitespace()
                            .next()
                            .and_then(|t| t.parse::<u128>().ok())
                    })
                {
                    let _ = tx.send(((now_ns().saturating_sub(sent)) / 1_000) as u64);
                }
            }
        });
    }
    drop(tx);
    ready.wait().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_streams = rss(&pids);

    let (owner, channel) = (owner.clone(), channel.clone());
    let send = move |content: String| {
        let mut m = owner.messages();
        let channel = channel.clone();
        async move {
            m.send_message(proto::SendMessageRequest {
                channel_id: channel,
                content,
                ..Default::default()
            })
            .await
            .expect("send");
        }
    };

    // 1. Latency at steady rates: a light one and the configured one.
    let mut runs = Vec::new();
    for rate in [rate.min(10), rate] {
        let mut latencies = Vec::with_capacity(members * messages);
        let period = Duration::from_secs_f64(1.0 / rate as f64);
        let mut tick = tokio::time::interval(period);
        let count = if rate <= 10 { messages / 4 } else { messages };
        for _ in 0..count {
            tick.tick().await;
            send(format!("{} latency", now_ns())).await;
        }
        while latencies.len() < members * count {
            match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
                Ok(Some(l)) => latencies.push(l),
                _ => break,
            }
        }
        latencies.sort_unstable();
        runs.push((rate, count, latencies));
    }

    // 2. Throughput: several senders as fast as they can; count deliveries until all arrive.
    let senders = env_num("BENCH_SENDERS", 8).max(1);
    let burst = messages - messages % senders;
    let cpu_before = cpu(&pids);
    let start = Instant::now();
    let sender = {
        let send = send.clone();
        tokio::spawn(async move {
            let mut tasks = Vec::new();
            for _ in 0..senders {
                let send = send.clone();
                tasks.push(tokio::spawn(async move {
                    for _ in 0..burst / senders {
                        send(format!("{} burst", now_ns())).await;
                    }
                }));
            }
            for t in tasks {
                let _ = t.await;
            }
        })
    };
    let mut delivered = 0usize;
    while delivered < members * burst {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(_)) => delivered += 1,
            _ => break,
        }
    }
    let elapsed = start.elapsed();
    let server_cpu = cpu(&pids) - cpu_before;
    let _ = sender.await;

    println!("decentra fan-out benchmark ({name})");
    println!("  members online (one connection + stream each): {members}");
    println!(
        "  idle RSS after start:                           {:.1} MiB{}",
        idle_kib as f64 / 1024.0,
        if pids.len() > 1 { " (all nodes)" } else { "" }
    );
    println!(
        "  RSS per open stream:                            {:.1} KiB",
        with_streams.saturating_sub(before_streams) as f64 / members as f64
    );
    for (rate, count, latencies) in &runs {
        println!(
            "  latency send→receive at {rate} msg/s ({} deliveries of {}): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            latencies.len(),
            members * count,
            percentile(latencies, 0.50),
            percentile(latencies, 0.99),
            latencies.last().copied().unwrap_or_default() as f64 / 1000.0,
        );
    }
    println!(
        "  burst ({senders} concurrent senders): {burst} messages → {delivered} deliveries in {:.2} s = {:.0} deliveries/s ({:.0} messages/s sent)",
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64(),
        burst as f64 / elapsed.as_secs_f64(),
    );
    println!(
        "  server CPU during the burst{}: {server_cpu:.2} s = {:.1} µs per delivery (≈ {:.0} deliveries/s per core); the rest of the 2 cores decoded on the client side",
        if pids.len() > 1 { " (all nodes)" } else { "" },
        server_cpu * 1e6 / delivered.max(1) as f64,
        delivered as f64 / server_cpu.max(0.01),
    );
}
