//! PostgreSQL for tests: `TEST_DATABASE_URL` if set, else a private throwaway cluster
//! (initdb + postgres on a free loopback port) started once per test binary. Each test gets
//! its own fresh database. Shared by the core's store conformance suite and the server's
//! tests (which include this file by path).

use std::{
    path::PathBuf,
    process::{Command, Stdio},
    sync::OnceLock,
    time::{Duration, Instant},
};

use rand::Rng;
use sqlx::{Connection, PgConnection};

/// URL of a database on which `CREATE DATABASE` may be run.
fn admin_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => private_cluster().unwrap_or_else(|e| panic!("cannot start private PostgreSQL: {e}")),
    })
}

/// A test database: dropped when this guard is, so a test that panics leaks nothing.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    name: String,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = std::mem::take(&mut self.name);
        // Drop runs inside the test's runtime (which cannot block on itself) or while a
        // panic unwinds: a short-lived thread with its own runtime does the async work.
        let dropped =
            std::thread::spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(drop_database(&name)),
                    Err(e) => eprintln!("tests: cannot drop database {name}: {e}"),
                }
            })
            .join();
        if dropped.is_err() {
            eprintln!("tests: dropping a test database panicked");
        }
    }
}

/// A fresh, empty database. `CREATE DATABASE` copies a template and PostgreSQL refuses
/// concurrent copies of the same template now and then ("source database is being accessed
/// by other users"), so a failure is retried a few times.
pub async fn fresh_database() -> TestDatabase {
    let name = format!("decentra_test_{:016x}", rand::rng().random::<u64>());
    let mut last_error = None;
    for attempt in 0..8u64 {
        match try_create(&name).await {
            Ok(()) => {
                return TestDatabase {
                    url: with_database(admin_url(), &name),
                    name,
                };
            }
            Err(e) => {
                last_error = Some(e);
                tokio::time::sleep(std::time::Duration::from_millis(100 * (attempt + 1))).await;
            }
        }
    }
    panic!("create test database {name}: {last_error:?}");
}

async fn try_create(name: &str) -> Result<(), sqlx::Error> {
    let mut admin = PgConnection::connect(admin_url()).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await?;
    Ok(())
}

/// Drops a test database (best effort).
async fn drop_database(name: &str) {
    if let Ok(mut admin) = PgConnection::connect(admin_url()).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await;
    }
}

/// `url` with its database name replaced (keeps query parameters).
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

fn pg_bin(name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join(name).is_file() {
                return Some(dir.join(name));
            }
        }
    }
    let mut versions: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.is_file())
        .collect();
    versions.sort();
    versions.pop()
}

/// Starts `postgres` in a temp dir on a free port. PostgreSQL refuses to run as root, so
/// as root it runs as the `postgres` user. The server is stopped when this process exits:
/// it is started by a shell that waits on our stdin pipe, which closes when we die.
fn private_cluster() -> Result<String, String> {
    let initdb = pg_bin("initdb").ok_or("initdb not found")?;
    let postgres = pg_bin("postgres").ok_or("postgres not found")?;
    let dir = std::env::temp_dir().join(format!("decentra-pg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let wrap = |program: &PathBuf| -> Command {
        if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    };
    if as_root {
        Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
    }
    let data = dir.join("data");
    let out = wrap(&initdb)
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "-D",
        ])
        .arg(&data)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let script = format!(
        "{pg} -D {data} -p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off \
         -c max_connections=500 & pid=$!; cat >/dev/null; kill $pid",
        pg = postgres.display(),
        data = data.display(),
        dir = dir.display(),
    );
    let child = if as_root {
        Command::new("runuser")
            .args(["-u", "postgres", "--", "sh", "-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    } else {
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    }
    .map_err(|e| e.to_string())?;
    // Leak the handle (and with it the write end of the pipe) for the life of the process.
    std::mem::forget(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("private PostgreSQL did not start within 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("tests: started a private PostgreSQL on 127.0.0.1:{port}");
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}
