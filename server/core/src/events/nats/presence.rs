//! Presence across nodes in JetStream key-value buckets: `<PREFIX>_PRESENCE` maps each user
//! to the nodes holding a stream of theirs (updated by compare-and-set, so the last node to
//! let go sees nobody left), `<PREFIX>_NODES` holds one key per live node, refreshed
//! every [`refresh`] of the node time-to-live and expiring after it
//! (`NatsConfig::node_ttl`): a node that died without letting go stops counting once its key
//! expires. `<PREFIX>_CHOSEN` holds the status each user picked. A node hears only the
//! presence announcements of the audiences its users need, so what it tells a new stream
//! about others comes from here: online while a live node holds them, as they picked.

use std::{collections::HashMap, time::Duration};

use async_nats::jetstream::{self, kv};
use bytes::Bytes;
use futures::StreamExt;

use super::{parse_status, status_word};
use crate::{
    error::{Error, Result},
    events::PresenceDirectory,
    id::Id,
    model::PresenceStatus,
};

/// How often a node refreshes its liveness key (and looks for users only dead nodes held):
/// a third of the time after which a node whose key was not refreshed counts as dead, so
/// two refreshes may be late before a live node is taken for dead.
pub(super) fn refresh(node_ttl: Duration) -> Duration {
    node_ttl / 3
}
/// Compare-and-set attempts before giving up (other nodes changing the same user's entry).
const ATTEMPTS: usize = 16;
/// Directory reads in flight at once when many users' presences are asked for (a snapshot).
const READS: usize = 32;

/// The key-value directory (see the module docs).
pub(super) struct KvPresence {
    holders: kv::Store,
    nodes: kv::Store,
    chosen: kv::Store,
    node: String,
}

impl KvPresence {
    /// Opens (or creates) the two buckets and marks this node live; a node's key expires
    /// `node_ttl` after its last refresh.
    pub(super) async fn open(
        js: &jetstream::Context,
        prefix: &str,
        node: &str,
        node_ttl: Duration,
    ) -> Result<Self> {
        let holders = bucket(js, &format!("{prefix}_PRESENCE"), Duration::ZERO).await?;
        let nodes = bucket(js, &format!("{prefix}_NODES"), node_ttl).await?;
        let chosen = bucket(js, &format!("{prefix}_CHOSEN"), Duration::ZERO).await?;
        let this = Self {
            holders,
            nodes,
            chosen,
            node: node.to_owned(),
        };
        this.beat().await;
        Ok(this)
    }

    /// Refreshes this node's liveness key.
    pub(super) async fn beat(&self) {
        if let Err(e) = self.nodes.put(&self.node, Bytes::from_static(b"1")).await {
            tracing::warn!(error = %e, "cannot refresh this node's liveness");
        }
    }

    async fn alive(&self, node: &str) -> bool {
        node == self.node || matches!(self.nodes.get(node).await, Ok(Some(_)))
    }

    /// Whether `node` certainly died: its liveness key expired (not merely unreadable now).
    pub(super) async fn dead(&self, node: &str) -> bool {
        node != self.node && matches!(self.nodes.get(node).await, Ok(None))
    }

    /// The nodes the directory says hold `user` (live or not).
    async fn holders_of(&self, user: Id) -> Vec<String> {
        match self.holders.get(user.0.to_string()).await {
            Ok(Some(value)) => node_list(&value),
            Ok(None) => Vec::new(),
            Err(e) => {
                tracing::warn!(error = %e, %user, "presence directory unavailable");
                Vec::new()
            }
        }
    }
}

