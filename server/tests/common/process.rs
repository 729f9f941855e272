//! The real `decentra` binary as a child process (for tests that SIGKILL a node or keep it
//! apart from the test's runtime).

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use decentra_sdk::Client;

/// A running node, answering on `url`; killed when dropped.
pub struct Process {
    pub child: Child,
    pub url: String,
    /// The data dir the process made for itself (see [`Process::start_in_temp`]).
    _data: Option<tempfile::TempDir>,
}

impl Process {
    /// The binary on `database_url` and `data_dir`, with `env` added to its environment.
    pub async fn start(database_url: &str, data_dir: &Path, env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_decentra"))
            .env("DECENTRA_BIND", format!("127.0.0.1:{port}"))
            .env("DECENTRA_DATA_DIR", data_dir)
            .env("DATABASE_URL", database_url)
            .env("DECENTRA_JWT_SECRET", super::JWT_SECRET)
            .env("DECENTRA_LOG", "info")
            .env("DECENTRA_AUTH_RATE_PER_IP", "10000")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn decentra");
        // The server logs "listening" once migrations ran and the port is bound; the log is
        // drained for the rest of the process's life so it never blocks on a full pipe.
        let stdout = child.stdout.take().expect("stdout");
        let (listening, ready) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut listening = Some(listening);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains("listening")
                    && let Some(tx) = listening.take()
                {
                    let _ = tx.send(());
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(60), ready)
            .await
            .expect("node did not start within 60 s")
            .expect("node exited before listening");
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _data: None,
        }
    }

    /// [`Self::start`] on a data dir of its own, removed with it.
    pub async fn start_in_temp(database_url: &str, env: &[(&str, &str)]) -> Self {
        let data = tempfile::tempdir().expect("temp dir");
        let mut p = Self::start(database_url, data.path(), env).await;
        p._data = Some(data);
        p
    }

    /// A client with `token` as its access token.
    pub async fn client(&self, token: &str) -> Client {
        let client = Client::connect(self.url.clone()).await.expect("connect");
        client.set_tokens(token, "").expect("token");
        client
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
