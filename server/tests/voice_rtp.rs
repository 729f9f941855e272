//! Voice media end to end: two Rust SDK voice peers (the `webrtc` crate) signal through the
//! real server, reach `connected` and exchange Opus RTP both ways — peer to peer, through the
//! EMBEDDED TURN server with only relay candidates, and in a DM call. Every wait is a wait for
//! a condition with a deadline.

mod common;

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use common::{Backend, TestServer, admin_and_member, create_server, join};
use decentra_sdk::{
    Client, proto,
    voice::{
        VoiceEvent, VoiceOptions, VoiceSession,
        webrtc::{
            media::Sample, track::track_local::track_local_static_sample::TrackLocalStaticSample,
        },
    },
};
use tokio::{sync::watch, task::JoinHandle};

const TURN_SECRET: &str = "voice-rtp-turn-secret-0123456789";

/// A valid Opus frame: 20 ms of CELT fullband silence (TOC 0xF8), what clients send while
/// quiet. The test needs Opus on the wire, not an encoder.
const OPUS_SILENCE: [u8; 3] = [0xF8, 0xFF, 0xFE];

/// Packets each side must receive.
const PACKETS: u64 = 25;

/// How long connecting and the first packets may take on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(90);

/// The server with the embedded TURN server on loopback, relaying between loopback peers.
async fn server_with_turn() -> TestServer {
    TestServer::start_with(Backend::Sqlite, |c| {
        c.turn_public_ip = Some([127, 0, 0, 1].into());
        c.turn_bind = [127, 0, 0, 1].into();
        c.turn_port = 0;
        c.turn_relay_ports = None;
        c.turn_secret = TURN_SECRET.to_owned();
        c.turn_allow_private_peers = true;
    })
    .await
}

async fn voice_channel(owner: &Client, server_id: &str) -> String {
    owner
        .channels()
        .create_channel(proto::CreateChannelRequest {
            server_id: server_id.to_owned(),
            name: "Lounge".to_owned(),
            r#type: proto::ChannelType::Voice.into(),
            ..Default::default()
        })
        .await
        .expect("create voice channel")
        .into_inner()
        .channel
        .expect("channel")
        .id
}

/// One side of the media test: the session's events are handled in a task; a second task
/// sends Opus every 20 ms (real-time pacing, as a client does).
struct Peer {
    connected: watch::Receiver<bool>,
    received: watch::Receiver<u64>,
    stop: watch::Sender<bool>,
    driver: JoinHandle<VoiceSession>,
    sender: JoinHandle<()>,
}

fn drive(mut session: VoiceSession, other: String) -> Peer {
    let (connected_tx, connected) = watch::channel(false);
    let (received_tx, received) = watch::channel(0u64);
    let (stop, mut stop_rx) = watch::channel(false);
    let received_tx = Arc::new(received_tx);

    let track: Arc<TrackLocalStaticSample> = session.audio_track();
    let mut sender_stop = stop.subscribe();
    let sender = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    track
                        .write_sample(&Sample {
                            data: Bytes::from_static(&OPUS_SILENCE),
                            duration: Duration::from_millis(20),
                            ..Default::default()
                        })
                        .await
                        .expect("write Opus sample");
                }
                _ = sender_stop.changed() => return,
            }
        }
    });

    let driver = tokio::spawn(async move {
        loop {
            tokio::select! {
                event = session.next_event() => match event {
                    Some(VoiceEvent::Connected { user_id }) => {
                        assert_eq!(user_id, other, "connected to the other participant");
                        connected_tx.send_replace(true);
                    }
                    Some(VoiceEvent::Track(audio)) => {
                        assert_eq!(audio.user_id(), other);
                        assert_eq!(audio.mime_type().to_lowercase(), "audio/opus");
                        let received_tx = Arc::clone(&received_tx);
                        tokio::spawn(async move {
                            while let Some(packet) = audio.next_rtp().await {
                                assert_eq!(packet.header.payload_type, 111, "Opus payload type");
                                assert_eq!(&packet.payload[..], &OPUS_SILENCE[..]);
                                received_tx.send_modify(|n| *n += 1);
                            }
                        });
                    }
                    Some(VoiceEvent::Ended { reason }) => panic!("voice session ended: {reason}"),
                    Some(_) => {}
                    None => panic!("voice events ended"),
                },
                _ = stop_rx.changed() => return session,
            }
        }
    });
    Peer {
        connected,
        received,
        stop,
        driver,
        sender,
    }
}

