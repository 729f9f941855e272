//! Durable sends against the real `decentra` binary (a child process, so its CPU can be read
//! from `/proc`): 32 members, each on their own connection like a real client, send messages
//! as fast as the server acknowledges them. An acknowledgement means the message is committed.
//!
//!     cargo bench -p decentra --bench durable_send
//!
//! Two shapes: every sender in its own channel ("32 channels") and all senders in one channel
//! ("1 channel", where per-channel contention shows). Backends: SQLite in a temp dir, and
//! PostgreSQL in a fresh database created for each run on the server named by
//! `BENCH_PG_URL` (or `TEST_DATABASE_URL`; PostgreSQL is skipped when neither is set).
//!
//! Backend `cluster`: three nodes (processes) on one fresh PostgreSQL database sharing events
//! through NATS JetStream (`BENCH_NATS_URL`, else `TEST_NATS_URL`, else the default port;
//! skipped if none answers), the senders spread round robin over the nodes; server CPU is the
//! three processes' sum. Next to `postgres` it shows what the bus costs.
//!
//! Environment: `BENCH_SENDERS` (default 32), `BENCH_MESSAGES` per sender (default 1000, a
//! few seconds per run: sub-second runs of 250 measured 20–30 % fewer msg/s, and noisier),
//! `BENCH_BACKENDS` (default `sqlite,postgres,cluster`), `BENCH_SHAPES` (default
//! `channels,channel`).
//! Prints msg/s, server CPU µs per message and p50/p99 acknowledgement latency, and the CPU
//! per message of the load generator and of everything else on the machine (the database).
//!
//! Profiling: with `BENCH_PERF=<prefix>` the timed phase of each run is recorded by
//! `perf record -g` attached to the server (`<prefix>-<backend>-<shape>.data`); read it with
//! `perf report -i <file>`. The figures of such a run include perf's own overhead.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use decentra_core::{Id, auth::tokens::TokenIssuer};
use decentra_sdk::{Client, proto};

mod support;

