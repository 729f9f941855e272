//! The e-mail settings from configuration and the signals that drive the outbox worker (a
//! leaf: the shared context holds them, the worker reads them).

use std::time::Duration;

use tokio::sync::{Notify, watch};

/// Public URL and retry policy.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// Base URL of the web app, for links in mail (e.g. `https://chat.example.org`).
    pub public_url: String,
    /// Delay before the first retry; doubles with each failure.
    pub retry_base: Duration,
    /// Longest delay between retries.
    pub retry_max: Duration,
    /// Replaces the instance's offline delay before a notification mail (whole minutes,
    /// set by the admin) when set: for tests, which cannot wait a minute.
    pub notify_delay: Option<Duration>,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            public_url: "http://localhost:8765".to_owned(),
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(3600),
            notify_delay: None,
        }
    }
}

impl MailConfig {
    /// Delay after the `attempts`-th failure: base × 2^(attempts−1), at most `retry_max`.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let exp = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        self.retry_base
            .saturating_mul(1u32 << exp)
            .min(self.retry_max)
    }
}

/// Wakes and stops a worker (the outbox's, the notifications'), and tells when it ended.
#[derive(Debug)]
pub struct MailSignals {
    notify: Notify,
    stopped: watch::Sender<bool>,
    exited: watch::Sender<bool>,
}

impl Default for MailSignals {
    fn default() -> Self {
        Self {
            notify: Notify::new(),
            stopped: watch::Sender::new(false),
            exited: watch::Sender::new(false),
        }
    }
}

impl MailSignals {
    /// New work or new settings: look now.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Ends the worker (at shutdown); queued work stays queued.
    pub fn stop(&self) {
        self.stopped.send_replace(true);
        self.notify.notify_one();
    }

    /// Resolves at the next [`MailSignals::wake`] or [`MailSignals::stop`].
    pub async fn notified(&self) {
        self.notify.notified().await;
    }

    /// Whether [`MailSignals::stop`] was called.
    pub fn stopped(&self) -> bool {
        *self.stopped.borrow()
    }

    /// Resolves once [`MailSignals::stop`] was called.
    pub async fn until_stopped(&self) {
        let mut rx = self.stopped.subscribe();
        let _ = rx.wait_for(|s| *s).await;
    }

    /// Called by the worker as it ends.
    pub fn mark_exited(&self) {
        self.exited.send_replace(true);
    }

    /// Resolves once the worker ended (see [`MailSignals::mark_exited`]).
    pub async fn until_exited(&self) {
        let mut rx = self.exited.subscribe();
        let _ = rx.wait_for(|e| *e).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let c = MailConfig {
            public_url: String::new(),
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(60),
            notify_delay: None,
        };
        assert_eq!(c.backoff(1), Duration::from_secs(10));
        assert_eq!(c.backoff(2), Duration::from_secs(20));
        assert_eq!(c.backoff(3), Duration::from_secs(40));
        assert_eq!(c.backoff(4), Duration::from_secs(60));
        assert_eq!(c.backoff(100), Duration::from_secs(60));
    }
}