impl Peer {
    async fn wait_connected(&mut self, who: &str) {
        tokio::time::timeout(DEADLINE, self.connected.wait_for(|c| *c))
            .await
            .unwrap_or_else(|_| panic!("{who} did not reach connected"))
            .expect("driver alive");
    }

    async fn wait_packets(&mut self, who: &str) {
        let reached = tokio::time::timeout(DEADLINE, self.received.wait_for(|n| *n > PACKETS))
            .await
            .map(|alive| alive.is_ok())
            .unwrap_or(false);
        assert!(
            reached,
            "{who} received {} Opus RTP packets, wanted more than {PACKETS}",
            *self.received.borrow()
        );
    }

    async fn finish(self) -> VoiceSession {
        self.stop.send_replace(true);
        self.sender.await.expect("sender");
        self.driver.await.expect("driver")
    }
}

/// Two peers in one voice channel: connected, and Opus RTP counted on both sides.
async fn exchange_in_channel(ts: &TestServer, options: VoiceOptions) {
    let (owner, member) = admin_and_member(ts).await;
    let owner_id = common::user_id(&owner).await;
    let member_id = common::user_id(&member).await;
    let sid = create_server(&owner, "Voice").await.id;
    join(&owner, &member, &sid).await;
    let lounge = voice_channel(&owner, &sid).await;

    let first = VoiceSession::join_channel(&owner, &lounge, options.clone())
        .await
        .expect("owner joins");
    assert_eq!(first.channel_id(), lounge);
    let mut a = drive(first, member_id.clone());
    // The later joiner offers to the owner.
    let second = VoiceSession::join_channel(&member, &lounge, options)
        .await
        .expect("member joins");
    let mut b = drive(second, owner_id.clone());

    a.wait_connected("owner").await;
    b.wait_connected("member").await;
    a.wait_packets("owner").await;
    b.wait_packets("member").await;

    let a = a.finish().await;
    let b = b.finish().await;
    assert_eq!(a.peers().await.len(), 1);
    a.leave().await.expect("owner leaves");
    b.leave().await.expect("member leaves");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opus_rtp_flows_both_ways_peer_to_peer() {
    common::bounded(async {
        let ts = TestServer::start(Backend::Sqlite).await;
        exchange_in_channel(
            &ts,
            VoiceOptions {
                loopback_candidates: true,
                ..Default::default()
            },
        )
        .await;
        ts.stop().await;
    })
    .await;
}

/// Only relay candidates (ICE transport policy `relay`): every packet goes through the
/// embedded TURN server, whose URLs and credentials came with the join response.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opus_rtp_flows_both_ways_through_embedded_turn() {
    common::bounded(async {
        let ts = server_with_turn().await;
        exchange_in_channel(
            &ts,
            VoiceOptions {
                relay_only: true,
                ..Default::default()
            },
        )
        .await;
        ts.stop().await;
    })
    .await;
}

async fn befriend(a: &Client, b_name: &str, b: &Client, a_id: &str) {
    a.relationships()
        .send_friend_request(proto::SendFriendRequestRequest {
            username: b_name.to_owned(),
            user_id: String::new(),
        })
        .await
        .expect("friend request");
    b.relationships()
        .accept_friend_request(proto::AcceptFriendRequestRequest {
            user_id: a_id.to_owned(),
        })
        .await
        .expect("accept");
}

