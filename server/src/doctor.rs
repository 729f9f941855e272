//! `decentra doctor`: checks a setup the way a user would hit it — the config, the database,
//! the TLS files, the running port, and whether the TURN server answers on its public address
//! (a real STUN binding and TURN allocations over UDP and TCP, with generated credentials).
//! One `PASS`/`FAIL`/`SKIP` line per check.

use std::{io::Write, net::SocketAddr, sync::Arc, time::Duration};

use anyhow::{Context as _, Result};
use tokio::net::{TcpStream, UdpSocket};
use turn::client::{Client, ClientConfig};
use webrtc_util::Conn;

use crate::{
    Config,
    turn::{StreamConn, TurnConfig, rest_credentials},
};

/// How long one network check may take before it counts as unreachable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs every check, printing one line each to `out`; true when none failed.
pub async fn run(config: &Config, out: &mut impl Write) -> bool {
    let mut ok = true;
    let mut line = |status: Status, what: &str, detail: String| {
        ok &= status != Status::Fail;
        let _ = writeln!(out, "{:<4}  {what}: {detail}", status.label());
    };

    line(
        Status::Pass,
        "config",
        format!(
            "loaded (bind {}, data dir {})",
            config.bind,
            config.data_dir.display()
        ),
    );

    let url = config.database_url();
    match check_database(&url).await {
        Ok(backend) => line(
            Status::Pass,
            "database",
            format!("{backend} at {} answers", crate::config::redact_url(&url)),
        ),
        Err(e) => line(Status::Fail, "database", format!("{e:#}")),
    }

    let tls = match config.tls() {
        Ok(Some(_)) => {
            line(Status::Pass, "tls", describe_tls(config));
            true
        }
        Ok(None) => {
            line(
                Status::Skip,
                "tls",
                "not configured: browsers allow microphones only on https:// (or localhost); \
                 set DECENTRA_TLS_CERT/DECENTRA_TLS_KEY, DECENTRA_TLS_SELF_SIGNED=1, or put a \
                 reverse proxy in front"
                    .to_owned(),
            );
            false
        }
        Err(e) => {
            line(Status::Fail, "tls", format!("{e:#}"));
            false
        }
    };

    match local_health(config.bind.port(), tls).await {
        Ok(true) => line(
            Status::Pass,
            "server",
            format!(
                "{}://127.0.0.1:{}/healthz answers 200",
                if tls { "https" } else { "http" },
                config.bind.port()
            ),
        ),
        Ok(false) => line(
            Status::Fail,
            "server",
            "/healthz answers, but not 200 (database unavailable?)".to_owned(),
        ),
        Err(e) => line(
            Status::Fail,
            "server",
            format!("not reachable on port {}: {e:#}", config.bind.port()),
        ),
    }

    match TurnConfig::from_config(config) {
        Ok(None) => line(
            Status::Skip,
            "turn",
            "embedded TURN server off (set DECENTRA_TURN_PUBLIC_IP to enable it)".to_owned(),
        ),
        Err(e) => line(Status::Fail, "turn", format!("{e:#}")),
        Ok(Some(turn)) => {
            let server = SocketAddr::new(turn.public_ip, config.turn_port);
            let (username, password) =
                rest_credentials(&turn.secret, "doctor", Duration::from_secs(300));
            match stun_binding(server).await {
                Ok(mapped) => line(
                    Status::Pass,
                    "turn stun/udp",
                    format!("{server} answers a binding request (this host seen as {mapped})"),
                ),
                Err(e) => line(Status::Fail, "turn stun/udp", format!("{server}: {e:#}")),
            }
            match allocate_udp(server, &username, &password).await {
                Ok(relay) => line(
                    Status::Pass,
                    "turn udp",
                    format!("allocation on {server} got relay {relay}"),
                ),
                Err(e) => line(Status::Fail, "turn udp", format!("{server}: {e:#}")),
            }
            match allocate_tcp(server, &username, &password).await {
                Ok(relay) => line(
                    Status::Pass,
                    "turn tcp",
                    format!("allocation on {server} got relay {relay}"),
                ),
                Err(e) => line(Status::Fail, "turn tcp", format!("{server}: {e:#}")),
            }
        }
    }
    ok
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Pass,
    Fail,
    Skip,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

async fn check_database(url: &str) -> Result<&'static str> {
    let store = tokio::time::timeout(Duration::from_secs(15), decentra_core::store::connect(url))
        .await
        .context("timed out connecting")?
        .map_err(|e| anyhow::anyhow!("{}", e.report()))?;
    store
        .ping()
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.report()))?;
    Ok(store.backend())
}

