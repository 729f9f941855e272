//! Voice signalling load against the real `decentra` binary (a child process, so its CPU and
//! memory can be read): `BENCH_PEERS` users (default 8) join one voice channel, each on its own
//! connection and event stream, and every pair keeps negotiating as a mesh client would —
//! an offer, an answer and trickled ICE candidates — at `BENCH_SIGNAL_RATE` signals per second
//! per peer (default 40, under the server's per-user limit) for `BENCH_SECS` seconds (default
//! 20). Media is peer to peer (or through TURN) and never touches this server.
//!
//!     cargo bench -p decentra --bench voice_mesh
//!
//! Prints the server's RSS idle, with the peers connected and after the run, its CPU use
//! during the run and the signals relayed per second.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use decentra_sdk::{Client, proto};
use proto::subscribe_response::Event;

mod support;

use support::{cpu_secs, env_num, mib, owner_with_server, rss_kib, start_server};

#[tokio::main]
async fn main() {
    let peers = env_num("BENCH_PEERS", 8);
    let rate = env_num("BENCH_SIGNAL_RATE", 40) as u64;
    let secs = env_num("BENCH_SECS", 20) as u64;
    let server = start_server(&[("DECENTRA_VOICE_MESH_CAP", &peers.max(2).to_string())]).await;
    let pid = server.child.id();
    let (owner, guild) = owner_with_server(&server).await;
    owner
        .admin()
        .update_instance_settings(proto::UpdateInstanceSettingsRequest {
            registration_mode: Some(proto::RegistrationMode::Open.into()),
            ..Default::default()
        })
        .await
        .expect("open registration");
    let channel = owner
        .channels()
        .create_channel(proto::CreateChannelRequest {
            server_id: guild.id.clone(),
            name: "Mesh".into(),
            r#type: proto::ChannelType::Voice.into(),
            ..Default::default()
        })
        .await
        .expect("voice channel")
        .into_inner()
        .channel
        .expect("channel")
        .id;
    let code = owner
        .invites()
        .create_invite(proto::CreateInviteRequest {
            server_id: guild.id.clone(),
            ..Default::default()
        })
        .await
        .expect("invite")
        .into_inner()
        .invite
        .expect("invite")
        .code;
    let idle_rss = rss_kib(pid);

    // Each peer: its own connection, its event stream, a session in the channel.
    let received = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for i in 0..peers {
        let c = Client::connect(server.url.clone()).await.expect("connect");
        let reg = c
            .register(proto::RegisterRequest {
                username: format!("peer{i}"),
                password: format!("peer{i}-password"),
                ..Default::default()
            })
            .await
            .expect("register");
        c.invites()
            .accept_invite(proto::AcceptInviteRequest { code: code.clone() })
            .await
            .expect("join server");
        let mut stream = c
            .event_service()
            .subscribe(proto::SubscribeRequest::default())
            .await
            .expect("subscribe")
            .into_inner();
        let counter = Arc::clone(&received);
        tokio::spawn(async move {
            while let Ok(Some(m)) = stream.message().await {
                if matches!(m.event, Some(Event::VoiceSignal(_))) {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        clients.push((c, reg.user.expect("user").id));
    }
    // `subscribe` answers after the stream is registered, so every peer may join now.
    let mut sessions = Vec::new();
    for (c, _) in &clients {
        let joined = c
            .voice()
            .join_voice_channel(proto::JoinVoiceChannelRequest {
                channel_id: channel.clone(),
                ..Default::default()
            })
            .await
            .expect("join")
            .into_inner();
        sessions.push(joined.session_id);
    }
    let connected_rss = rss_kib(pid);

    let ids: Vec<String> = clients.iter().map(|(_, id)| id.clone()).collect();
    let sent = Arc::new(AtomicU64::new(0));
    let cpu_before = cpu_secs(pid);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (c, _)) in clients.into_iter().enumerate() {
        let others: Vec<String> = ids
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, id)| id.clone())
            .collect();
        let session = sessions[i].clone();
        let sent = Arc::clone(&sent);
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
            let end = Instant::now() + Duration::from_secs(secs);
            let mut n = 0usize;
            while Instant::now() < end {
                tick.tick().await;
                let to = others[n % others.len()].clone();
                // Per peer and round: one SDP (offer or answer), then candidates.
                let signal = if (n / others.len()).is_multiple_of(12) {
                    proto::send_signal_request::Signal::Sdp(proto::SessionDescription {
                        r#type: proto::SdpType::Offer.into(),
                        sdp: SDP.to_owned(),
                    })
                } else {
                    proto::send_signal_request::Signal::IceCandidate(proto::IceCandidate {
                        candidate: format!(
                            "candidate:{n} 1 udp 2122260223 192.0.2.{} 5{:04} typ host",
                            n % 250,
                            n % 10_000
                        ),
                        sdp_mid: "0".into(),
                        sdp_mline_index: Some(0),
                        username_fragment: "abcd".into(),
                    })
                };
                c.voice()
                    .send_signal(proto::SendSignalRequest {
                        session_id: session.clone(),
                        to_user_id: to,
                        signal: Some(signal),
                    })
                    .await
                    .expect("signal");
                sent.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
        }));
    }
    for t in tasks {
        t.await.expect("peer task");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_secs(pid) - cpu_before;
    let sent = sent.load(Ordering::Relaxed);
    // Let the last deliveries land before reading the count (bounded wait).
    let deadline = Instant::now() + Duration::from_secs(5);
    while received.load(Ordering::Relaxed) < sent && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let received = received.load(Ordering::Relaxed);
    println!("voice mesh: {peers} peers in one channel, {rate} signals/s per peer, {secs} s");
    println!(
        "  signals sent {sent}, delivered {received} ({:.0}/s)",
        sent as f64 / elapsed
    );
    println!(
        "  server CPU {:.2} s over {:.1} s = {:.1}% of one core ({:.1} µs per signal)",
        cpu,
        elapsed,
        100.0 * cpu / elapsed,
        1e6 * cpu / sent.max(1) as f64
    );
    println!(
        "  server RSS idle {:.1} MiB, with {peers} peers in voice {:.1} MiB, after the run {:.1} MiB",
        mib(idle_rss),
        mib(connected_rss),
        mib(rss_kib(pid))
    );
}

/// A typical Opus-only offer (about 600 bytes), so relayed bytes are realistic.
const SDP: &str = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
a=group:BUNDLE 0\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\nc=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n\
a=ice-options:trickle\r\na=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:\
00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\na=mid:0\r\n\
a=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n";
