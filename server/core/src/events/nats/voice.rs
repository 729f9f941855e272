//! Voice state across nodes: one JetStream key-value bucket, `<PREFIX>_VOICE`, holds who is
//! in which voice channel or call (one key per channel, `c.<channel>`) and which session
//! each user has (`u.<user>`). Nodes change a key by compare-and-set and watch the channel
//! keys to mirror them in memory (the logic lives in `voice::state`); this module is only
//! the bucket's plumbing.

use std::{sync::Arc, time::Duration};

use async_nats::jetstream::kv;
use bytes::Bytes;
use futures::{StreamExt, stream::BoxStream};

use super::{NatsBus, presence};
use crate::error::{Error, Result};

/// The voice bucket of this instance, as one node sees it.
pub struct VoiceBucket {
    kv: kv::Store,
    presence: Arc<presence::KvPresence>,
    node: String,
    refresh: Duration,
}

impl std::fmt::Debug for VoiceBucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoiceBucket")
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

/// A key's value (empty when absent or deleted) and the revision a compare-and-set must
/// name (`None`: the key was never written).
pub type Versioned = (Bytes, Option<u64>);

impl NatsBus {
    /// Opens (or creates) the voice bucket.
    pub async fn voice(&self) -> Result<VoiceBucket> {
        let link = &self.0;
        let kv =
            presence::bucket(&link.js, &format!("{}_VOICE", link.prefix), Duration::ZERO).await?;
        Ok(VoiceBucket {
            kv,
            presence: Arc::clone(&link.presence),
            node: link.node.clone(),
            refresh: link.refresh,
        })
    }
}

impl VoiceBucket {
    /// This node's name (what voice sessions it holds are marked with).
    pub fn node(&self) -> &str {
        &self.node
    }

    /// How often to look for sessions of dead nodes (as often as nodes refresh liveness).
    pub fn refresh(&self) -> Duration {
        self.refresh
    }

    /// Whether `node` died: it did not refresh its liveness within the node time-to-live
    /// (false while the liveness keys cannot be read).
    pub async fn dead(&self, node: &str) -> bool {
        self.presence.dead(node).await
    }

    /// The value of `key` and its revision.
    pub async fn read(&self, key: &str) -> Result<Versioned> {
        let entry = self
            .kv
            .entry(key)
            .await
            .map_err(|e| Error::internal_with("the voice state bucket is unavailable", e))?;
        Ok(match entry {
            Some(e) if e.operation == kv::Operation::Put => (e.value, Some(e.revision)),
            Some(e) => (Bytes::new(), Some(e.revision)),
            None => (Bytes::new(), None),
        })
    }

    /// Writes `value` to `key` if its revision is still `revision`: the new revision, or
    /// `None` when another node wrote it first (read again and retry).
    pub async fn write(&self, key: &str, value: Bytes, revision: Option<u64>) -> Option<u64> {
        match revision {
            Some(r) => self.kv.update(key, value, r).await.ok(),
            None => self.kv.create(key, value).await.ok(),
        }
    }

    /// Every key under `prefix` (e.g. `c.`): first the current values, then each change, as
    /// (key without the prefix, revision, value; empty when deleted).
    pub async fn watch(&self, prefix: &str) -> Result<BoxStream<'static, (String, u64, Bytes)>> {
        let watch = self
            .kv
            .watch_with_history(format!("{prefix}>"))
            .await
            .map_err(|e| Error::internal_with("cannot watch the voice state bucket", e))?;
        let prefix = prefix.to_owned();
        Ok(watch
            .filter_map(move |entry| {
                let out = entry.ok().and_then(|e| {
                    let key = e.key.strip_prefix(prefix.as_str())?.to_owned();
                    let value = if e.operation == kv::Operation::Put {
                        e.value
                    } else {
                        Bytes::new()
                    };
                    Some((key, e.revision, value))
                });
                std::future::ready(out)
            })
            .boxed())
    }
}
