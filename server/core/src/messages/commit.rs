//! Group commit of sent messages: one committer task per process takes every send that is
//! queued, writes them all in ONE transaction ([`MessageStore::insert_messages`]) and answers
//! each sender only after that transaction has committed. While a batch is written the next
//! one fills ([`Store::parallel_writes`] batches are in flight at once), so under load batches
//! grow. Concurrent senders then share one commit (one fsync on SQLite, one WAL flush and far
//! fewer round trips on PostgreSQL) instead of queueing on the database's write lock one by
//! one.
//!
//! The authors of a batch's new messages are read in one query after its commit (while the
//! next batch is already being written), so a send needs no read of its own to build the
//! message it returns and publishes.
//!
//! A batch that fails as a whole is retried message by message, so a bad row fails only its
//! own sender. The rules (validation, permissions, limits, nonces) stay in
//! [`super::MessageService::send`]; this is only how its rows reach the disk.
//!
//! [`MessageStore::insert_messages`]: crate::store::MessageStore::insert_messages

use std::{
    collections::HashMap,
    sync::{Arc, OnceLock},
};

use tokio::sync::{Semaphore, mpsc, oneshot};

use crate::{
    error::{Error, Result},
    model::User,
    store::{InsertOutcome, NewMessage, Store},
};

/// Sends waiting for the committer at most; further senders wait for room (backpressure).
const QUEUE: usize = 1024;
/// Most messages written in one transaction.
const MAX_BATCH: usize = 128;

/// What a sender gets back once its message is committed.
#[derive(Debug)]
pub(crate) struct Committed {
    /// What happened to the message.
    pub outcome: InsertOutcome,
    /// The author (public view) of a created message, when the batch's author read
    /// succeeded; None otherwise (the sender reads it itself).
    pub author: Option<User>,
}

/// One queued send and where its outcome goes.
struct Pending {
    new: NewMessage,
    reply: oneshot::Sender<Result<Committed>>,
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
    pub(crate) async fn insert(&self, new: NewMessage) -> Result<Committed> {
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

/// The committer: drains the queue into batches until every sender handle is dropped. Up to
/// [`Store::parallel_writes`] batches are written at once; while they are, the next batch
/// fills. Each batch answers its senders (after the author read) on its own.
async fn run(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Pending>) {
    let slots = Arc::new(Semaphore::new(store.parallel_writes().max(1)));
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        // Wait for a free slot first: meanwhile the queue fills into a bigger batch.
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        if rx.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        let (news, replies): (Vec<NewMessage>, Vec<_>) = std::mem::take(&mut batch)
            .into_iter()
            .map(|p| (p.new, p.reply))
            .unzip();
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let outcomes = commit(store.as_ref(), &news).await;
            drop(slot);
            answer(store, replies, outcomes).await;
        });
        batch.reserve(MAX_BATCH);
    }
}

/// Writes one batch: the outcome of each message, after the batch's commit or (when the batch
/// failed as a whole) after its own retry alone.
async fn commit(store: &dyn Store, news: &[NewMessage]) -> Vec<Result<InsertOutcome>> {
    match store.insert_messages(news).await {
        Ok(outcomes) if outcomes.len() == news.len() => outcomes.into_iter().map(Ok).collect(),
        Ok(outcomes) => {
            let error = format!(
                "the store answered {} outcomes for {} messages",
                outcomes.len(),
                news.len()
            );
            news.iter()
                .map(|_| Err(Error::internal(error.clone())))
                .collect()
        }
        Err(e) if news.len() == 1 => vec![Err(e)],
        Err(e) => {
            tracing::debug!(error = %e, size = news.len(), "batch failed; retrying one by one");
            let mut outcomes = Vec::with_capacity(news.len());
            for new in news {
                outcomes.push(
                    store
                        .insert_messages(std::slice::from_ref(new))
                        .await
                        .and_then(|mut o| {
                            o.pop()
                                .ok_or_else(|| Error::internal("the store answered no outcome"))
                        }),
                );
            }
            outcomes
        }
    }
}

/// Reads the authors of the created messages in one query and answers each sender.
async fn answer(
    store: Arc<dyn Store>,
    replies: Vec<oneshot::Sender<Result<Committed>>>,
    outcomes: Vec<Result<InsertOutcome>>,
) {
    let mut ids: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            Ok(InsertOutcome::Created(m)) => Some(m.author_id),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let authors: HashMap<i64, User> = if ids.is_empty() {
        HashMap::new()
    } else {
        match store.users_by_ids(&ids).await {
            Ok(users) => users
                .into_iter()
                .map(|u| (u.id, User::from(u).public()))
                .collect(),
            // The messages are committed either way; their senders read the authors.
            Err(e) => {
                tracing::debug!(error = %e, "reading a batch's authors failed");
                HashMap::new()
            }
        }
    };
    for (reply, outcome) in replies.into_iter().zip(outcomes) {
        let committed = outcome.map(|outcome| {
            let author = match &outcome {
                InsertOutcome::Created(m) => authors.get(&m.author_id).cloned(),
                _ => None,
            };
            Committed { outcome, author }
        });
        // A sender that went away just misses its answer; the message is stored.
        let _ = reply.send(committed);
    }
}
