//! Sign-up/sign-in burst against the real `decentra` binary (a child process, so its memory can
//! be read from `/proc`): registers `BENCH_USERS` accounts, then logs in as many times, with
//! `BENCH_IN_FLIGHT` requests in flight, while a sampler records the server's resident memory.
//!
//!     cargo bench -p decentra --bench auth_burst
//!
//! Environment: `BENCH_USERS` (default 1000), `BENCH_IN_FLIGHT` (default 50),
//! `BENCH_SETTLE_SECS` how long to watch memory after the burst (default 10),
//! `BENCH_DATABASE_URL` (default: SQLite in a temp dir; a `postgres://…/db` URL of an empty
//! database works too). Extra `DECENTRA_*` variables are passed through to the server.
//!
//! Prints idle RSS, peak RSS during each phase, and RSS at intervals after the burst. Every
//! argon2id hash needs 19 MiB, so the peak shows how many run at once and whether their
//! memory is reused; the figures after the burst show whether the allocator gives it back.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use decentra_sdk::{Client, proto};

mod support;

use support::{env_num, mib, rss_kib, start_server};

const PASSWORD: &str = "bench-password-1234";

/// Samples the server's RSS every 5 ms on its own thread and keeps the maximum.
struct PeakSampler {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl PeakSampler {
    fn start(pid: u32) -> Self {
        let peak = Arc::new(AtomicU64::new(rss_kib(pid)));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (peak, stop) = (Arc::clone(&peak), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        Self {
            peak,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops sampling and returns the peak in KiB.
    fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.peak.load(Ordering::Relaxed)
    }
}

#[derive(Clone, Copy)]
enum Phase {
    Register,
    Login,
}

/// Runs `total` operations with `in_flight` workers, each on its own connection.
/// Returns (elapsed, failures).
async fn burst(url: &str, phase: Phase, total: usize, in_flight: usize) -> (Duration, usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..in_flight {
        let client = Client::connect(url.to_owned()).await.expect("connect");
        let (next, failed) = (Arc::clone(&next), Arc::clone(&failed));
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let username = format!("user{i}");
                let r = match phase {
                    Phase::Register => client
                        .register(proto::RegisterRequest {
                            username,
                            password: PASSWORD.into(),
                            ..Default::default()
                        })
                        .await
                        .map(drop),
                    Phase::Login => client.login(&username, PASSWORD).await.map(drop),
                };
                if let Err(e) = r
                    && failed.fetch_add(1, Ordering::Relaxed) < 3
                {
                    eprintln!("request {i} failed: {e}");
                }
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    (start.elapsed(), failed.load(Ordering::Relaxed))
}

#[tokio::main]
async fn main() {
    let users = env_num("BENCH_USERS", 1000).max(1);
    let in_flight = env_num("BENCH_IN_FLIGHT", 50).max(1);
    let settle = env_num("BENCH_SETTLE_SECS", 10).max(1);
    let server = start_server(&[
        // The burst comes from one address and reuses usernames: lift the auth limits.
        ("DECENTRA_AUTH_RATE_PER_IP", "100000000"),
        ("DECENTRA_AUTH_RATE_PER_USERNAME", "100000000"),
    ])
    .await;
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_kib = rss_kib(pid);

    // The first account is the admin; it opens registration for the rest.
    let admin = Client::connect(server.url.clone()).await.expect("connect");
    admin
        .register(proto::RegisterRequest {
            username: "admin".into(),
            password: PASSWORD.into(),
            ..Default::default()
        })
        .await
        .expect("register admin");
    admin
        .admin()
        .update_instance_settings(proto::UpdateInstanceSettingsRequest {
            registration_mode: Some(proto::RegistrationMode::Open as i32),
            ..Default::default()
        })
        .await
        .expect("open registration");
    let after_first_kib = rss_kib(pid);

    let sampler = PeakSampler::start(pid);
    let (reg_time, reg_failed) = burst(&server.url, Phase::Register, users, in_flight).await;
    let reg_peak = sampler.finish();
    let sampler = PeakSampler::start(pid);
    let (login_time, login_failed) = burst(&server.url, Phase::Login, users, in_flight).await;
    let login_peak = sampler.finish();
    let end = Instant::now();

    let mut after = Vec::new();
    for secs in [1, 2, 3, 5, 10, 20, 30] {
        if secs > settle {
            break;
        }
        tokio::time::sleep_until((end + Duration::from_secs(secs as u64)).into()).await;
        after.push((secs, rss_kib(pid)));
    }

    println!(
        "decentra auth burst benchmark ({} users, {in_flight} in flight)",
        users
    );
    println!(
        "  idle RSS after start:            {:.1} MiB",
        mib(idle_kib)
    );
    println!(
        "  RSS after the first registration: {:.1} MiB",
        mib(after_first_kib)
    );
    println!(
        "  register: {users} in {:.2} s ({:.0}/s, {reg_failed} failed), peak RSS {:.1} MiB",
        reg_time.as_secs_f64(),
        users as f64 / reg_time.as_secs_f64(),
        mib(reg_peak)
    );
    println!(
        "  login:    {users} in {:.2} s ({:.0}/s, {login_failed} failed), peak RSS {:.1} MiB",
        login_time.as_secs_f64(),
        users as f64 / login_time.as_secs_f64(),
        mib(login_peak)
    );
    let line: Vec<String> = after
        .iter()
        .map(|(s, kib)| format!("+{s}s {:.1}", mib(*kib)))
        .collect();
    println!("  RSS after the burst (MiB): {}", line.join(", "));
    if reg_failed + login_failed > 0 {
        std::process::exit(1);
    }
}
