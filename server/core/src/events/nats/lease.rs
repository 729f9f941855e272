//! Node ids for the id generator, leased in a JetStream key-value bucket
//! (`<PREFIX>_NODE_IDS`): a node takes the lowest free id with a create (which fails if the
//! key exists), renews it every [`super::presence::refresh`], and the key expires the node
//! time-to-live (`NatsConfig::node_ttl`) after the last renewal, so no two live nodes share an
//! id and the ids of dead nodes come free again.

use std::time::Duration;

use async_nats::jetstream::{self, kv};
use bytes::Bytes;

use super::presence::bucket;
use crate::error::{Error, Result};

/// Ids a snowflake can carry (10 bits).
const NODE_IDS: u16 = 1024;

/// A leased node id.
pub(super) struct Lease {
    ids: kv::Store,
    /// The id.
    pub(super) id: u16,
    node: String,
    revision: std::sync::Mutex<u64>,
}

impl Lease {
    /// Takes the lowest free id (leased for `node_ttl` after each renewal).
    pub(super) async fn take(
        js: &jetstream::Context,
        prefix: &str,
        node: &str,
        node_ttl: Duration,
    ) -> Result<Self> {
        let ids = bucket(js, &format!("{prefix}_NODE_IDS"), node_ttl).await?;
        for id in 0..NODE_IDS {
            if let Ok(revision) = ids
                .create(id.to_string(), Bytes::from(node.to_owned()))
                .await
            {
                return Ok(Self {
                    ids,
                    id,
                    node: node.to_owned(),
                    revision: std::sync::Mutex::new(revision),
                });
            }
        }
        Err(Error::internal_with(
            "no free node id",
            format!("all {NODE_IDS} node ids are leased by live nodes"),
        ))
    }

    /// Renews the lease (or takes the same id again if it expired and is still free).
    pub(super) async fn renew(&self) {
        let revision = *self.revision.lock().unwrap_or_else(|p| p.into_inner());
        let key = self.id.to_string();
        let value = Bytes::from(self.node.clone());
        let renewed = match self.ids.update(&key, value.clone(), revision).await {
            Ok(r) => Ok(r),
            Err(_) => self
                .ids
                .create(&key, value)
                .await
                .map_err(|e| e.to_string()),
        };
        match renewed {
            Ok(r) => *self.revision.lock().unwrap_or_else(|p| p.into_inner()) = r,
            Err(e) => tracing::error!(
                node_id = self.id,
                error = %e,
                "the node id lease was lost to another node: ids may collide; restart this node"
            ),
        }
    }
}
