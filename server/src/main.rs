//! `decentra`: start the server (default), `decentra healthcheck` (for container probes),
//! `decentra doctor` (checks the setup: config, database, TLS, TURN reachability) or
//! `decentra tls self-signed` (generates the LAN certificate ahead of time).

use std::time::Duration;

use anyhow::Context as _;
use decentra::{Config, app};
use tracing_subscriber::EnvFilter;

/// jemalloc instead of the system allocator: glibc keeps freed memory in per-thread arenas,
/// so a burst of logins or a wave of closed streams left hundreds of MB resident for good.
/// Tuned in [`return_freed_memory_promptly`].
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Makes jemalloc hand freed pages back to the OS about a second after they are freed, from
/// its own background thread, so an idle server shrinks again without waiting for more
/// allocations to trigger the purge. Failures only cost memory, never correctness.
#[cfg(not(target_env = "msvc"))]
fn return_freed_memory_promptly() {
    use tikv_jemalloc_ctl::{Access as _, AsName as _, arenas, background_thread};
    const DIRTY_DECAY_MS: isize = 1000;
    // Arenas created from now on.
    for (name, value) in [
        ("arenas.dirty_decay_ms\0", DIRTY_DECAY_MS),
        ("arenas.muzzy_decay_ms\0", 0),
    ] {
        if let Err(e) = name.name().write(value) {
            eprintln!(
                "allocator tuning {} failed: {e}",
                name.trim_end_matches('\0')
            );
        }
    }
    // Arenas that already exist (the runtime's threads have allocated); slots not yet in use
    // refuse the write and are covered by the defaults above.
    for i in 0..arenas::narenas::read().unwrap_or(0) {
        let _ = format!("arena.{i}.dirty_decay_ms\0")
            .name()
            .write(DIRTY_DECAY_MS);
        let _ = format!("arena.{i}.muzzy_decay_ms\0").name().write(0isize);
    }
    if let Err(e) = background_thread::write(true) {
        eprintln!("allocator background purging unavailable: {e}");
    }
}

#[cfg(target_env = "msvc")]
fn return_freed_memory_promptly() {}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    return_freed_memory_promptly();
    let config = Config::load()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => run(config).await,
        ["healthcheck"] => healthcheck(&config).await,
        ["doctor"] => {
            if decentra::doctor::run(&config, &mut std::io::stdout()).await {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        ["tls", "self-signed"] => {
            let names = decentra::tls::self_signed_names(config.bind, &config.tls_names);
            let (cert, key, created) = decentra::tls::ensure_self_signed(&config.data_dir, &names)?;
            let verb = if created {
                "generated"
            } else {
                "kept the existing"
            };
            println!(
                "{verb} self-signed certificate {} (key {}); serve it with DECENTRA_TLS_SELF_SIGNED=1",
                cert.display(),
                key.display()
            );
            Ok(())
        }
        _ => anyhow::bail!(
            "unknown command {:?}; use `serve`, `healthcheck`, `doctor` or `tls self-signed`",
            args.join(" ")
        ),
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&config.log).context("invalid log filter")?;
    if config.log_format == "json" {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    tracing::info!(
        ?config,
        version = env!("CARGO_PKG_VERSION"),
        "starting decentra"
    );

    // Certificate problems stop the start before anything else happens.
    let tls = config.tls()?;
    // The TURN server first: the voice service hands out its URLs and secret. The handle
    // keeps it running until the process ends.
    let turn = match decentra::turn::TurnConfig::from_config(&config)? {
        Some(turn) => Some(decentra::turn::EmbeddedTurn::start(turn).await?),
        None => None,
    };
    let services = decentra::services_with_turn(&config, turn.as_ref()).await?;
    let router = app::router(services.clone()).await?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let addr = listener.local_addr()?;
    match tls {
        Some(tls) => {
            tracing::info!(%addr, "listening with TLS (gRPC, gRPC-web, REST over HTTPS)");
            app::serve_tls(listener, tls, router, services, shutdown_signal()).await?;
        }
        None => {
            tracing::info!(%addr, "listening (gRPC, gRPC-web, REST)");
            app::serve(listener, router, services, shutdown_signal()).await?;
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested, draining connections");
}

/// Exits 0 if `GET /healthz` on the configured port answers 200 within 5 s (over TLS when
/// the port serves HTTPS).
async fn healthcheck(config: &Config) -> anyhow::Result<()> {
    let port = config.bind.port();
    let tls = config.tls_cert.is_some() || config.tls_self_signed;
    let check = decentra::doctor::local_health(port, tls);
    match tokio::time::timeout(Duration::from_secs(5), check).await {
        Ok(Ok(true)) => Ok(()),
        Ok(Ok(false)) => anyhow::bail!("unhealthy"),
        Ok(Err(e)) => Err(e.context("health endpoint unreachable")),
        Err(_) => anyhow::bail!("health check timed out"),
    }
}
