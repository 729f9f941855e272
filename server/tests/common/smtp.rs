//! A real SMTP server for tests: `aiosmtpd` (pinned, from the package index, in a virtualenv
//! under cargo's target tmp dir), listening on a loopback port and storing every mail it
//! accepts in a Maildir that the test reads.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::Mutex,
    time::{Duration, Instant},
};

use base64::Engine;

/// The aiosmtpd release the tests run (also installed by `.ci/run`).
pub const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// The venv's python with aiosmtpd, made once per test binary and kept between runs.
pub fn python() -> PathBuf {
    static VENV: Mutex<Option<PathBuf>> = Mutex::new(None);
    let mut venv = VENV.lock().unwrap_or_else(|e| e.into_inner());
    venv.get_or_insert_with(make_venv).clone()
}

fn make_venv() -> PathBuf {
    // CI installs the pinned aiosmtpd for python3 itself.
    let system = Command::new("python3")
        .args([
            "-c",
            "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '1.4.6')",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if system {
        return PathBuf::from("python3");
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("aiosmtpd-venv");
    let python = dir.join("bin").join("python");
    let ready = Command::new(&python)
        .args([
            "-c",
            "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '1.4.6')",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready {
        return python;
    }
    let made = Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&dir)
        .status()
        .expect("python3 -m venv (install python3-venv)");
    assert!(made.success(), "python3 -m venv failed");
    let installed = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            AIOSMTPD,
        ])
        .status()
        .expect("pip install aiosmtpd");
    assert!(installed.success(), "pip install {AIOSMTPD} failed");
    python
}

/// A free loopback port (nothing listens on it once this returns).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a: SocketAddr| a.port())
        .expect("free port")
}

/// A running aiosmtpd; killed on drop.
pub struct SmtpSink {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    maildir: PathBuf,
}

impl SmtpSink {
    /// Starts aiosmtpd on `port`, storing mail under `maildir`; returns once it accepts
    /// connections.
    pub async fn start(port: u16, maildir: &Path) -> Self {
        // Python's Maildir only makes its folders when the directory itself is new.
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("maildir");
        }
        let python = tokio::task::spawn_blocking(python)
            .await
            .expect("venv task");
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn aiosmtpd");
        let deadline = Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            child,
            port,
            maildir: maildir.to_path_buf(),
        }
    }

    /// Every mail received so far (raw RFC 5322 text).
    pub fn mails(&self) -> Vec<String> {
        read_maildir(&self.maildir)
    }

    /// Waits (up to 60 s) until a mail to `to` whose subject contains `subject` has arrived
    /// and returns the decoded text part of the newest such mail.
    pub async fn wait_for(&self, to: &str, subject: &str) -> Mail {
        wait_for_mail(&self.maildir, to, subject, 1)
            .await
            .pop()
            .expect("one mail")
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A received mail.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Raw message.
    pub raw: String,
    /// Its decoded text/plain part.
    pub text: String,
    /// Its decoded text/html part.
    pub html: String,
}

impl Mail {
    /// The `token` query parameter of the first link to `path` in the text part.
    pub fn token(&self, path: &str) -> String {
        let marker = format!("/{path}?token=");
        let start = self.text.find(&marker).expect("link in mail") + marker.len();
        self.text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

/// Mails to `to` with `subject` in the subject, oldest first, once there are `count`.
pub async fn wait_for_mail(maildir: &Path, to: &str, subject: &str, count: usize) -> Vec<Mail> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found: Vec<Mail> = read_maildir(maildir)
            .into_iter()
            .filter(|raw| {
                header(raw, "To").contains(to) && header(raw, "Subject").contains(subject)
            })
            .map(|raw| Mail {
                text: part(&raw, "text/plain"),
                html: part(&raw, "text/html"),
                raw,
            })
            .collect();
        if found.len() >= count {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "no mail to {to} about {subject:?} within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn read_maildir(maildir: &Path) -> Vec<String> {
    let mut files: Vec<(std::time::SystemTime, String)> = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            if let (Ok(meta), Ok(text)) = (e.metadata(), std::fs::read_to_string(e.path())) {
                files.push((meta.modified().unwrap_or(std::time::UNIX_EPOCH), text));
            }
        }
    }
    files.sort_by_key(|(t, _)| *t);
    files.into_iter().map(|(_, t)| t).collect()
}

/// A header's value (first occurrence, unfolded).
pub fn header(raw: &str, name: &str) -> String {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    for line in raw.lines() {
        if line.is_empty() {
            break;
        }
        if line.to_ascii_lowercase().starts_with(&prefix) {
            return line[prefix.len()..].trim().to_owned();
        }
    }
    String::new()
}

/// The decoded body of the first MIME part of type `content_type`.
fn part(raw: &str, content_type: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let Some(at) = raw
        .to_ascii_lowercase()
        .find(&format!("content-type: {content_type}"))
    else {
        return String::new();
    };
    let rest = &raw[at..];
    let Some(body_at) = rest.find("\n\n") else {
        return String::new();
    };
    let headers = rest[..body_at].to_ascii_lowercase();
    let body = &rest[body_at + 2..];
    let body = body.split("\n--").next().unwrap_or("");
    if headers.contains("content-transfer-encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(joined)
            .expect("base64 part");
        String::from_utf8_lossy(&bytes).into_owned()
    } else if headers.contains("content-transfer-encoding: quoted-printable") {
        decode_qp(body)
    } else {
        body.to_owned()
    }
}

fn decode_qp(body: &str) -> String {
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(hex) = joined.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
