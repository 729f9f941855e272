//! Group commit of sent messages: one committer task per process takes every send that is
//! queued, writes them all in ONE transaction ([`MessageStore::insert_messages`]) and answers
//! each sender only after that transaction has committed. Concurrent senders then share one
//! commit (one fsync on SQLite, one WAL flush and far fewer round trips on PostgreSQL) instead
//! of queueing on the database's write lock or a channel row lock one by one.
//!
//! A batch that fails as a whole is retried message by message, so a bad row fails only its
//! own sender. The rules (validation, permissions, limits, nonces) stay in
//! [`super::MessageService::send`]; this is only how its rows reach the disk.
//!
//! [`MessageStore::insert_messages`]: crate::store::MessageStore::insert_messages

use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot};

use crate::{
    error::{Error, Result},
    store::{InsertOutcome, NewMessage, Store},
};

/// Sends waiting for the committer at most; further senders wait for room (backpressure).
const QUEUE: usize = 1024;
/// Most messages written in one transaction.
const MAX_BATCH: usize = 128;

/// One queued send and where its outcome goes.
struct Pending {
    new: NewMessage,
    reply: oneshot::Sender<Result<InsertOutcome>>,
}

/// Handle to the committer task (started on first use, ends when every handle is gone).
#[derive(Debug)]
pub(crate) struct GroupCommit {
    store: Arc<dyn Store>,
    queue: OnceLock<mpsc::Sender<Pending>>,
}

impl GroupCommit {
    pub(crate) fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            queue: OnceLock::new(),
        }
    }

    /// Stores `new` with whatever else is queued; returns once its transaction committed.
    pub(crate) async fn insert(&self, new: NewMessage) -> Result<InsertOutcome> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(run(Arc::clone(&self.store), rx));
            tx
        });
        let (reply, outcome) = oneshot::channel();
        queue
            .send(Pending { new, reply })
            .await
            .map_err(|_| Error::internal("the message committer has stopped"))?;
        outcome
            .await
            .map_err(|_| Error::internal("the message committer dropped a send"))?
    }
}

/// The committer: drains the queue into batches until every sender handle is dropped.
async fn run(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        commit(store.as_ref(), std::mem::take(&mut batch)).await;
        batch.reserve(MAX_BATCH);
    }
}

/// Writes one batch and answers its senders: each with its own outcome after the commit, or
/// (when the batch failed as a whole) after its own retry alone.
async fn commit(store: &dyn Store, batch: Vec<Pending>) {
    let (news, replies): (Vec<NewMessage>, Vec<_>) =
        batch.into_iter().map(|p| (p.new, p.reply)).unzip();
    match store.insert_messages(&news).await {
        Ok(outcomes) if outcomes.len() == news.len() => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                // A sender that went away just misses its answer; the message is stored.
                let _ = reply.send(Ok(outcome));
            }
        }
        Ok(outcomes) => {
            let error = format!(
                "the store answered {} outcomes for {} messages",
                outcomes.len(),
                news.len()
            );
            for reply in replies {
                let _ = reply.send(Err(Error::internal(error.clone())));
            }
        }
        Err(e) if news.len() == 1 => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(e));
            }
        }
        Err(e) => {
            tracing::debug!(error = %e, size = news.len(), "batch failed; retrying one by one");
            for (new, reply) in news.into_iter().zip(replies) {
                let outcome = store
                    .insert_messages(std::slice::from_ref(&new))
                    .await
                    .and_then(|mut o| {
                        o.pop()
                            .ok_or_else(|| Error::internal("the store answered no outcome"))
                    });
                let _ = reply.send(outcome);
            }
        }
    }
}
