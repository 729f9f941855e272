//! The embedded TURN server's cost, measured on the real `decentra` binary (a child process):
//! memory and CPU idle with TURN on, then while `BENCH_TURN_PEERS` allocations (default 8, one
//! per peer of a full voice channel) each relay voice-sized traffic both ways — 50 packets of
//! 160 bytes per second and direction, Opus at 20 ms — for `BENCH_SECS` seconds (default 10).
//!
//!     cargo bench -p decentra --bench turn_relay
//!
//! All on loopback; the clients (the `turn` crate's) run in this process.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use decentra::turn::rest_credentials;
use tokio::net::UdpSocket;
use turn::client::{Client, ClientConfig};
use webrtc_util::Conn;

mod support;

use support::{cpu_secs, env_num, mib, rss_kib, start_server};

const TURN_SECRET: &str = "bench-turn-secret-bench-turn-secret";

#[tokio::main]
async fn main() {
    let peers = env_num("BENCH_TURN_PEERS", 8).max(1);
    let secs = env_num("BENCH_SECS", 10).max(1) as u64;
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("port")
        .port()
        .to_string();
    let server = start_server(&[
        ("DECENTRA_TURN_PUBLIC_IP", "127.0.0.1"),
        ("DECENTRA_TURN_BIND", "127.0.0.1"),
        ("DECENTRA_TURN_PORT", &port),
        ("DECENTRA_TURN_RELAY_PORTS", "0"),
        ("DECENTRA_TURN_SECRET", TURN_SECRET),
        // The remote peers are on loopback.
        ("DECENTRA_TURN_ALLOW_PRIVATE_PEERS", "true"),
    ])
    .await;
    let pid = server.child.id();
    let turn: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");

    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_rss = rss_kib(pid);
    let cpu0 = cpu_secs(pid);
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let idle_cpu = (cpu_secs(pid) - cpu0) / secs as f64 * 100.0;

    // One allocation per peer, each with a local UDP "remote peer" echoing through it.
    let mut relays = Vec::new();
    for i in 0..peers {
        let (user, pass) =
            rest_credentials(TURN_SECRET, &format!("bench{i}"), Duration::from_secs(3600));
        let udp = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
        let client = Client::new(ClientConfig {
            stun_serv_addr: turn.to_string(),
            turn_serv_addr: turn.to_string(),
            username: user,
            password: pass,
            realm: String::new(),
            software: String::new(),
            rto_in_ms: 0,
            conn: Arc::new(udp),
            vnet: None,
        })
        .await
        .expect("client");
        client.listen().await.expect("listen");
        let relay = client.allocate().await.expect("allocate");
        let remote = UdpSocket::bind("127.0.0.1:0").await.expect("remote");
        relays.push((client, Arc::new(relay), Arc::new(remote)));
    }
    let allocated_rss = rss_kib(pid);

    let cpu0 = cpu_secs(pid);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (_, relay, remote) in &relays {
        let (relay, remote) = (Arc::clone(relay), Arc::clone(remote));
        tasks.push(tokio::spawn(async move {
            let remote_addr = remote.local_addr().expect("addr");
            let relayed = relay.local_addr().expect("relayed");
            let packet = [0x5au8; 160];
            let mut tick = tokio::time::interval(Duration::from_millis(20));
            let (mut sent, mut received) = (0u64, 0u64);
            let mut buf = [0u8; 1500];
            while start.elapsed() < Duration::from_secs(secs) {
                tick.tick().await;
                // Client -> relay -> remote, and remote -> relay -> client.
                relay.send_to(&packet, remote_addr).await.expect("send");
                remote.send_to(&packet, relayed).await.expect("send back");
                sent += 2;
                if let Ok(Ok(_)) =
                    tokio::time::timeout(Duration::from_millis(5), remote.recv_from(&mut buf)).await
                {
                    received += 1;
                }
                if let Ok(Ok(_)) =
                    tokio::time::timeout(Duration::from_millis(5), relay.recv_from(&mut buf)).await
                {
                    received += 1;
                }
            }
            (sent, received)
        }));
    }
    let mut peak_rss = 0;
    while start.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        peak_rss = peak_rss.max(rss_kib(pid));
    }
    let (mut sent, mut received) = (0, 0);
    for t in tasks {
        let (s, r) = t.await.expect("task");
        sent += s;
        received += r;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let relay_cpu = (cpu_secs(pid) - cpu0) / elapsed * 100.0;

    println!("turn_relay: {peers} allocations, {secs} s");
    println!(
        "  idle with TURN on:   RSS {:.1} MiB, CPU {idle_cpu:.2} %",
        mib(idle_rss)
    );
    println!("  after allocating:    RSS {:.1} MiB", mib(allocated_rss));
    println!(
        "  relaying:            peak RSS {:.1} MiB, CPU {relay_cpu:.1} % of one core, {sent} packets sent, {received} received ({:.0} packets/s through the relay)",
        mib(peak_rss),
        received as f64 / elapsed
    );
    for (client, relay, _) in relays {
        let _ = relay.close().await;
        let _ = client.close().await;
    }
}
