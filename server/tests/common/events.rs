//! Reading a user's event stream in tests: every wait has a timeout (no sleeps), and
//! "received nothing" is proven by a later marker event, since a stream delivers events in
//! publication order.

use std::time::Duration;

use decentra_sdk::{Client, proto};
use proto::subscribe_response::Event;

/// Longest wait for an expected event.
pub const WAIT: Duration = Duration::from_secs(10);

/// An open `Subscribe` stream.
pub struct Events {
    stream: tonic::Streaming<proto::SubscribeResponse>,
    /// Cursor of the last event read that had one.
    pub cursor: String,
}

impl Events {
    /// Opens a stream (empty cursor = fresh start with `ready`).
    pub async fn open(client: &Client, resume_cursor: &str) -> Self {
        let stream = client
            .event_service()
            .subscribe(proto::SubscribeRequest {
                resume_cursor: resume_cursor.to_owned(),
            })
            .await
            .expect("subscribe")
            .into_inner();
        Self {
            stream,
            cursor: String::new(),
        }
    }

    /// Opens a fresh stream and returns it with its `ready` snapshot.
    pub async fn ready(client: &Client) -> (Self, proto::ReadyEvent) {
        let mut events = Self::open(client, "").await;
        match events.next().await {
            Event::Ready(r) => (events, r),
            other => panic!("expected ready first, got {other:?}"),
        }
    }

    /// The next event other than a heartbeat, within [`WAIT`] (heartbeats do not extend it).
    pub async fn next(&mut self) -> Event {
        self.next_before(tokio::time::Instant::now() + WAIT).await
    }

    async fn next_before(&mut self, deadline: tokio::time::Instant) -> Event {
        loop {
            let msg = tokio::time::timeout_at(deadline, self.stream.message())
                .await
                .expect("timed out waiting for an event")
                .expect("stream error")
                .expect("stream ended");
            if !msg.cursor.is_empty() {
                self.cursor = msg.cursor.clone();
            }
            match msg.event {
                Some(Event::Heartbeat(_)) | None => continue,
                Some(e) => return e,
            }
        }
    }

    /// Skips events until one matches; returns it.
    pub async fn wait_for(&mut self, mut matches: impl FnMut(&Event) -> bool) -> Event {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let e = self.next_before(deadline).await;
            if matches(&e) {
                return e;
            }
        }
    }

    /// [`Self::wait_for`] within `within` rather than [`WAIT`]: for an event that waits on a
    /// recovery (NATS coming back), whose retries back off.
    pub async fn wait_for_within(
        &mut self,
        within: Duration,
        mut matches: impl FnMut(&Event) -> bool,
    ) -> Event {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let e = self.next_before(deadline).await;
            if matches(&e) {
                return e;
            }
        }
    }

    /// Reads up to the first event matching `marker`, panicking if any event before it
    /// matches `forbidden`.
    pub async fn none_before(
        &mut self,
        mut forbidden: impl FnMut(&Event) -> bool,
        mut marker: impl FnMut(&Event) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let e = self.next_before(deadline).await;
            assert!(!forbidden(&e), "received an event it must not see: {e:?}");
            if marker(&e) {
                return;
            }
        }
    }

    /// The next event other than a heartbeat, or None once the stream ended or failed (the
    /// server died), within [`WAIT`].
    pub async fn try_next(&mut self) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.stream.message()).await {
                Ok(Ok(Some(msg))) => {
                    if !msg.cursor.is_empty() {
                        self.cursor = msg.cursor.clone();
                    }
                    match msg.event {
                        Some(Event::Heartbeat(_)) | None => continue,
                        Some(e) => return Some(e),
                    }
                }
                Ok(Ok(None)) | Ok(Err(_)) => return None,
                Err(_) => panic!("timed out waiting for an event or the end of the stream"),
            }
        }
    }

    /// Whether the stream ends (or only sends heartbeats) — used after the server cut it.
    pub async fn ended(&mut self) -> Option<proto::SubscribeResponse> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.stream.message()).await {
                Ok(Ok(Some(m))) if matches!(m.event, Some(Event::Heartbeat(_))) => continue,
                Ok(Ok(Some(m))) => return Some(m),
                Ok(Ok(None)) | Ok(Err(_)) => return None,
                Err(_) => panic!("stream neither ended nor sent anything"),
            }
        }
    }
}
