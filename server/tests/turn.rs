//! The embedded TURN server on loopback, driven by the `turn` crate's own client: TURN REST
//! credentials allocate a relay over UDP and over TCP on the same port, wrong or expired ones
//! are refused, and datagrams pass through the relay both ways. Then `decentra doctor`
//! against it and the real server.

mod common;

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use common::{Backend, TestServer, bounded};
use decentra::turn::{EmbeddedTurn, StreamConn, TurnConfig, rest_credentials, rest_password};
use tokio::net::{TcpStream, UdpSocket};
use turn::client::{Client, ClientConfig};
use webrtc_util::Conn;

const SECRET: &str = "turn-test-shared-secret-0123456789";

async fn start_turn() -> EmbeddedTurn {
    EmbeddedTurn::start(TurnConfig {
        public_ip: [127, 0, 0, 1].into(),
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        relay_ports: None,
        secret: SECRET.to_owned(),
    })
    .await
    .expect("TURN server starts")
}

async fn client(
    conn: Arc<dyn Conn + Send + Sync>,
    server: SocketAddr,
    user: &str,
    pass: &str,
) -> Client {
    let client = Client::new(ClientConfig {
        stun_serv_addr: server.to_string(),
        turn_serv_addr: server.to_string(),
        username: user.to_owned(),
        password: pass.to_owned(),
        realm: String::new(),
        software: String::new(),
        rto_in_ms: 0,
        conn,
        vnet: None,
    })
    .await
    .expect("client");
    client.listen().await.expect("listen");
    client
}

async fn udp_client(server: SocketAddr, user: &str, pass: &str) -> Client {
    let udp = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    client(Arc::new(udp), server, user, pass).await
}

async fn tcp_client(server: SocketAddr, user: &str, pass: &str) -> Client {
    let stream = TcpStream::connect(server).await.expect("TCP connect");
    client(
        Arc::new(StreamConn::new(stream).expect("stream")),
        server,
        user,
        pass,
    )
    .await
}

/// Sends through `relay` to a local UDP peer, and back from the peer through the relay.
async fn relay_round_trip(relay: &(impl Conn + ?Sized)) {
    let peer = UdpSocket::bind("127.0.0.1:0").await.expect("peer");
    let peer_addr = peer.local_addr().expect("addr");
    let relayed = relay.local_addr().expect("relayed address");
    assert_eq!(
        relayed.ip(),
        std::net::IpAddr::from([127, 0, 0, 1]),
        "public IP announced"
    );

    relay
        .send_to(b"hello through TURN", peer_addr)
        .await
        .expect("send via relay");
    let mut buf = [0u8; 64];
    let (n, from) = peer.recv_from(&mut buf).await.expect("peer receives");
    assert_eq!(&buf[..n], b"hello through TURN");
    assert_eq!(from.port(), relayed.port(), "sent from the relayed address");

    // The permission created by the send lets the peer answer.
    peer.send_to(b"and back", relayed)
        .await
        .expect("peer answers");
    let (n, from) = relay.recv_from(&mut buf).await.expect("relay receives");
    assert_eq!(&buf[..n], b"and back");
    assert_eq!(from, peer_addr);
}

#[tokio::test]
async fn turn_allocates_with_rest_credentials_over_udp_and_tcp() {
    bounded(async {
        let turn = start_turn().await;
        let server = turn.local_addr();
        let port = server.port();
        assert_eq!(
            turn.urls(),
            [
                format!("turn:127.0.0.1:{port}?transport=udp"),
                format!("turn:127.0.0.1:{port}?transport=tcp"),
            ]
        );
        assert_eq!(turn.secret(), SECRET);
        let (user, pass) = rest_credentials(SECRET, "42", Duration::from_secs(600));
        assert!(user.ends_with(":42"), "{user}");

        // UDP: a STUN binding, then an allocation that relays both ways.
        let c = udp_client(server, &user, &pass).await;
        let mapped = c.send_binding_request().await.expect("STUN binding");
        assert_eq!(mapped.ip(), std::net::IpAddr::from([127, 0, 0, 1]));
        let relay = c
            .allocate()
            .await
            .expect("UDP allocation with valid credentials");
        relay_round_trip(&relay).await;
        relay.close().await.expect("close relay");
        c.close().await.expect("close");

        // TCP on the same port number.
        let c = tcp_client(server, &user, &pass).await;
        let relay = c
            .allocate()
            .await
            .expect("TCP allocation with valid credentials");
        relay_round_trip(&relay).await;
        relay.close().await.expect("close relay");
        c.close().await.expect("close");

        // A wrong password is refused, over both transports.
        let c = udp_client(server, &user, "d3JvbmcgcGFzc3dvcmQ=").await;
        assert!(c.allocate().await.is_err(), "wrong password refused (UDP)");
        c.close().await.expect("close");
        let c = tcp_client(server, &user, "d3JvbmcgcGFzc3dvcmQ=").await;
        assert!(c.allocate().await.is_err(), "wrong password refused (TCP)");
        c.close().await.expect("close");

        // Credentials signed with another secret are refused.
        let (user2, pass2) = rest_credentials(
            "another-secret-another-secret",
            "42",
            Duration::from_secs(600),
        );
        let c = udp_client(server, &user2, &pass2).await;
        assert!(c.allocate().await.is_err(), "foreign secret refused");
        c.close().await.expect("close");

        // An expired credential is refused although its HMAC is right.
        let past = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs()
            - 60;
        let expired = format!("{past}:42");
        let c = udp_client(server, &expired, &rest_password(SECRET, &expired)).await;
        assert!(c.allocate().await.is_err(), "expired credential refused");
        c.close().await.expect("close");

        turn.close().await;
    })
    .await;
}