use support::{
    PgDatabase, SECRET, Server, cpu_secs, drop_nats, env_num, machine_busy_secs, nats_url,
    owner_with_server, start_server_on,
};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Inserts `n` members straight into the database (registration's argon2 is not measured).
async fn seed_members(database_url: &str, server_id: i64, n: usize) -> Vec<i64> {
    let ids: Vec<i64> = (0..n as i64).map(|i| server_id + 1_000_000 + i).collect();
    let now = now_ms();
    macro_rules! seed {
        ($pool:expr) => {{
            let pool = $pool;
            let mut tx = pool.begin().await.expect("tx");
            for id in &ids {
                sqlx::query("INSERT INTO users (id, username, username_lower, password_hash, created_at) VALUES ($1, $2, $2, 'x', $3)")
                    .bind(id).bind(format!("sender{id}")).bind(now).execute(&mut *tx).await.expect("user");
                sqlx::query("INSERT INTO members (server_id, user_id, joined_at) VALUES ($1, $2, $3)")
                    .bind(server_id).bind(id).bind(now).execute(&mut *tx).await.expect("member");
            }
            tx.commit().await.expect("commit");
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

/// A server with `senders` members and the channels they send to (one per sender, or one
/// shared), each sender already connected with its own token to one of `urls` (round robin).
async fn prepare(
    server: &Server,
    urls: &[String],
    senders: usize,
    shared: bool,
) -> Vec<(Client, String)> {
    let (owner, guild) = owner_with_server(server).await;
    let server_id: i64 = guild.id.parse().expect("id");
    let channel_count = if shared { 1 } else { senders };
    let mut channels = Vec::with_capacity(channel_count);
    for i in 0..channel_count {
        let channel = owner
            .channels()
            .create_channel(proto::CreateChannelRequest {
                server_id: guild.id.clone(),
                name: format!("load-{i}"),
                r#type: proto::ChannelType::Text as i32,
                ..Default::default()
            })
            .await
            .expect("channel")
            .into_inner()
            .channel
            .expect("channel");
        channels.push(channel.id);
    }
    let user_ids = seed_members(&server.database_url, server_id, senders).await;
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
    let issuer = TokenIssuer::new(SECRET.as_bytes(), Duration::from_secs(3600));
    let mut out = Vec::with_capacity(senders);
    for (i, uid) in user_ids.iter().enumerate() {
        let token = issuer
            .issue(Id(*uid), Id(i as i64 + 1))
            .expect("token")
            .token;
        let client = Client::connect(urls[i % urls.len()].clone())
            .await
            .expect("connect");
        client.set_tokens(&token, "").expect("token");
        out.push((client, channels[i % channels.len()].clone()));
    }
    out
}

/// Each sender sends `count` messages one after another; returns every ack latency (µs).
async fn send_all(senders: &[(Client, String)], count: usize, tag: &str) -> Vec<u64> {
    let mut tasks = Vec::with_capacity(senders.len());
    for (i, (client, channel)) in senders.iter().enumerate() {
        let mut messages = client.messages();
        let channel = channel.clone();
        let tag = tag.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(count);
            for n in 0..count {
                let start = Instant::now();
                messages
                    .send_message(proto::SendMessageRequest {
                        channel_id: channel.clone(),
                        content: format!("{tag} {i}/{n}: the quick brown fox"),
                        ..Default::default()
                    })
                    .await
                    .expect("send");
                latencies.push(start.elapsed().as_micros() as u64);
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("sender"));
    }
    all
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx] as f64 / 1_000.0
}

struct Figures {
    rate: f64,
    cpu_us: f64,
    /// CPU per message of this process (the load generator).
    client_us: f64,
    /// CPU per message of everything else on the machine: the database, the kernel's work
    /// for other processes.
    rest_us: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

/// With `BENCH_PERF=<prefix>`, starts `perf record -g` on the server for the timed phase,
/// writing `<prefix>-<profile>.data`.
fn perf_record(pid: u32, profile: &str) -> Option<std::process::Child> {
    let prefix = std::env::var("BENCH_PERF").ok()?;
    let out = format!("{prefix}-{profile}.data");
    let child = std::process::Command::new("perf")
        .args([
            "record",
            "-F",
            "999",
            "-g",
            "-o",
            &out,
            "-p",
            &pid.to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .inspect_err(|e| eprintln!("  perf not started: {e}"))
        .ok()?;
    // perf needs a moment to attach before the load starts.
    std::thread::sleep(Duration::from_millis(500));
    println!("  recording the server (pid {pid}) with perf into {out}");
    Some(child)
}

/// Stops a `perf record` (SIGINT makes it write its file) and waits for it.
fn perf_stop(mut perf: std::process::Child) {
    let _ = std::process::Command::new("kill")
        .args(["-INT", &perf.id().to_string()])
        .status();
    let _ = perf.wait();
}

async fn run(
    database_url: Option<String>,
    nodes: usize,
    senders: usize,
    per_sender: usize,
    shared: bool,
    profile: &str,
) -> Figures {
    let mut env = vec![("DECENTRA_AUTH_RATE_PER_IP", "100000".to_owned())];
    let nats = (nodes > 1).then(|| nats_url().expect("NATS"));
    let prefix = format!("bench{}", std::process::id());
    if let Some(url) = &nats {
        env.push(("DECENTRA_NATS_URL", url.clone()));
        env.push(("DECENTRA_NATS_PREFIX", prefix.clone()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut servers = Vec::with_capacity(nodes);
    for _ in 0..nodes.max(1) {
        servers.push(start_server_on(database_url.clone(), &env).await);
    }
    let pids: Vec<u32> = servers.iter().map(|s| s.child.id()).collect();
    let pid = pids[0];
    let urls: Vec<String> = servers.iter().map(|s| s.url.clone()).collect();
    let clients = prepare(&servers[0], &urls, senders, shared).await;
    // Warm up connections, caches and prepared statements.
    send_all(&clients, 5, "warm-up").await;
    let perf = perf_record(pid, profile);
    let cpu_of = |pids: &[u32]| pids.iter().map(|p| cpu_secs(*p)).sum::<f64>();
    let me = std::process::id();
    let (cpu_before, client_before, machine_before) =
        (cpu_of(&pids), cpu_secs(me), machine_busy_secs());
    let start = Instant::now();
    let mut latencies = send_all(&clients, per_sender, "load").await;
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_of(&pids) - cpu_before;
    let client = cpu_secs(me) - client_before;
    let rest = machine_busy_secs() - machine_before - cpu - client;
    drop(servers);
    if let Some(url) = &nats {
        drop_nats(url, &prefix).await;
    }
    if let Some(perf) = perf {
        perf_stop(perf);
    }
    latencies.sort_unstable();
    let total = latencies.len();
    Figures {
        rate: total as f64 / elapsed,
        cpu_us: cpu * 1e6 / total.max(1) as f64,
        client_us: client * 1e6 / total.max(1) as f64,
        rest_us: rest.max(0.0) * 1e6 / total.max(1) as f64,
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
        max_ms: latencies.last().copied().unwrap_or_default() as f64 / 1_000.0,
    }
}

#[tokio::main]
async fn main() {
    let senders = env_num("BENCH_SENDERS", 32).max(1);
    let per_sender = env_num("BENCH_MESSAGES", 1000).max(1);
    let backends =
        std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres,cluster".to_owned());
    let shapes = std::env::var("BENCH_SHAPES").unwrap_or_else(|_| "channels,channel".to_owned());
    let pg_admin = std::env::var("BENCH_PG_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .ok();
    println!(
        "decentra durable-send benchmark: {senders} senders (one connection each), {per_sender} messages each"
    );
    for backend in backends.split(',').map(str::trim) {
        for shape in shapes.split(',').map(str::trim) {
            let shared = match shape {
                "channel" => true,
                "channels" => false,
                other => panic!("unknown shape {other:?} (channels, channel)"),
            };
            let label = if shared {
                "1 channel".to_owned()
            } else {
                format!("{senders} channels")
            };
            let (name, figures) = match backend {
                "sqlite" => (
                    "SQLite",
                    run(
                        None,
                        1,
                        senders,
                        per_sender,
                        shared,
                        &format!("sqlite-{shape}"),
                    )
                    .await,
                ),
                "postgres" => {
                    let Some(admin) = pg_admin.as_deref() else {
                        println!("  PostgreSQL skipped: set BENCH_PG_URL or TEST_DATABASE_URL");
                        continue;
                    };
                    let db = PgDatabase::create(admin, "durable_send", shape).await;
                    let figures = run(
                        Some(db.url.clone()),
                        1,
                        senders,
                        per_sender,
                        shared,
                        &format!("postgres-{shape}"),
                    )
                    .await;
                    db.drop_now().await;
                    ("PostgreSQL", figures)
                }
                "cluster" => {
                    let (Some(admin), Some(_)) = (pg_admin.as_deref(), nats_url()) else {
                        println!("  3 nodes skipped: needs PostgreSQL (BENCH_PG_URL) and NATS");
                        continue;
                    };
                    let db = PgDatabase::create(admin, "durable_send", &format!("cluster_{shape}"))
                        .await;
                    let figures = run(
                        Some(db.url.clone()),
                        3,
                        senders,
                        per_sender,
                        shared,
                        &format!("cluster-{shape}"),
                    )
                    .await;
                    db.drop_now().await;
                    ("3 nodes", figures)
                }
                other => panic!("unknown backend {other:?} (sqlite, postgres, cluster)"),
            };
            println!(
                "  {name:<10} {label:<11}: {:>7.0} msg/s, server CPU {:>6.1} µs/msg, ack p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                figures.rate, figures.cpu_us, figures.p50_ms, figures.p99_ms, figures.max_ms
            );
            println!(
                "  {:<23}  the rest of the machine per message: load generator {:.1} µs, everything else (database, …) {:.1} µs",
                "", figures.client_us, figures.rest_us
            );
        }
    }
}
