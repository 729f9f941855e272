//! The event stream: `EventService.Subscribe`, reconnected with exponential backoff and
//! resumed from the last cursor.

use std::time::Duration;

use futures::Stream;
use tonic::{Code, Streaming};

use crate::{Client, Error, proto};

/// An event from the server (`ready`, `resumed`, `resync_required`, `message_created`, …).
pub use proto::subscribe_response::Event as ServerEvent;

/// Codes after which reconnecting cannot help: the request or the account is wrong.
const FATAL: [Code; 4] = [
    Code::InvalidArgument,
    Code::PermissionDenied,
    Code::Unimplemented,
    Code::NotFound,
];

/// Until the first `ready` tells the real interval.
const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(30);

/// One item of an [`EventStream`].
// Almost every item is the large variant; boxing it would add an allocation per event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// An event from the server. `ServerEvent::ResyncRequired` means the server could not
    /// replay what was missed: drop state built from earlier events and re-read it (a fresh
    /// `ready` follows).
    Server(ServerEvent),
    /// The connection ended; the stream reconnects after [`Reconnect::delay`].
    Reconnecting(Reconnect),
}

/// Why and when the stream reconnects.
#[derive(Debug, Clone)]
pub struct Reconnect {
    /// 1 for the first reconnect after a working connection, then 2, 3, …
    pub attempt: u32,
    /// The wait before this attempt.
    pub delay: Duration,
    /// Why the previous connection ended (`None`: the server closed the stream).
    pub error: Option<tonic::Status>,
}

/// How an [`EventStream`] reconnects.
#[derive(Debug, Clone)]
pub struct Backoff {
    /// The wait before the second attempt (the first is immediate); doubles each attempt.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The wait before reconnect `attempt` (0-based): nothing for the first, then `initial`,
    /// 2×`initial`, 4×… capped at `max`, each scaled by a random 0.5–1 so clients do not
    /// reconnect in lockstep.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = decentra_sdk::events::Backoff { initial: Duration::from_secs(1), max: Duration::from_secs(30) };
    /// assert_eq!(b.delay(0), Duration::ZERO);
    /// assert!(b.delay(1) <= Duration::from_secs(1));
    /// assert!(b.delay(20) >= Duration::from_secs(15) && b.delay(20) <= Duration::from_secs(30));
    /// ```
    pub fn delay(&self, attempt: u32) -> Duration {
        if attempt == 0 {
            return Duration::ZERO;
        }
        let ceiling = self
            .initial
            .saturating_mul(1 << (attempt - 1).min(16))
            .min(self.max);
        ceiling.mul_f64(0.5 + rand::random::<f64>() / 2.0)
    }
}

/// The caller's events for as long as it is open, across disconnects.
///
/// After a disconnect the stream reconnects with [`Backoff`] and resumes after the last cursor:
/// the server replays what was missed (then sends `resumed`), so nothing is lost or delivered
/// twice. When the server cannot replay (it restarted, or the cursor fell out of its window)
/// the stream yields `resync_required` followed by a fresh `ready`.
///
/// A connection that misses two heartbeats is treated as dead and reopened. An
/// UNAUTHENTICATED end renews the session once and reconnects; errors that retrying cannot
/// fix (PERMISSION_DENIED, INVALID_ARGUMENT, UNIMPLEMENTED, NOT_FOUND, or UNAUTHENTICATED
/// again right after renewing) end the stream with that error.
///
/// ```no_run
/// # async fn demo(client: decentra_sdk::Client) -> Result<(), decentra_sdk::Error> {
/// use decentra_sdk::events::{Event, ServerEvent};
/// let mut events = client.events();
/// while let Some(event) = events.next().await {
///     match event? {
///         Event::Server(ServerEvent::MessageCreated(m)) => {
///             let m = m.message.unwrap_or_default();
///             println!("{}: {}", m.author.unwrap_or_default().username, m.content);
///         }
///         Event::Server(ServerEvent::ResyncRequired(r)) => println!("resync: {}", r.reason),
///         Event::Reconnecting(r) => println!("reconnecting in {:?}", r.delay),
///         _ => {}
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct EventStream {
    client: Client,
    cursor: String,
    backoff: Backoff,
    include_heartbeats: bool,
    heartbeat: Duration,
    current: Option<Streaming<proto::SubscribeResponse>>,
    /// Consecutive reconnects without a `ready` / `resumed`.
    attempt: u32,
    /// Wait before the next connect.
    pending_delay: Option<Duration>,
    /// Renewed the session since the last working connection.
    renewed: bool,
    /// Credentials sent with the current connection.
    sent: Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>,
    closed: bool,
    connections: u64,
}

impl Client {
    /// The caller's events, resumed and reconnected as described on [`EventStream`].
    pub fn events(&self) -> EventStream {
        EventStream::new(self.clone())
    }
}

impl EventStream {
    /// A stream for `client` that starts fresh (with `ready`).
    pub fn new(client: Client) -> Self {
        Self {
            client,
            cursor: String::new(),
            backoff: Backoff::default(),
            include_heartbeats: false,
            heartbeat: DEFAULT_HEARTBEAT,
            current: None,
            attempt: 0,
            pending_delay: None,
            renewed: false,
            sent: None,
            closed: false,
            connections: 0,
        }
    }

    /// Resumes after `cursor` (saved from [`EventStream::cursor`] by an earlier run).
    pub fn resume_from(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = cursor.into();
        self
    }

