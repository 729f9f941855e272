//! NATS for cluster tests: `TEST_NATS_URL` if set, else the server on the default port if one
//! of 2.10 or newer answers there (older ones are refused by the nodes), else a private
//! `nats-server -js` ([`binary`]) on a free loopback port started once per test binary. Each
//! test gets a subject prefix (and so a JetStream stream) of its own, deleted by the
//! [`TestStream`] guard.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Mutex, OnceLock},
    time::{Duration, Instant},
};

use decentra_core::events::nats::republishes_in_order;
use rand::Rng;

/// The URL of a NATS server with JetStream.
pub fn url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("TEST_NATS_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ if version_at(4222).is_some_and(|v| republishes_in_order(&v)) => {
            "nats://127.0.0.1:4222".to_owned()
        }
        _ => private_server().unwrap_or_else(|e| panic!("cannot start nats-server: {e}")),
    })
}

/// The `nats-server` binary tests start: `TEST_NATS_SERVER` if set (a 2.10+ build where the
/// one on `PATH` is older), else `nats-server`.
pub fn binary() -> String {
    std::env::var("TEST_NATS_SERVER")
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| "nats-server".to_owned())
}

/// The version the NATS server on `port` announces in its first line (`INFO {…}`).
fn version_at(port: u16) -> Option<String> {
    let stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).ok()?;
    let info: serde_json::Value = serde_json::from_str(line.strip_prefix("INFO ")?).ok()?;
    info["version"].as_str().map(str::to_owned)
}

/// The private server's shell: it kills the server when its stdin closes, i.e. when the
/// test binary exits.
static PRIVATE: Mutex<Option<Child>> = Mutex::new(None);

fn private_server() -> Result<String, String> {
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let dir = std::env::temp_dir().join(format!("decentra-nats-{port}"));
    let script = format!(
        "'{binary}' -js -a 127.0.0.1 -p {port} -sd {dir} & pid=$!; cat >/dev/null; kill $pid",
        binary = binary(),
        dir = dir.display()
    );
    let child = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    *PRIVATE.lock().unwrap_or_else(|p| p.into_inner()) = Some(child);
    // Polls the port the process was just told to open: start-up, not a synchronisation of
    // the code under test.
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("nats-server did not open its port within 20 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(format!("nats://127.0.0.1:{port}"))
}

/// A test's own subject prefix; its streams (events, presence buckets) are deleted when the
/// guard is dropped.
#[derive(Debug)]
pub struct TestStream {
    /// The prefix to configure the nodes with.
    pub prefix: String,
}

impl TestStream {
    pub fn new() -> Self {
        Self {
            prefix: format!("t{:016x}", rand::rng().random::<u64>()),
        }
    }
}

impl Drop for TestStream {
    fn drop(&mut self) {
        let prefix = self.prefix.to_ascii_uppercase();
        let streams = [
            format!("{prefix}_EVENTS"),
            format!("KV_{prefix}_PRESENCE"),
            format!("KV_{prefix}_NODES"),
            format!("KV_{prefix}_CHOSEN"),
            format!("KV_{prefix}_NODE_IDS"),
            format!("KV_{prefix}_CELLS"),
            format!("KV_{prefix}_CELLS_LONG"),
            format!("KV_{prefix}_VOICE"),
        ];
        // Drop runs inside the test's runtime (which cannot block on itself): a short-lived
        // thread with its own runtime deletes the stream.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(client) = async_nats::connect(url()).await {
                    let js = async_nats::jetstream::new(client);
                    for stream in &streams {
                        let _ = js.delete_stream(stream).await;
                    }
                }
            });
        })
        .join();
    }
}