/// A DM call: the caller starts it, the callee accepts (and offers); media both ways, over
/// the embedded TURN server only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opus_rtp_flows_in_a_dm_call() {
    common::bounded(async {
        let ts = server_with_turn().await;
        let (admin, member) = admin_and_member(&ts).await;
        let admin_id = common::user_id(&admin).await;
        let member_id = common::user_id(&member).await;
        befriend(&admin, "member", &member, &admin_id).await;
        let options = VoiceOptions {
            relay_only: true,
            ..Default::default()
        };

        let caller = VoiceSession::start_call(
            &admin,
            proto::StartCallRequest {
                user_id: member_id.clone(),
                channel_id: String::new(),
            },
            options.clone(),
        )
        .await
        .expect("start call");
        let dm = caller.channel_id().to_owned();
        assert!(!dm.is_empty());
        let mut a = drive(caller, member_id.clone());
        let callee = VoiceSession::accept_call(&member, &dm, options)
            .await
            .expect("accept call");
        let mut b = drive(callee, admin_id.clone());

        a.wait_connected("caller").await;
        b.wait_connected("callee").await;
        a.wait_packets("caller").await;
        b.wait_packets("callee").await;

        let a = a.finish().await;
        let b = b.finish().await;
        b.leave().await.expect("callee hangs up");
        a.leave().await.expect("caller hangs up");
        ts.stop().await;
    })
    .await;
}

/// With the embedded TURN server on, GetIceServers and a join hand out its UDP and TCP URLs
/// with a TURN REST credential for the caller that the TURN server accepts (an allocation
/// with it relays).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ice_servers_carry_working_embedded_turn_credentials() {
    common::bounded(async {
        let ts = server_with_turn().await;
        let turn_addr = ts.turn.as_ref().expect("TURN on").local_addr();
        let port = turn_addr.port();
        let expected_urls = vec![
            format!("turn:127.0.0.1:{port}?transport=udp"),
            format!("turn:127.0.0.1:{port}?transport=tcp"),
        ];
        let (admin, _member) = admin_and_member(&ts).await;
        let admin_id = common::user_id(&admin).await;

        let got = admin
            .voice()
            .get_ice_servers(proto::GetIceServersRequest {})
            .await
            .expect("GetIceServers")
            .into_inner();
        let turn = got
            .ice_servers
            .iter()
            .find(|s| s.urls == expected_urls)
            .unwrap_or_else(|| panic!("embedded TURN URLs in {:?}", got.ice_servers));
        let (expiry, user) = turn.username.split_once(':').expect("expiry:user");
        assert_eq!(user, admin_id);
        let expiry: i64 = expiry.parse().expect("unix expiry");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64;
        assert!(expiry > now, "the credential is not expired");
        assert_eq!(
            got.expires_at.as_ref().map(|t| t.seconds),
            Some(expiry),
            "expires_at matches the username"
        );
        assert_eq!(
            turn.credential,
            decentra::turn::rest_password(TURN_SECRET, &turn.username)
        );

        // The credential works: a TURN allocation on the embedded server.
        let udp = tokio::net::UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let client = turn::client::Client::new(turn::client::ClientConfig {
            stun_serv_addr: turn_addr.to_string(),
            turn_serv_addr: turn_addr.to_string(),
            username: turn.username.clone(),
            password: turn.credential.clone(),
            realm: String::new(),
            software: String::new(),
            rto_in_ms: 0,
            conn: Arc::new(udp),
            vnet: None,
        })
        .await
        .expect("TURN client");
        client.listen().await.expect("listen");
        let relay = client
            .allocate()
            .await
            .expect("allocation with the handed-out credential");
        use webrtc_util::Conn as _;
        assert_eq!(relay.local_addr().expect("relayed").ip(), turn_addr.ip());
        relay.close().await.expect("close relay");
        client.close().await.expect("close");

        // A join carries the same TURN server.
        let sid = create_server(&admin, "Voice").await.id;
        let lounge = voice_channel(&admin, &sid).await;
        let (_events, _) = common::events::Events::ready(&admin).await;
        let joined = admin
            .voice()
            .join_voice_channel(proto::JoinVoiceChannelRequest {
                channel_id: lounge.clone(),
                ..Default::default()
            })
            .await
            .expect("join")
            .into_inner();
        assert!(
            joined.ice_servers.iter().any(|s| s.urls == expected_urls
                && s.username.ends_with(&format!(":{admin_id}"))
                && !s.credential.is_empty()),
            "{:?}",
            joined.ice_servers
        );
        ts.stop().await;
    })
    .await;
}