    /// Sets the reconnect backoff.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Also yields heartbeats (hidden by default).
    pub fn include_heartbeats(mut self, yes: bool) -> Self {
        self.include_heartbeats = yes;
        self
    }

    /// The cursor of the last event received: where a resume starts.
    pub fn cursor(&self) -> &str {
        &self.cursor
    }

    /// Connections opened so far (1 after the first connect).
    pub fn connections(&self) -> u64 {
        self.connections
    }

    /// The next event; `None` once the stream ended with an error (returned just before).
    pub async fn next(&mut self) -> Option<Result<Event, Error>> {
        if self.closed {
            return None;
        }
        let item = self.advance().await;
        if item.is_err() {
            self.closed = true;
            self.current = None;
        }
        Some(item)
    }

    /// This stream as a [`futures::Stream`].
    pub fn into_stream(self) -> impl Stream<Item = Result<Event, Error>> {
        futures::stream::unfold(self, |mut s| async move { s.next().await.map(|i| (i, s)) })
    }

    async fn advance(&mut self) -> Result<Event, Error> {
        loop {
            let Some(stream) = self.current.as_mut() else {
                if let Some(delay) = self.pending_delay.take() {
                    tokio::time::sleep(delay).await;
                }
                match self.connect().await {
                    Ok(s) => self.current = Some(s),
                    Err(e) => {
                        if let Some(event) = self.lost(e).await? {
                            return Ok(event);
                        }
                    }
                }
                continue;
            };
            // Two missed heartbeats: the connection is dead even if TCP has not noticed.
            let received = tokio::time::timeout(2 * self.heartbeat, stream.message()).await;
            let error = match received {
                Ok(Ok(Some(msg))) => match self.accept(msg) {
                    Some(event) => return Ok(Event::Server(event)),
                    None => continue,
                },
                Ok(Ok(None)) => None,
                Ok(Err(status)) => Some(status),
                Err(_) => Some(tonic::Status::unavailable("missed two heartbeats")),
            };
            self.current = None;
            match error {
                Some(status) => {
                    if let Some(event) = self.lost(Error::Status(status)).await? {
                        return Ok(event);
                    }
                }
                None => return Ok(self.schedule(None)),
            }
        }
    }

    async fn connect(&mut self) -> Result<Streaming<proto::SubscribeResponse>, Error> {
        self.sent = self.client.credentials_for_call().await?;
        let stream = self
            .client
            .event_service()
            .subscribe(proto::SubscribeRequest {
                resume_cursor: self.cursor.clone(),
            })
            .await?
            .into_inner();
        self.connections += 1;
        Ok(stream)
    }

    /// Updates the cursor and state; `None` for a heartbeat to hide.
    fn accept(&mut self, msg: proto::SubscribeResponse) -> Option<ServerEvent> {
        let event = msg.event?;
        match &event {
            ServerEvent::Ready(ready) => {
                self.attempt = 0;
                self.renewed = false;
                if ready.heartbeat_interval_seconds > 0 {
                    self.heartbeat = Duration::from_secs(ready.heartbeat_interval_seconds.into());
                }
            }
            ServerEvent::Resumed(_) => {
                self.attempt = 0;
                self.renewed = false;
            }
            _ => {}
        }
        if matches!(event, ServerEvent::ResyncRequired(_)) {
            // The old cursor means nothing any more; a fresh `ready` follows.
            self.cursor.clear();
        } else if !msg.cursor.is_empty() {
            self.cursor = msg.cursor;
        }
        if matches!(event, ServerEvent::Heartbeat(_)) && !self.include_heartbeats {
            return None;
        }
        Some(event)
    }

    /// A connection failed or ended with `error`: the error itself when retrying cannot help,
    /// `None` to retry at once (after renewing the session), or the `Reconnecting` event.
    async fn lost(&mut self, error: Error) -> Result<Option<Event>, Error> {
        let code = error.code();
        if FATAL.contains(&code) {
            return Err(error);
        }
        if code == Code::Unauthenticated {
            if self.renewed {
                return Err(error);
            }
            return match self.client.renew(self.sent.as_ref()).await {
                Ok(true) => {
                    self.renewed = true;
                    Ok(None)
                }
                Ok(false) => Err(error),
                Err(e) if e.code() == Code::Unauthenticated => Err(error),
                // The server is away: refreshing is retried on the next connect.
                Err(e) => Ok(Some(self.schedule(Some(status_of(e))))),
            };
        }
        Ok(Some(self.schedule(Some(status_of(error)))))
    }

    fn schedule(&mut self, error: Option<tonic::Status>) -> Event {
        let delay = self.backoff.delay(self.attempt);
        self.attempt += 1;
        self.pending_delay = Some(delay);
        Event::Reconnecting(Reconnect {
            attempt: self.attempt,
            delay,
            error,
        })
    }
}

fn status_of(error: Error) -> tonic::Status {
    match error {
        Error::Status(s) => s,
        Error::Transport(e) => tonic::Status::unavailable(e.to_string()),
        Error::InvalidArgument(m) => tonic::Status::invalid_argument(m),
        #[cfg(feature = "voice")]
        Error::Voice(m) => tonic::Status::internal(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let b = Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
        };
        assert_eq!(b.delay(0), Duration::ZERO);
        for (attempt, ceiling) in [(1, 1), (2, 2), (3, 4), (5, 16), (6, 30), (40, 30)] {
            let ceiling = Duration::from_secs(ceiling);
            for _ in 0..50 {
                let d = b.delay(attempt);
                assert!(d <= ceiling && d >= ceiling / 2, "attempt {attempt}: {d:?}");
            }
        }
    }
}
