//! Idle event streams against the real `decentra` binary (a child process, so its memory can
//! be read from `/proc`): opens `BENCH_STREAMS` streams, each on its own connection, closes
//! them all, and watches how much memory the server gives back.
//!
//!     cargo bench -p decentra --bench idle_streams
//!
//! Environment: `BENCH_STREAMS` (default 10000), `BENCH_SETTLE_SECS` how long to watch memory
//! after the streams close (default 30), `BENCH_DATABASE_URL` (default: SQLite in a temp dir;
//! a `postgres://…/db` URL of an empty database works too).
//!
//! The RSS figures are the server's, measured from outside; the client runs in this process.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use decentra_core::{Id, auth::tokens::TokenIssuer};
use decentra_sdk::{Client, proto};

mod support;

use support::{SECRET, env_num, mib, rss_kib, start_server};

const FIRST_ID: i64 = 1_000_000;

/// Inserts `n` users straight into the database (registration's argon2 is not under test).
async fn seed_users(database_url: &str, n: usize) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    macro_rules! seed {
        ($pool:expr) => {{
            let pool = $pool;
            let ids: Vec<i64> = (0..n as i64).map(|i| FIRST_ID + i).collect();
            for chunk in ids.chunks(500) {
                let mut tx = pool.begin().await.expect("tx");
                for id in chunk {
                    sqlx::query("INSERT INTO users (id, username, username_lower, password_hash, created_at) VALUES ($1, $2, $2, 'x', $3)")
                        .bind(id).bind(format!("idle{id}")).bind(now).execute(&mut *tx).await.expect("user");
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
}

#[tokio::main]
async fn main() {
    let streams = env_num("BENCH_STREAMS", 10_000).max(1);
    let settle = env_num("BENCH_SETTLE_SECS", 30).max(1);
    let server = start_server(&[]).await;
    let pid = server.child.id();
    seed_users(&server.database_url, streams).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_kib = rss_kib(pid);

    // One connection and one stream per user; each task holds its stream until told to stop.
    let issuer = TokenIssuer::new(SECRET.as_bytes(), Duration::from_secs(3600));
    let ready = Arc::new(tokio::sync::Barrier::new(streams + 1));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let opening = Arc::new(tokio::sync::Semaphore::new(64));
    let mut tasks = Vec::with_capacity(streams);
    let start = Instant::now();
    for i in 0..streams {
        let token = issuer
            .issue(Id(FIRST_ID + i as i64), Id(i as i64 + 1))
            .expect("token")
            .token;
        let (url, ready, opening) = (server.url.clone(), Arc::clone(&ready), Arc::clone(&opening));
        let mut stop = stop_rx.clone();
        tasks.push(tokio::spawn(async move {
            let permit = opening.acquire_owned().await.expect("semaphore");
            let client = Client::connect(url).await.expect("connect");
            client.set_tokens(&token, "").expect("token");
            let mut stream = client
                .event_service()
                .subscribe(proto::SubscribeRequest::default())
                .await
                .expect("subscribe")
                .into_inner();
            let _ = stream.message().await; // ready
            drop(permit);
            ready.wait().await;
            let _ = stop.wait_for(|s| *s).await;
            drop(stream);
            drop(client);
        }));
    }
    ready.wait().await;
    let opened = start.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let open_kib = rss_kib(pid);

    let _ = stop_tx.send(true);
    for t in tasks {
        let _ = t.await;
    }
    let closed = Instant::now();
    let mut after = Vec::new();
    for secs in [1, 2, 5, 10, 20, 30, 60] {
        if secs > settle {
            break;
        }
        tokio::time::sleep_until((closed + Duration::from_secs(secs as u64)).into()).await;
        after.push((secs, rss_kib(pid)));
    }

    println!("decentra idle streams benchmark ({streams} streams, one connection each)");
    println!("  idle RSS after start:   {:.1} MiB", mib(idle_kib));
    println!(
        "  RSS with streams open:  {:.1} MiB ({:.1} KiB per stream, opened in {:.1} s)",
        mib(open_kib),
        open_kib.saturating_sub(idle_kib) as f64 / streams as f64,
        opened.as_secs_f64()
    );
    let line: Vec<String> = after
        .iter()
        .map(|(s, kib)| format!("+{s}s {:.1}", mib(*kib)))
        .collect();
    println!("  RSS after all closed (MiB): {}", line.join(", "));
}
