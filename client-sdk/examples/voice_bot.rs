//! Voice bot: joins a voice channel and plays a tone into it (Opus, encoded in pure Rust by
//! `opus-rs`: no libopus, no cmake), printing who it connects to and how much audio each
//! other participant sends.
//!
//! ```sh
//! # As a bot (its token; the bot needs CONNECT and SPEAK in the channel):
//! DECENTRA_URL=http://127.0.0.1:8765 DECENTRA_BOT_TOKEN=… DECENTRA_VOICE_CHANNEL=<channel id> \
//!     cargo run -p decentra-sdk --features voice --example voice_bot
//! # Or as a user:
//! DECENTRA_USERNAME=alice DECENTRA_PASSWORD=… DECENTRA_VOICE_CHANNEL=<channel id> \
//!     cargo run -p decentra-sdk --features voice --example voice_bot
//! ```
//!
//! Optional: `DECENTRA_TONE_HZ` (default 440), `DECENTRA_SECONDS` (default 0 = until Ctrl-C),
//! `DECENTRA_RELAY_ONLY=true` (TURN only, for networks that need it).

use std::{
    collections::HashMap,
    f32::consts::TAU,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use decentra_sdk::{
    Client, Error,
    voice::{VoiceEvent, VoiceOptions, VoiceSession},
};
use opus_rs::{Application, OpusEncoder};

const RATE: usize = 48_000;
/// 20 ms per Opus frame.
const FRAME: usize = RATE / 50;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = std::env::var("DECENTRA_URL").unwrap_or_else(|_| "http://127.0.0.1:8765".into());
    let Ok(channel_id) = std::env::var("DECENTRA_VOICE_CHANNEL") else {
        eprintln!("set DECENTRA_VOICE_CHANNEL to a voice channel id");
        std::process::exit(2);
    };
    let tone_hz: f32 = env_num("DECENTRA_TONE_HZ", 440.0);
    let seconds: f32 = env_num("DECENTRA_SECONDS", 0.0);
    let relay_only = std::env::var("DECENTRA_RELAY_ONLY").is_ok_and(|v| v == "true" || v == "1");

    let client = match std::env::var("DECENTRA_BOT_TOKEN") {
        Ok(token) => Client::bot(url, &token).await?,
        Err(_) => {
            let (Ok(user), Ok(password)) = (
                std::env::var("DECENTRA_USERNAME"),
                std::env::var("DECENTRA_PASSWORD"),
            ) else {
                eprintln!("set DECENTRA_BOT_TOKEN, or DECENTRA_USERNAME and DECENTRA_PASSWORD");
                std::process::exit(2);
            };
            let client = Client::connect(url).await?;
            client.login(&user, &password).await?;
            client
        }
    };

    let mut voice = VoiceSession::join_channel(
        &client,
        &channel_id,
        VoiceOptions {
            relay_only,
            ..Default::default()
        },
    )
    .await?;
    println!(
        "joined {} (session {})",
        voice.channel_id(),
        voice.session_id()
    );

    // The tone, encoded frame by frame and paced in real time.
    let track = voice.audio_track();
    let (done_tx, mut done) = tokio::sync::oneshot::channel::<()>();
    let player = tokio::spawn(async move {
        let _done = done_tx;
        let mut encoder = match OpusEncoder::new(RATE as i32, 1, Application::Audio) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("Opus encoder: {e}");
                return;
            }
        };
        let mut pcm = vec![0f32; FRAME];
        let mut packet = vec![0u8; 1500];
        let mut phase = 0f32;
        let step = TAU * tone_hz / RATE as f32;
        let frames = (seconds * 50.0) as u64;
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        let mut sent = 0u64;
        while frames == 0 || sent < frames {
            tick.tick().await;
            for sample in pcm.iter_mut() {
                *sample = 0.3 * phase.sin();
                phase = (phase + step) % TAU;
            }
            let len = match encoder.encode(&pcm, FRAME, &mut packet) {
                Ok(len) => len,
                Err(e) => {
                    eprintln!("Opus encoding failed: {e}");
                    return;
                }
            };
            let sample = decentra_sdk::voice::webrtc::media::Sample {
                data: packet[..len].to_vec().into(),
                duration: Duration::from_millis(20),
                ..Default::default()
            };
            if let Err(e) = track.write_sample(&sample).await {
                eprintln!("sending audio failed: {e}");
                return;
            }
            sent += 1;
        }
    });

    let received: Arc<std::sync::Mutex<HashMap<String, Arc<AtomicU64>>>> = Default::default();
    let report = Arc::clone(&received);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            let counts: Vec<(String, u64)> = report
                .lock()
                .map(|m| {
                    m.iter()
                        .map(|(u, n)| (u.clone(), n.load(Ordering::Relaxed)))
                        .collect()
                })
                .unwrap_or_default();
            for (user, n) in counts {
                println!("received {n} Opus packets from {user}");
            }
        }
    });

    loop {
        tokio::select! {
            event = voice.next_event() => match event {
                Some(VoiceEvent::Connected { user_id }) => println!("connected to {user_id}"),
                Some(VoiceEvent::PeerLeft { user_id }) => println!("{user_id} left"),
                Some(VoiceEvent::Track(audio)) => {
                    let counter = Arc::new(AtomicU64::new(0));
                    if let Ok(mut m) = received.lock() {
                        m.insert(audio.user_id().to_owned(), Arc::clone(&counter));
                    }
                    tokio::spawn(async move {
                        while audio.next_rtp().await.is_some() {
                            counter.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                }
                Some(VoiceEvent::Ended { reason }) => {
                    println!("session ended: {reason}");
                    break;
                }
                Some(_) => {}
                None => break,
            },
            _ = tokio::signal::ctrl_c() => break,
            _ = &mut done => break,
        }
    }
    player.abort();
    voice.leave().await?;
    println!("left");
    Ok(())
}

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