fn describe_tls(config: &Config) -> String {
    match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => format!(
            "certificate {} and key {} load and match",
            cert.display(),
            key.display()
        ),
        _ => {
            let (cert, _) = crate::tls::self_signed_paths(&config.data_dir);
            format!(
                "self-signed certificate {} (browsers warn once; fine on a LAN)",
                cert.display()
            )
        }
    }
}

/// `GET /healthz` on 127.0.0.1:`port`: `Ok(true)` on 200. Over TLS the certificate is not
/// verified: this asks whether the local server is up, not who it is.
pub async fn local_health(port: u16, tls: bool) -> Result<bool> {
    let scheme = if tls { "https" } else { "http" };
    let http = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .timeout(CHECK_TIMEOUT)
        .build()?;
    let resp = http
        .get(format!("{scheme}://127.0.0.1:{port}/healthz"))
        .send()
        .await?;
    Ok(resp.status() == reqwest::StatusCode::OK)
}

async fn turn_client(
    conn: Arc<dyn Conn + Send + Sync>,
    server: SocketAddr,
    username: &str,
    password: &str,
) -> Result<Client> {
    let client = Client::new(ClientConfig {
        stun_serv_addr: server.to_string(),
        turn_serv_addr: server.to_string(),
        username: username.to_owned(),
        password: password.to_owned(),
        realm: String::new(),
        software: String::new(),
        rto_in_ms: 0,
        conn,
        vnet: None,
    })
    .await?;
    client.listen().await?;
    Ok(client)
}

fn unspecified_for(server: SocketAddr) -> SocketAddr {
    if server.is_ipv4() {
        SocketAddr::from(([0, 0, 0, 0], 0))
    } else {
        SocketAddr::from(([0u16; 8], 0))
    }
}

/// A STUN binding request over UDP: the address the server saw.
pub async fn stun_binding(server: SocketAddr) -> Result<SocketAddr> {
    let udp = UdpSocket::bind(unspecified_for(server)).await?;
    let client = turn_client(Arc::new(udp), server, "", "").await?;
    let result = tokio::time::timeout(CHECK_TIMEOUT, client.send_binding_request())
        .await
        .context("no answer (is UDP open to this port?)");
    let _ = client.close().await;
    Ok(result??)
}

/// A TURN allocation over UDP with the given credentials: the relayed address.
pub async fn allocate_udp(
    server: SocketAddr,
    username: &str,
    password: &str,
) -> Result<SocketAddr> {
    let udp = UdpSocket::bind(unspecified_for(server)).await?;
    let client = turn_client(Arc::new(udp), server, username, password).await?;
    let result = allocate(&client).await;
    let _ = client.close().await;
    result
}

/// A TURN allocation over TCP with the given credentials: the relayed address.
pub async fn allocate_tcp(
    server: SocketAddr,
    username: &str,
    password: &str,
) -> Result<SocketAddr> {
    let stream = tokio::time::timeout(CHECK_TIMEOUT, TcpStream::connect(server))
        .await
        .context("TCP connect timed out (is TCP open to this port?)")??;
    let conn = Arc::new(StreamConn::new(stream)?);
    let client = turn_client(conn.clone(), server, username, password).await?;
    let result = allocate(&client).await;
    let _ = client.close().await;
    let _ = conn.close().await;
    result
}

async fn allocate(client: &Client) -> Result<SocketAddr> {
    let relay = tokio::time::timeout(CHECK_TIMEOUT, client.allocate())
        .await
        .context("no answer to the allocation")??;
    let addr = relay.local_addr()?;
    let _ = relay.close().await;
    Ok(addr)
}