/// The nodes in a holders entry (`node,node`).
fn node_list(value: &[u8]) -> Vec<String> {
    std::str::from_utf8(value)
        .unwrap_or_default()
        .split(',')
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Opens a key-value bucket (one value per key, in memory), creating its stream as the
/// client's `create_key_value` would: that one first reads the account's limits, which
/// NATS servers before 2.10 answer in a shape the client cannot parse.
pub(super) async fn bucket(
    js: &jetstream::Context,
    name: &str,
    max_age: Duration,
) -> Result<kv::Store> {
    let name = name.to_ascii_uppercase();
    js.create_or_update_stream(jetstream::stream::Config {
        name: format!("KV_{name}"),
        subjects: vec![format!("$KV.{name}.>")],
        max_messages_per_subject: 1,
        max_age,
        storage: jetstream::stream::StorageType::Memory,
        allow_rollup: true,
        deny_delete: true,
        allow_direct: true,
        discard: jetstream::stream::DiscardPolicy::New,
        num_replicas: 1,
        ..Default::default()
    })
    .await
    .map_err(|e| Error::internal_with("cannot create a key-value bucket", e))?;
    js.get_key_value(name)
        .await
        .map_err(|e| Error::internal_with("cannot open a key-value bucket", e))
}

#[async_trait::async_trait]
impl PresenceDirectory for KvPresence {
    async fn hold(&self, user: Id, here: bool) -> bool {
        let key = user.0.to_string();
        for _ in 0..ATTEMPTS {
            let entry = match self.holders.entry(key.as_str()).await {
                Ok(entry) => entry,
                Err(e) => {
                    tracing::warn!(error = %e, %user, "presence directory unavailable");
                    return false;
                }
            };
            let (held, revision) = match &entry {
                Some(e) if e.operation == kv::Operation::Put => {
                    (node_list(&e.value), Some(e.revision))
                }
                Some(e) => (Vec::new(), Some(e.revision)),
                None => (Vec::new(), None),
            };
            // Nodes that died without letting go are dropped on the way.
            let mut others = Vec::new();
            for n in held.iter().filter(|n| **n != self.node) {
                if self.alive(n).await {
                    others.push(n.clone());
                }
            }
            let mut next = others.clone();
            if here {
                next.push(self.node.clone());
            }
            if next.len() == held.len() && next.iter().all(|n| held.contains(n)) {
                return !others.is_empty();
            }
            let value = Bytes::from(next.join(","));
            let written = match revision {
                Some(r) => self.holders.update(&key, value, r).await.is_ok(),
                None => self.holders.create(&key, value).await.is_ok(),
            };
            if written {
                return !others.is_empty();
            }
            // Another node changed the entry meanwhile: read it again.
        }
        tracing::warn!(%user, "presence directory contended; counting the user as held elsewhere");
        true
    }

    async fn choose(&self, user: Id, status: PresenceStatus) {
        let value = Bytes::from_static(status_word(status).as_bytes());
        if let Err(e) = self.chosen.put(user.0.to_string(), value).await {
            tracing::warn!(error = %e, %user, "cannot record the status a user picked");
        }
    }

    async fn chosen(&self, user: Id) -> Option<PresenceStatus> {
        match self.chosen.get(user.0.to_string()).await {
            Ok(value) => parse_status(std::str::from_utf8(&value?).ok()?),
            Err(e) => {
                tracing::warn!(error = %e, %user, "presence directory unavailable");
                None
            }
        }
    }

    async fn held(&self, users: Vec<Id>) -> Vec<(Id, PresenceStatus)> {
        let holders: Vec<(Id, Vec<String>)> = futures::stream::iter(users)
            .map(|u| async move { (u, self.holders_of(u).await) })
            .buffered(READS)
            .collect()
            .await;
        // Each node named is looked up once.
        let mut alive: HashMap<String, bool> = HashMap::new();
        let mut held = Vec::new();
        for (user, nodes) in holders {
            for node in nodes {
                let live = match alive.get(&node) {
                    Some(live) => *live,
                    None => {
                        let live = self.alive(&node).await;
                        alive.insert(node, live);
                        live
                    }
                };
                if live {
                    held.push(user);
                    break;
                }
            }
        }
        futures::stream::iter(held)
            .map(|u| async move {
                let status = self.chosen(u).await.unwrap_or(PresenceStatus::Online);
                (u, status)
            })
            .buffered(READS)
            .collect()
            .await
    }
}
