//! The e-mail settings from configuration and the signals that drive the outbox worker (a
//! leaf: the shared context holds them, the worker reads them).

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use tokio::sync::Notify;

/// Public URL and retry policy.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// Base URL of the web app, for links in mail (e.g. `https://chat.example.org`).
    pub public_url: String,
    /// Delay before the first retry; doubles with each failure.
    pub retry_base: Duration,
    /// Longest delay between retries.
    pub retry_max: Duration,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            public_url: "http://localhost:8765".to_owned(),
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(3600),
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

/// Wakes and stops the worker.
#[derive(Debug, Default)]
pub struct MailSignals {
    notify: Notify,
    stopped: AtomicBool,
}

impl MailSignals {
    /// New mail or new settings: look at the outbox now.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Ends the worker (at shutdown); queued mail stays queued.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.notify.notify_one();
    }

    /// Resolves at the next [`MailSignals::wake`] or [`MailSignals::stop`].
    pub async fn notified(&self) {
        self.notify.notified().await;
    }

    /// Whether [`MailSignals::stop`] was called.
    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
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
        };
        assert_eq!(c.backoff(1), Duration::from_secs(10));
        assert_eq!(c.backoff(2), Duration::from_secs(20));
        assert_eq!(c.backoff(3), Duration::from_secs(40));
        assert_eq!(c.backoff(4), Duration::from_secs(60));
        assert_eq!(c.backoff(100), Duration::from_secs(60));
    }
}
