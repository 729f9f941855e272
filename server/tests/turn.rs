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

/// The TURN server on loopback, relaying to loopback peers (the setting for LAN-only
/// deployments, needed here since every peer is on 127.0.0.1).
async fn start_turn() -> EmbeddedTurn {
    start_turn_with(true).await
}

async fn start_turn_with(allow_private_peers: bool) -> EmbeddedTurn {
    EmbeddedTurn::start(TurnConfig {
        public_ip: [127, 0, 0, 1].into(),
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        relay_ports: None,
        secret: SECRET.to_owned(),
        allow_private_peers,
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

/// By default the relay refuses peers on loopback, private and link-local addresses (403 to
/// CreatePermission, so nothing is sent), over UDP and TCP; with `allow_private_peers` the
/// same relay to 127.0.0.1 goes through.
#[tokio::test]
async fn turn_refuses_private_peers_unless_allowed() {
    bounded(async {
        let turn = start_turn_with(false).await;
        let server = turn.local_addr();
        let (user, pass) = rest_credentials(SECRET, "42", Duration::from_secs(600));
        let peer = UdpSocket::bind("127.0.0.1:0").await.expect("peer");
        let peer_addr = peer.local_addr().expect("addr");

        for c in [
            udp_client(server, &user, &pass).await,
            tcp_client(server, &user, &pass).await,
        ] {
            let relay = c.allocate().await.expect("the allocation itself is fine");
            for target in [
                peer_addr,
                SocketAddr::from(([10, 1, 2, 3], 5000)),
                SocketAddr::from(([192, 168, 1, 20], 5000)),
                SocketAddr::from(([169, 254, 169, 254], 80)),
                SocketAddr::from(([100, 64, 0, 1], 5000)),
            ] {
                let err = relay
                    .send_to(b"into the LAN", target)
                    .await
                    .expect_err("relay to a non-public peer refused");
                assert!(err.to_string().contains("403"), "{target}: {err}");
            }
            relay.close().await.expect("close relay");
            c.close().await.expect("close");
        }
        turn.close().await;

        // Allowed for LAN deployments: the same relay to the loopback peer passes.
        let turn = start_turn_with(true).await;
        let c = udp_client(turn.local_addr(), &user, &pass).await;
        let relay = c.allocate().await.expect("allocation");
        relay_round_trip(&relay).await;
        relay.close().await.expect("close relay");
        c.close().await.expect("close");
        turn.close().await;
    })
    .await;
}

#[test]
fn turn_peer_address_classes() {
    use decentra::turn::{is_public_peer, peer_allowed};
    let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
    for public in [
        "203.0.113.0",
        "8.8.8.8",
        "2001:4860::8888",
        "::ffff:8.8.8.8",
    ] {
        // 203.0.113.0/24 is documentation space: refused; the others are public.
        let expected = public != "203.0.113.0";
        assert_eq!(is_public_peer(ip(public)), expected, "{public}");
    }
    for private in [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
    ] {
        assert!(!is_public_peer(ip(private)), "{private}");
        assert!(!peer_allowed(ip(private), false), "{private}");
    }
    assert!(peer_allowed(ip("127.0.0.1"), true));
    assert!(peer_allowed(ip("192.168.0.1"), true));
    assert!(peer_allowed(ip("fe80::1"), true));
    for never in ["0.0.0.0", "255.255.255.255", "224.0.0.1", "::", "ff02::1"] {
        assert!(!peer_allowed(ip(never), true), "{never}");
    }
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
    assert!(
        !first.allow_private_peers,
        "private peers refused by default"
    );
    let again = TurnConfig::from_config(&on).expect("ok").expect("on");
    assert_eq!(first.secret, again.secret, "the generated secret is kept");

    let fixed = env(&[
        ("DECENTRA_TURN_PUBLIC_IP", "203.0.113.5"),
        ("DECENTRA_TURN_SECRET", "configured-secret-0123"),
        ("DECENTRA_TURN_RELAY_PORTS", "0"),
        ("DECENTRA_TURN_ALLOW_PRIVATE_PEERS", "true"),
    ])
    .expect("valid");
    let fixed = TurnConfig::from_config(&fixed).expect("ok").expect("on");
    assert_eq!(fixed.secret, "configured-secret-0123");
    assert_eq!(fixed.relay_ports, None);
    assert!(fixed.allow_private_peers);

    let bad_settings: [&'static [(&str, &str)]; 6] = [
        &[("DECENTRA_TURN_ALLOW_PRIVATE_PEERS", "perhaps")],
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
