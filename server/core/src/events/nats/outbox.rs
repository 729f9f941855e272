//! Stored publications NATS did not take (unreachable, no acknowledgement): the change they
//! tell of is committed, so they wait here, in the order this node published them, and are
//! retried with backoff until NATS takes them. While any waits, later publications queue
//! behind it, so this node's events and signals still enter the stream in order. Every
//! publication carries a message id, so one NATS stored although its acknowledgement was
//! lost is not stored twice by the retry (JetStream's duplicate window).

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, Weak},
    time::Duration,
};

use async_nats::HeaderMap;
use bytes::Bytes;
use tokio::sync::Notify;

use super::{Link, publish_stored};

/// At most this many publications wait; past it, new ones are dropped (logged): clients
/// that miss them see the change on their next read or resync.
const CAPACITY: usize = 65_536;
/// The first pause before a retry; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest pause between retries.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// One stored publication.
pub(super) struct Pending {
    pub(super) subject: String,
    pub(super) headers: HeaderMap,
    pub(super) payload: Bytes,
}

/// The queue (see the module docs).
#[derive(Default)]
pub(super) struct Outbox {
    queue: Mutex<VecDeque<Pending>>,
    wake: Arc<Notify>,
}

impl Outbox {
    /// Whether publications wait: a new one must queue behind them.
    pub(super) fn is_backed_up(&self) -> bool {
        !self.lock().is_empty()
    }

    /// Queues `p` behind the waiting ones (or drops it when full).
    pub(super) fn push(&self, p: Pending) {
        {
            let mut queue = self.lock();
            if queue.len() >= CAPACITY {
                tracing::error!(
                    subject = %p.subject,
                    "NATS outbox full: an event is dropped; its clients see it on their next read"
                );
                return;
            }
            queue.push_back(p);
        }
        self.wake.notify_one();
    }

    /// What the drain task waits on.
    pub(super) fn wake(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Pending>> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        // Ends the drain task (it finds the link gone).
        self.wake.notify_one();
    }
}

/// Publishes the waiting publications of `link`'s outbox in order, each removed only once
/// NATS acknowledged it; ends when the link is gone.
pub(super) async fn drain(link: Weak<Link>, wake: Arc<Notify>) {
    loop {
        let Some(l) = link.upgrade() else { return };
        let notified = wake.notified();
        let front = l.outbox.lock().front().map(|p| Pending {
            subject: p.subject.clone(),
            headers: p.headers.clone(),
            payload: p.payload.clone(),
        });
        let Some(p) = front else {
            drop(l);
            notified.await;
            continue;
        };
        let mut backoff = FIRST_BACKOFF;
        let mut failures = 0u32;
        while let Err(e) = publish_stored(
            &l.js,
            p.subject.clone(),
            p.headers.clone(),
            p.payload.clone(),
        )
        .await
        {
            failures += 1;
            if Arc::strong_count(&l) == 1 {
                tracing::warn!(
                    left = l.outbox.lock().len(),
                    "node stopped with events NATS did not take"
                );
                return;
            }
            if failures.is_power_of_two() {
                tracing::warn!(error = %e, failures, "NATS still refuses a queued event; retrying");
            }
            // Not a synchronisation: backoff before retrying an unreachable NATS.
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
        let left = {
            let mut queue = l.outbox.lock();
            queue.pop_front();
            queue.len()
        };
        if left == 0 {
            tracing::info!("NATS took every queued event");
        }
    }
}