async fn doctor_reports_each_check(backend: Backend) {
    let server = TestServer::start(backend).await;
    let turn = start_turn().await;
    let mut config = server.config.clone();
    config.bind = server.addr;
    config.turn_public_ip = Some([127, 0, 0, 1].into());
    config.turn_port = turn.local_addr().port();
    config.turn_secret = SECRET.to_owned();

    let mut out = Vec::new();
    let healthy = decentra::doctor::run(&config, &mut out).await;
    let text = String::from_utf8(out).expect("utf-8");
    assert!(healthy, "{text}");
    for check in [
        "config",
        "database",
        "server",
        "turn stun/udp",
        "turn udp",
        "turn tcp",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("PASS") && l.contains(&format!("  {check}:"))),
            "{check} passes:\n{text}"
        );
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("SKIP") && l.contains("tls:")),
        "{text}"
    );

    // The TURN server gone: the TCP allocation fails at once (connection refused) and the
    // run fails; the UDP checks fail after their timeout.
    let turn_port = turn.local_addr().port();
    turn.close().await;
    let mut config = config.clone();
    config.turn_port = turn_port;
    let mut out = Vec::new();
    let healthy = decentra::doctor::run(&config, &mut out).await;
    let text = String::from_utf8(out).expect("utf-8");
    assert!(!healthy, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("FAIL") && l.contains("turn tcp:")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("FAIL") && l.contains("turn udp:")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("PASS") && l.contains("database:")),
        "{text}"
    );
    server.stop().await;
}

#[tokio::test]
async fn doctor_reports_each_check_sqlite() {
    bounded(doctor_reports_each_check(Backend::Sqlite)).await;
}

#[tokio::test]
async fn doctor_reports_each_check_postgres() {
    bounded(doctor_reports_each_check(Backend::Postgres)).await;
}

/// TURN settings: off without a public IP; the generated secret is persisted and reused; bad
/// values are refused at start-up.
#[test]
fn turn_settings() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let data_dir = dir.path().to_string_lossy().into_owned();
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        let data_dir = data_dir.clone();
        decentra::Config::from_lookup(move |k| {
            if k == "DECENTRA_DATA_DIR" {
                return Some(data_dir.clone());
            }
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| (*v).to_owned())
        })
    };
    let off = env(&[]).expect("defaults");
    assert!(TurnConfig::from_config(&off).expect("ok").is_none());

    let on = env(&[
        ("DECENTRA_TURN_PUBLIC_IP", "203.0.113.5"),
        ("DECENTRA_TURN_PORT", "3479"),
        ("DECENTRA_TURN_RELAY_PORTS", "50000-50010"),
    ])
    .expect("valid");
    let first = TurnConfig::from_config(&on).expect("ok").expect("on");
    assert_eq!(first.bind.port(), 3479);
    assert_eq!(first.relay_ports, Some((50000, 50010)));
    assert!(first.secret.len() >= 16);
    let again = TurnConfig::from_config(&on).expect("ok").expect("on");
    assert_eq!(first.secret, again.secret, "the generated secret is kept");

    let fixed = env(&[
        ("DECENTRA_TURN_PUBLIC_IP", "203.0.113.5"),
        ("DECENTRA_TURN_SECRET", "configured-secret-0123"),
        ("DECENTRA_TURN_RELAY_PORTS", "0"),
    ])
    .expect("valid");
    let fixed = TurnConfig::from_config(&fixed).expect("ok").expect("on");
    assert_eq!(fixed.secret, "configured-secret-0123");
    assert_eq!(fixed.relay_ports, None);

    let bad_settings: [&'static [(&str, &str)]; 5] = [
        &[("DECENTRA_TURN_PUBLIC_IP", "0.0.0.0")],
        &[("DECENTRA_TURN_PUBLIC_IP", "not-an-ip")],
        &[("DECENTRA_TURN_RELAY_PORTS", "50010-50000")],
        &[("DECENTRA_TURN_RELAY_PORTS", "0-10")],
        &[("DECENTRA_TURN_SECRET", "short")],
    ];
    for bad in bad_settings {
        assert!(env(bad).is_err(), "{bad:?} refused");
    }
}
