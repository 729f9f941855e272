//! Pipelined stored publications: a node hands each publication to its NATS connection in
//! turn and does not wait for JetStream's acknowledgement (a round trip, and the stream's
//! write) before handing over the next, so many are in flight at once. One task per node
//! awaits the acknowledgements in the order the publications were handed over; one NATS
//! did not take goes to the [`outbox`](super::outbox), in that same order, with every later
//! one not handed over because the outbox was backed up. A publisher learns when its
//! publication is settled (stored, or queued for retry): a send is answered only then, so an
//! acknowledged message's event is not lost if its node dies (kill -9) right after.
//!
//! Order: one connection carries a node's publications in the order they were handed over
//! and JetStream stores them in that order, so pipelining keeps a node's order. The one
//! exception is a connection lost with publications on the wire: NATS may have taken a
//! later one and not an earlier one, which the outbox then stores after it (a retried one
//! NATS did take is not stored twice: message ids).

use std::sync::Weak;

use async_nats::jetstream::context::PublishAckFuture;
use tokio::sync::{Mutex, MutexGuard, mpsc, oneshot};

use super::{Link, outbox::Pending};

/// Publications handed over whose acknowledgement is not awaited yet, at most; a node
/// publishing faster waits for room (JetStream's own limit of unacknowledged publications
/// is 5 000 per connection).
const CAPACITY: usize = 4_096;

/// A publication and, if it was handed to NATS, its acknowledgement to come.
pub(super) struct Handed {
    pub(super) pending: Pending,
    pub(super) ack: Option<PublishAckFuture>,
    /// Told once the publication is stored or queued for retry.
    pub(super) settled: oneshot::Sender<()>,
}

/// The queue of publications awaiting their acknowledgement (see the module docs).
pub(super) struct InFlight {
    /// Held while a publication is handed over and queued, so the queue's order is the
    /// connection's.
    order: Mutex<mpsc::Sender<Handed>>,
}

impl InFlight {
    /// The queue, and its end for [`confirm`].
    pub(super) fn new() -> (Self, mpsc::Receiver<Handed>) {
        let (tx, rx) = mpsc::channel(CAPACITY);
        (
            Self {
                order: Mutex::new(tx),
            },
            rx,
        )
    }

    /// Exclusive right to hand the next publication over; queue it with [`Turn::queue`].
    pub(super) async fn turn(&self) -> Turn<'_> {
        Turn(self.order.lock().await)
    }
}

/// One publication's turn (see [`InFlight::turn`]).
pub(super) struct Turn<'a>(MutexGuard<'a, mpsc::Sender<Handed>>);

impl Turn<'_> {
    /// Queues `handed` behind the publications handed over before it (waiting for room),
    /// ends the turn, and returns once `handed` is settled (see [`Handed::settled`]).
    pub(super) async fn queue(self, handed: Handed, settled: oneshot::Receiver<()>) {
        let queued = self.0.send(handed).await;
        drop(self);
        if queued.is_err() || settled.await.is_err() {
            tracing::error!("the NATS acknowledgement task stopped; an event may be lost");
        }
    }
}

/// Awaits each queued publication's acknowledgement in order; a publication NATS did not
/// take, or that was not handed over, goes to the outbox. Ends when the link is gone.
pub(super) async fn confirm(link: Weak<Link>, mut queue: mpsc::Receiver<Handed>) {
    while let Some(Handed {
        pending,
        ack,
        settled,
    }) = queue.recv().await
    {
        let taken = match ack {
            Some(ack) => match ack.await {
                Ok(_) => true,
                Err(e) => {
                    tracing::error!(error = %e, "NATS did not take an event; it is queued and retried");
                    false
                }
            },
            None => false,
        };
        if !taken {
            let Some(link) = link.upgrade() else {
                tracing::warn!("node stopped with an event NATS did not take");
                return;
            };
            link.outbox.push(pending);
        }
        let _ = settled.send(());
    }
}
