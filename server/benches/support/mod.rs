//! What the process-level benchmarks share: the real `decentra` binary as a child process on a
//! fresh data directory (so its memory and CPU can be read from `/proc`), and those readings.

#![allow(dead_code)] // each bench uses its own subset

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use decentra_sdk::{Client, proto};

/// JWT key the server runs with, so a bench can mint tokens for seeded users.
pub const SECRET: &str = "bench-secret-bench-secret-bench-secret-0123";

/// A numeric setting from the environment, or `default`.
pub fn env_num(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of a process, in KiB (0 if unreadable).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// CPU seconds (user + system) the process has used so far.
pub fn cpu_secs(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // Fields after the ")" that closes the command name; utime and stime are 14 and 15.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

/// CPU seconds the whole machine has been busy so far (every CPU; from `/proc/stat`: all but
/// idle, I/O wait and time stolen by the hypervisor), so a bench can show what the database
/// and the load generator cost next to the server.
pub fn machine_busy_secs() -> f64 {
    std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|s| {
            let ticks: Vec<f64> = s
                .lines()
                .next()?
                .split_whitespace()
                .skip(1)
                .filter_map(|v| v.parse().ok())
                .collect();
            // user nice system idle iowait irq softirq steal …
            let busy = ticks.iter().take(7).sum::<f64>() - ticks.get(3)? - ticks.get(4)?;
            Some(busy / 100.0)
        })
        .unwrap_or(0.0)
}

/// The server under test; killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub database_url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the release binary (or `BENCH_SERVER_BIN`) on a free port with `extra` environment
/// on top of the common settings (`BENCH_DATABASE_URL`, default SQLite in a temp dir), and
/// waits until it answers.
pub async fn start_server(extra: &[(&str, &str)]) -> Server {
    start_server_on(std::env::var("BENCH_DATABASE_URL").ok(), extra).await
}

/// [`start_server`] on the database at `database_url` (None: SQLite in a temp dir).
pub async fn start_server_on(database_url: Option<String>, extra: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let database_url = database_url
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    // `BENCH_SERVER_BIN` runs another build of the server (say, the previous commit's) under
    // the same load generator.
    let bin = std::env::var("BENCH_SERVER_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_decentra").to_owned());
    let child = Command::new(bin)
        .env("DECENTRA_BIND", format!("127.0.0.1:{port}"))
        .env("DECENTRA_DATA_DIR", dir.path())
        .env("DATABASE_URL", &database_url)
        .env("DECENTRA_JWT_SECRET", SECRET)
        .env("DECENTRA_LOG", "warn")
        .envs(extra.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn decentra");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(c) = Client::connect(url.clone()).await
            && c.auth()
                .get_instance_info(proto::GetInstanceInfoRequest {})
                .await
                .is_ok()
        {
            break;
        }
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server {
        child,
        url,
        database_url,
        _dir: dir,
    }
}

/// Registers the instance owner (the first account, so an admin), lifts the per-user send
/// budget far above what a person sends, and creates the server the benchmark runs in.
pub async fn owner_with_server(server: &Server) -> (Client, proto::Server) {
    let owner = Client::connect(server.url.clone()).await.expect("connect");
    owner
        .register(proto::RegisterRequest {
            username: "owner".into(),
            password: "owner-password".into(),
            ..Default::default()
        })
        .await
        .expect("register");
    owner
        .admin()
        .update_instance_settings(proto::UpdateInstanceSettingsRequest {
            message_rate_limit_per_minute: Some(100_000),
            ..Default::default()
        })
        .await
        .expect("settings");
    let guild = owner
        .servers()
        .create_server(proto::CreateServerRequest {
            name: "Bench".into(),
            ..Default::default()
        })
        .await
        .expect("server")
        .into_inner()
        .server
        .expect("server");
    (owner, guild)
}

/// A PostgreSQL database that exists for one run and is dropped afterwards.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    /// The database's URL.
    pub url: String,
}

impl PgDatabase {
    /// A fresh database named for the bench, this process and `tag`.
    pub async fn create(admin_url: &str, bench: &str, tag: &str) -> Self {
        let name = format!("{bench}_{}_{tag}", std::process::id());
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(admin_url)
            .await
            .expect("connect to PostgreSQL");
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .expect("create database");
        }
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url, |(base, _)| base);
        Self {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }

    /// Drops the database (its connections are ended).
    pub async fn drop_now(self) {
        if let Ok(mut conn) =
            <sqlx::PgConnection as sqlx::Connection>::connect(&self.admin_url).await
        {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .execute(&mut conn)
            .await;
        }
    }
}

/// NATS for a `cluster` run (`BENCH_NATS_URL`, else `TEST_NATS_URL`, else the default
/// port), if one answers.
pub fn nats_url() -> Option<String> {
    let url = std::env::var("BENCH_NATS_URL")
        .or_else(|_| std::env::var("TEST_NATS_URL"))
        .unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned());
    let addr = url.trim_start_matches("nats://").to_owned();
    std::net::TcpStream::connect(addr).ok().map(|_| url)
}

/// Deletes what a `cluster` run left in NATS (its stream and key-value buckets).
pub async fn drop_nats(url: &str, prefix: &str) {
    let Ok(client) = async_nats::connect(url).await else {
        return;
    };
    let js = async_nats::jetstream::new(client);
    let p = prefix.to_ascii_uppercase();
    for stream in [
        format!("{p}_EVENTS"),
        format!("KV_{p}_PRESENCE"),
        format!("KV_{p}_NODES"),
        format!("KV_{p}_NODE_IDS"),
        format!("KV_{p}_CELLS"),
        format!("KV_{p}_CELLS_LONG"),
        format!("KV_{p}_CHOSEN"),
        format!("KV_{p}_VOICE"),
    ] {
        let _ = js.delete_stream(&stream).await;
    }
}
