//! Voice channels and DM calls over WebRTC (feature `voice`, built on the `webrtc` crate).
//!
//! A [`VoiceSession`] joins a voice channel ([`VoiceSession::join_channel`]), starts a call
//! ([`VoiceSession::start_call`]) or answers one ([`VoiceSession::accept_call`]). It opens
//! its own event stream (the server ends a voice session when the user's last stream
//! closes), keeps one peer connection per other participant (the mesh the server relays
//! signals for) and signals with `SendSignal` and the `voice_signal` events.
//!
//! Who offers: whoever joins LATER sends an offer to each participant the join (or accept)
//! response lists; a participant answers the offers it receives. Trickled ICE candidates
//! are sent as they are found and buffered on arrival until the remote description is set.
//!
//! Audio out: one Opus track shared by every peer connection — [`VoiceSession::send_opus`]
//! writes a frame to all of them. Audio in: [`VoiceEvent::Track`] hands out each other
//! participant's [`RemoteAudio`], an async source of Opus RTP packets.
//!
//! ```no_run
//! # async fn demo(client: decentra_sdk::Client, channel_id: &str) -> Result<(), decentra_sdk::Error> {
//! use decentra_sdk::voice::{VoiceEvent, VoiceOptions, VoiceSession};
//! let mut voice = VoiceSession::join_channel(&client, channel_id, VoiceOptions::default()).await?;
//! while let Some(event) = voice.next_event().await {
//!     match event {
//!         VoiceEvent::Connected { user_id } => println!("connected to {user_id}"),
//!         VoiceEvent::Track(audio) => {
//!             tokio::spawn(async move {
//!                 while let Some(packet) = audio.next_rtp().await {
//!                     println!("{} bytes of Opus from {}", packet.payload.len(), audio.user_id());
//!                 }
//!             });
//!         }
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```

use std::{
    collections::HashMap,
    sync::{Arc, Weak},
    time::Duration,
};

use bytes::Bytes;
use tokio::{
    sync::{Mutex, mpsc},
    task::JoinHandle,
};
use webrtc::{
    api::{
        API, APIBuilder,
        interceptor_registry::register_default_interceptors,
        media_engine::{MIME_TYPE_OPUS, MediaEngine},
        setting_engine::SettingEngine,
    },
    ice::mdns::MulticastDnsMode,
    ice_transport::{ice_candidate::RTCIceCandidateInit, ice_server::RTCIceServer},
    interceptor::registry::Registry,
    media::Sample,
    peer_connection::{
        RTCPeerConnection, configuration::RTCConfiguration,
        peer_connection_state::RTCPeerConnectionState,
        policy::ice_transport_policy::RTCIceTransportPolicy,
        sdp::session_description::RTCSessionDescription,
    },
    rtp_transceiver::rtp_codec::RTCRtpCodecCapability,
    track::{
        track_local::{TrackLocal, track_local_static_sample::TrackLocalStaticSample},
        track_remote::TrackRemote,
    },
};

pub use webrtc;
/// Peer connection states as [`VoiceEvent::State`] reports them.
pub use webrtc::peer_connection::peer_connection_state::RTCPeerConnectionState as PeerState;
/// RTP packets as [`RemoteAudio::next_rtp`] returns them.
pub use webrtc::rtp::packet::Packet as RtpPacket;

use crate::{
    Client, Error,
    events::{Event, EventStream, ServerEvent},
    proto,
};

/// How a [`VoiceSession`] connects.
#[derive(Debug, Clone, Default)]
pub struct VoiceOptions {
    /// Only relay (TURN) candidates: ICE transport policy `relay`. For networks where direct
    /// connections must not be tried, and for tests that prove TURN works.
    pub relay_only: bool,
    /// Also offer loopback addresses as host candidates (several peers on one machine).
    pub loopback_candidates: bool,
    /// Answer and resolve `.local` mDNS candidates (browsers hide host addresses behind
    /// them). Off by default: bots usually reach browsers through STUN/TURN or
    /// peer-reflexive candidates, and mDNS needs a multicast-capable interface.
    pub mdns: bool,
    /// ICE servers used in addition to the ones the server hands out.
    pub extra_ice_servers: Vec<RTCIceServer>,
}

/// What happens in a [`VoiceSession`], from [`VoiceSession::next_event`].
#[derive(Debug)]
#[non_exhaustive]
pub enum VoiceEvent {
    /// A peer connection changed state.
    State {
        /// The other participant.
        user_id: String,
        /// The new state.
        state: PeerState,
    },
    /// The peer connection with `user_id` reached `connected` (also reported as `State`).
    Connected {
        /// The other participant.
        user_id: String,
    },
    /// Another participant's incoming audio.
    Track(RemoteAudio),
    /// A participant left; their peer connection is closed.
    PeerLeft {
        /// Who left.
        user_id: String,
    },
    /// The voice session ended on the server (moved, disconnected, call ended) or the event
    /// stream failed; no more events follow.
    Ended {
        /// Why, for logs.
        reason: String,
    },
}

/// Another participant's incoming audio track: Opus RTP packets.
#[derive(Clone)]
pub struct RemoteAudio {
    user_id: String,
    track: Arc<TrackRemote>,
}

impl std::fmt::Debug for RemoteAudio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteAudio")
            .field("user_id", &self.user_id)
            .field("ssrc", &self.track.ssrc())
            .finish()
    }
}

impl RemoteAudio {
    /// Whose audio this is.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The negotiated codec's MIME type (`audio/opus`).
    pub fn mime_type(&self) -> String {
        self.track.codec().capability.mime_type
    }

    /// The next RTP packet; `None` once the track or its peer connection ended.
    pub async fn next_rtp(&self) -> Option<RtpPacket> {
        self.track.read_rtp().await.ok().map(|(packet, _)| packet)
    }

    /// The packets as a stream.
    pub fn into_stream(self) -> impl futures::Stream<Item = RtpPacket> + Send {
        futures::stream::unfold(self, |audio| async move {
            let packet = audio.next_rtp().await?;
            Some((packet, audio))
        })
    }
}

/// A voice channel or call the caller is in, with one peer connection per other participant.
/// Dropping it closes the peer connections and the event stream (the server then ends the
/// session); [`VoiceSession::leave`] also tells the server at once.
pub struct VoiceSession {
    shared: Arc<Shared>,
    events: mpsc::UnboundedReceiver<VoiceEvent>,
    task: JoinHandle<()>,
    sender_task: JoinHandle<()>,
}

impl std::fmt::Debug for VoiceSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoiceSession")
            .field("session_id", &self.shared.session_id)
            .field("channel_id", &self.shared.channel_id)
            .finish_non_exhaustive()
    }
}

/// What the background tasks and the callbacks share.
struct Shared {
    client: Client,
    session_id: String,
    channel_id: String,
    me: String,
    api: API,
    config: RTCConfiguration,
    audio: Arc<TrackLocalStaticSample>,
    peers: Mutex<HashMap<String, Peer>>,
    /// Signals to send, in order, by the sender task.
    outgoing: mpsc::UnboundedSender<(String, proto::send_signal_request::Signal)>,
    events: mpsc::UnboundedSender<VoiceEvent>,
}

struct Peer {
    pc: Arc<RTCPeerConnection>,
    /// Candidates that arrived before the remote description.
    pending: Vec<RTCIceCandidateInit>,
    remote_set: bool,
}

/// What a join/start/accept response gives the session.
struct Joined {
    session_id: String,
    channel_id: String,
    ice_servers: Vec<proto::IceServer>,
    voice_states: Vec<proto::VoiceState>,
}

impl VoiceSession {
    /// Joins the voice channel `channel_id` (leaving any other voice channel or call) and
    /// offers a connection to everyone already in it.
    pub async fn join_channel(
        client: &Client,
        channel_id: &str,
        options: VoiceOptions,
    ) -> Result<Self, Error> {
        let channel_id = channel_id.to_owned();
        Self::open(client, options, move |client| async move {
            let r = client
                .voice()
                .join_voice_channel(proto::JoinVoiceChannelRequest {
                    channel_id: channel_id.clone(),
                    self_mute: false,
                    self_deaf: false,
                })
                .await?
                .into_inner();
            Ok(Joined {
                session_id: r.session_id,
                channel_id,
                ice_servers: r.ice_servers,
                voice_states: r.voice_states,
            })
        })
        .await
    }

    /// Starts a call (`request.user_id` for a 1:1 DM, or `request.channel_id` for a DM or
    /// group DM). The others connect when they accept (they offer).
    pub async fn start_call(
        client: &Client,
        request: proto::StartCallRequest,
        options: VoiceOptions,
    ) -> Result<Self, Error> {
        Self::open(client, options, move |client| async move {
            let r = client.voice().start_call(request).await?.into_inner();
            Ok(Joined {
                session_id: r.session_id,
                channel_id: r.call.map(|c| c.channel_id).unwrap_or_default(),
                ice_servers: r.ice_servers,
                voice_states: r.voice_states,
            })
        })
        .await
    }

    /// Accepts the call ringing in `channel_id` and offers a connection to everyone in it.
    pub async fn accept_call(
        client: &Client,
        channel_id: &str,
        options: VoiceOptions,
    ) -> Result<Self, Error> {
        let channel_id = channel_id.to_owned();
        Self::open(client, options, move |client| async move {
            let r = client
                .voice()
                .accept_call(proto::AcceptCallRequest {
                    channel_id: channel_id.clone(),
                })
                .await?
                .into_inner();
            Ok(Joined {
                session_id: r.session_id,
                channel_id,
                ice_servers: r.ice_servers,
                voice_states: r.voice_states,
            })
        })
        .await
    }

    async fn open<F, Fut>(client: &Client, options: VoiceOptions, join: F) -> Result<Self, Error>
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = Result<Joined, Error>>,
    {
        let me = client.me().await?.id;
        // The server wants an open event stream before a join: wait for its `ready`.
        let mut stream = client.events();
        loop {
            match stream.next().await {
                Some(Ok(Event::Server(ServerEvent::Ready(_)))) => break,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => {
                    return Err(Error::Status(tonic::Status::unavailable(
                        "the event stream ended before `ready`",
                    )));
                }
            }
        }
        let joined = join(client.clone()).await?;

        let api = build_api(&options)?;
        let mut ice_servers: Vec<RTCIceServer> = joined
            .ice_servers
            .iter()
            .map(|s| RTCIceServer {
                urls: s.urls.clone(),
                username: s.username.clone(),
                credential: s.credential.clone(),
            })
            .collect();
        ice_servers.extend(options.extra_ice_servers.iter().cloned());
        let config = RTCConfiguration {
            ice_servers,
            ice_transport_policy: if options.relay_only {
                RTCIceTransportPolicy::Relay
            } else {
                RTCIceTransportPolicy::All
            },
            ..Default::default()
        };
        let audio = Arc::new(TrackLocalStaticSample::new(
            RTCRtpCodecCapability {
                mime_type: MIME_TYPE_OPUS.to_owned(),
                clock_rate: 48_000,
                channels: 2,
                ..Default::default()
            },
            "audio".to_owned(),
            format!("decentra-{me}"),
        ));
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            client: client.clone(),
            session_id: joined.session_id.clone(),
            channel_id: joined.channel_id.clone(),
            me: me.clone(),
            api,
            config,
            audio,
            peers: Mutex::new(HashMap::new()),
            outgoing: out_tx,
            events: events_tx,
        });
        let sender_task = tokio::spawn(send_signals(
            client.clone(),
            joined.session_id.clone(),
            out_rx,
        ));

        // Whoever joins later offers to those already in.
        for state in joined.voice_states.iter().filter(|s| s.user_id != me) {
            if let Err(e) = shared.offer(&state.user_id).await {
                sender_task.abort();
                return Err(e);
            }
        }
        let task = tokio::spawn(run(Arc::downgrade(&shared), stream));
        Ok(Self {
            shared,
            events: events_rx,
            task,
            sender_task,
        })
    }

    /// The server's id of this voice session.
    pub fn session_id(&self) -> &str {
        &self.shared.session_id
    }

    /// The voice channel, DM or group DM channel.
    pub fn channel_id(&self) -> &str {
        &self.shared.channel_id
    }

    /// The outgoing Opus track every peer connection carries (for writing samples directly).
    pub fn audio_track(&self) -> Arc<TrackLocalStaticSample> {
        Arc::clone(&self.shared.audio)
    }

    /// Sends one Opus frame lasting `duration` (usually 20 ms) to every connected peer.
    /// Pace the calls in real time; before any peer is connected the frame goes nowhere.
    pub async fn send_opus(&self, frame: Bytes, duration: Duration) -> Result<(), Error> {
        self.shared
            .audio
            .write_sample(&Sample {
                data: frame,
                duration,
                ..Default::default()
            })
            .await
            .map_err(voice_error)
    }

    /// The users this session has a peer connection with, and each connection's state.
    pub async fn peers(&self) -> Vec<(String, PeerState)> {
        self.shared
            .peers
            .lock()
            .await
            .iter()
            .map(|(user, peer)| (user.clone(), peer.pc.connection_state()))
            .collect()
    }

    /// The next event; `None` after [`VoiceEvent::Ended`].
    pub async fn next_event(&mut self) -> Option<VoiceEvent> {
        self.events.recv().await
    }

    /// Leaves: closes every peer connection and tells the server (`LeaveVoice`).
    pub async fn leave(self) -> Result<(), Error> {
        self.task.abort();
        self.shared.close_all().await;
        self.shared
            .client
            .voice()
            .leave_voice(proto::LeaveVoiceRequest {
                session_id: self.shared.session_id.clone(),
            })
            .await?;
        Ok(())
    }
}

impl Drop for VoiceSession {
    fn drop(&mut self) {
        self.task.abort();
        self.sender_task.abort();
        let shared = Arc::clone(&self.shared);
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move { shared.close_all().await });
        }
    }
}

fn voice_error(e: webrtc::Error) -> Error {
    Error::Voice(e.to_string())
}

fn build_api(options: &VoiceOptions) -> Result<API, Error> {
    let mut media = MediaEngine::default();
    media.register_default_codecs().map_err(voice_error)?;
    let registry =
        register_default_interceptors(Registry::new(), &mut media).map_err(voice_error)?;
    let mut settings = SettingEngine::default();
    settings.set_ice_multicast_dns_mode(if options.mdns {
        MulticastDnsMode::QueryAndGather
    } else {
        MulticastDnsMode::Disabled
    });
    settings.set_include_loopback_candidate(options.loopback_candidates);
    Ok(APIBuilder::new()
        .with_media_engine(media)
        .with_interceptor_registry(registry)
        .with_setting_engine(settings)
        .build())
}

/// Sends queued signals in order (an SDP before the candidates queued after it).
async fn send_signals(
    client: Client,
    session_id: String,
    mut rx: mpsc::UnboundedReceiver<(String, proto::send_signal_request::Signal)>,
) {
    while let Some((to_user_id, signal)) = rx.recv().await {
        let sent = client
            .voice()
            .send_signal(proto::SendSignalRequest {
                session_id: session_id.clone(),
                to_user_id: to_user_id.clone(),
                signal: Some(signal),
            })
            .await;
        if let Err(status) = sent {
            // The peer left meanwhile, or the session ended: its state events say so.
            log_debug(&format!("signal to {to_user_id} refused: {status}"));
        }
    }
}

fn log_debug(message: &str) {
    tracing::debug!(target: "decentra_sdk::voice", "{message}");
}

/// Handles the session's events until the stream ends or the session is dropped.
async fn run(shared: Weak<Shared>, mut stream: EventStream) {
    // The stream yields its fatal error just before it ends.
    let mut last_error = None;
    loop {
        let Some(item) = stream.next().await else {
            if let Some(shared) = shared.upgrade() {
                shared.close_all().await;
                let _ = shared.events.send(VoiceEvent::Ended {
                    reason: last_error.unwrap_or_else(|| "the event stream ended".to_owned()),
                });
            }
            return;
        };
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let event = match item {
            Ok(Event::Server(event)) => event,
            Ok(_) => continue,
            Err(e) => {
                last_error = Some(e.to_string());
                continue;
            }
        };
        if let Some(reason) = shared.handle(event).await {
            shared.close_all().await;
            let _ = shared.events.send(VoiceEvent::Ended { reason });
            return;
        }
    }
}

impl Shared {
    /// Handles one server event; `Some(reason)` when the session is over.
    async fn handle(self: &Arc<Self>, event: ServerEvent) -> Option<String> {
        match event {
            ServerEvent::VoiceSignal(e) => {
                let signal = e.signal?;
                if signal.session_id != self.session_id {
                    return None;
                }
                let from = signal.from_user_id;
                let result = match signal.signal? {
                    proto::voice_signal::Signal::Sdp(sdp) => self.on_sdp(&from, sdp).await,
                    proto::voice_signal::Signal::IceCandidate(c) => {
                        self.on_candidate(&from, c).await
                    }
                };
                if let Err(e) = result {
                    log_debug(&format!("signal from {from} failed: {e}"));
                }
                None
            }
            ServerEvent::VoiceStateRemoved(e) => {
                if e.channel_id != self.channel_id {
                    return None;
                }
                if e.user_id == self.me {
                    return Some("left the voice session".to_owned());
                }
                if let Some(peer) = self.peers.lock().await.remove(&e.user_id) {
                    let _ = peer.pc.close().await;
                    let _ = self
                        .events
                        .send(VoiceEvent::PeerLeft { user_id: e.user_id });
                }
                None
            }
            ServerEvent::VoiceStateUpdated(e) => {
                let state = e.voice_state?;
                // Moved elsewhere by a moderator: this session is over.
                (state.user_id == self.me && state.channel_id != self.channel_id)
                    .then(|| format!("moved to channel {}", state.channel_id))
            }
            ServerEvent::CallEnded(e) if e.channel_id == self.channel_id => {
                Some("the call ended".to_owned())
            }
            _ => None,
        }
    }

    /// A new peer connection to `user` carrying the outgoing audio.
    async fn connect(self: &Arc<Self>, user: &str) -> Result<Arc<RTCPeerConnection>, Error> {
        let pc = Arc::new(
            self.api
                .new_peer_connection(self.config.clone())
                .await
                .map_err(voice_error)?,
        );
        let sender = pc
            .add_track(Arc::clone(&self.audio) as Arc<dyn TrackLocal + Send + Sync>)
            .await
            .map_err(voice_error)?;
        // Read RTCP so the interceptors (NACK, reports) run.
        tokio::spawn(async move {
            let mut buf = vec![0u8; 1500];
            while sender.read(&mut buf).await.is_ok() {}
        });

        let outgoing = self.outgoing.clone();
        let to = user.to_owned();
        pc.on_ice_candidate(Box::new(move |candidate| {
            let outgoing = outgoing.clone();
            let to = to.clone();
            Box::pin(async move {
                let Some(candidate) = candidate else { return };
                match candidate.to_json() {
                    Ok(init) => {
                        let _ = outgoing.send((
                            to,
                            proto::send_signal_request::Signal::IceCandidate(proto::IceCandidate {
                                candidate: init.candidate,
                                sdp_mid: init.sdp_mid.unwrap_or_default(),
                                sdp_mline_index: init.sdp_mline_index.map(u32::from),
                                username_fragment: init.username_fragment.unwrap_or_default(),
                            }),
                        ));
                    }
                    Err(e) => log_debug(&format!("unusable local candidate: {e}")),
                }
            })
        }));

        let events = self.events.clone();
        let from = user.to_owned();
        pc.on_peer_connection_state_change(Box::new(move |state| {
            let _ = events.send(VoiceEvent::State {
                user_id: from.clone(),
                state,
            });
            if state == RTCPeerConnectionState::Connected {
                let _ = events.send(VoiceEvent::Connected {
                    user_id: from.clone(),
                });
            }
            Box::pin(async {})
        }));

        let events = self.events.clone();
        let from = user.to_owned();
        pc.on_track(Box::new(move |track, _receiver, _transceiver| {
            let _ = events.send(VoiceEvent::Track(RemoteAudio {
                user_id: from.clone(),
                track,
            }));
            Box::pin(async {})
        }));

        let previous = self.peers.lock().await.insert(
            user.to_owned(),
            Peer {
                pc: Arc::clone(&pc),
                pending: Vec::new(),
                remote_set: false,
            },
        );
        if let Some(previous) = previous {
            let _ = previous.pc.close().await;
        }
        Ok(pc)
    }

    /// Creates a connection to `user` and sends it an offer.
    async fn offer(self: &Arc<Self>, user: &str) -> Result<(), Error> {
        let pc = self.connect(user).await?;
        let offer = pc.create_offer(None).await.map_err(voice_error)?;
        pc.set_local_description(offer).await.map_err(voice_error)?;
        let local = pc
            .local_description()
            .await
            .ok_or_else(|| Error::Voice("no local description after an offer".to_owned()))?;
        self.send_sdp(user, proto::SdpType::Offer, local.sdp);
        Ok(())
    }

    fn send_sdp(&self, to: &str, kind: proto::SdpType, sdp: String) {
        let _ = self.outgoing.send((
            to.to_owned(),
            proto::send_signal_request::Signal::Sdp(proto::SessionDescription {
                r#type: kind as i32,
                sdp,
            }),
        ));
    }

    async fn on_sdp(
        self: &Arc<Self>,
        from: &str,
        sdp: proto::SessionDescription,
    ) -> Result<(), Error> {
        match proto::SdpType::try_from(sdp.r#type).unwrap_or(proto::SdpType::Unspecified) {
            proto::SdpType::Offer => {
                // A (re)offer: a fresh connection unless one is waiting for its answer.
                let existing = self.peers.lock().await.get(from).map(|p| Arc::clone(&p.pc));
                let pc = match existing {
                    Some(pc) if pc.connection_state() != RTCPeerConnectionState::Closed => pc,
                    _ => self.connect(from).await?,
                };
                let offer = RTCSessionDescription::offer(sdp.sdp).map_err(voice_error)?;
                pc.set_remote_description(offer)
                    .await
                    .map_err(voice_error)?;
                self.flush_candidates(from, &pc).await;
                let answer = pc.create_answer(None).await.map_err(voice_error)?;
                pc.set_local_description(answer)
                    .await
                    .map_err(voice_error)?;
                let local = pc.local_description().await.ok_or_else(|| {
                    Error::Voice("no local description after an answer".to_owned())
                })?;
                self.send_sdp(from, proto::SdpType::Answer, local.sdp);
            }
            proto::SdpType::Answer => {
                let pc = self
                    .peers
                    .lock()
                    .await
                    .get(from)
                    .map(|p| Arc::clone(&p.pc))
                    .ok_or_else(|| Error::Voice(format!("answer from {from} without an offer")))?;
                let answer = RTCSessionDescription::answer(sdp.sdp).map_err(voice_error)?;
                pc.set_remote_description(answer)
                    .await
                    .map_err(voice_error)?;
                self.flush_candidates(from, &pc).await;
            }
            other => log_debug(&format!("ignoring SDP of type {other:?} from {from}")),
        }
        Ok(())
    }

    async fn flush_candidates(&self, from: &str, pc: &RTCPeerConnection) {
        let pending = match self.peers.lock().await.get_mut(from) {
            Some(peer) => {
                peer.remote_set = true;
                std::mem::take(&mut peer.pending)
            }
            None => Vec::new(),
        };
        for candidate in pending {
            if let Err(e) = pc.add_ice_candidate(candidate).await {
                log_debug(&format!("candidate from {from} refused: {e}"));
            }
        }
    }

    async fn on_candidate(
        self: &Arc<Self>,
        from: &str,
        c: proto::IceCandidate,
    ) -> Result<(), Error> {
        if c.candidate.is_empty() {
            // End of candidates.
            return Ok(());
        }
        let init = RTCIceCandidateInit {
            candidate: c.candidate,
            sdp_mid: Some(c.sdp_mid).filter(|m| !m.is_empty()),
            sdp_mline_index: c.sdp_mline_index.and_then(|i| u16::try_from(i).ok()),
            username_fragment: Some(c.username_fragment).filter(|u| !u.is_empty()),
        };
        let pc = {
            let mut peers = self.peers.lock().await;
            match peers.get_mut(from) {
                Some(peer) if peer.remote_set => Arc::clone(&peer.pc),
                Some(peer) => {
                    peer.pending.push(init);
                    return Ok(());
                }
                // A candidate ahead of its offer: keep it for the connection the offer makes.
                None => {
                    drop(peers);
                    let pc = self.connect(from).await?;
                    let mut peers = self.peers.lock().await;
                    if let Some(peer) = peers.get_mut(from).filter(|p| Arc::ptr_eq(&p.pc, &pc)) {
                        peer.pending.push(init);
                    }
                    return Ok(());
                }
            }
        };
        pc.add_ice_candidate(init).await.map_err(voice_error)
    }

    async fn close_all(&self) {
        let peers: Vec<Peer> = self.peers.lock().await.drain().map(|(_, p)| p).collect();
        for peer in peers {
            let _ = peer.pc.close().await;
        }
    }
}
