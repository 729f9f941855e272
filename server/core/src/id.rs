//! Time-ordered 64-bit ids (snowflake layout), so rows sort and page by id alone.
//!
//! Layout, high to low: 42 bits of milliseconds since [`EPOCH_MS`], 10 bits of node id,
//! 12 bits of per-millisecond sequence. Ids travel as decimal strings in the API.

use std::{
    fmt,
    sync::atomic::{AtomicU64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use crate::error::{Error, Result};

/// 2025-01-01T00:00:00Z: the zero point of id timestamps.
pub const EPOCH_MS: u64 = 1_735_689_600_000;
const NODE_BITS: u32 = 10;
const SEQ_BITS: u32 = 12;
const SEQ_MASK: u64 = (1 << SEQ_BITS) - 1;

/// A snowflake id.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Id(pub i64);

impl Id {
    /// Parses an id sent by a client; `field` names the request field for the error.
    pub fn parse(field: &'static str, s: &str) -> Result<Id> {
        match s.trim().parse::<i64>() {
            Ok(v) if v > 0 => Ok(Id(v)),
            _ => Err(Error::invalid(field, "must be a decimal id")),
        }
    }

    /// Milliseconds since the Unix epoch at which this id was generated.
    pub fn timestamp_ms(self) -> i64 {
        ((self.0 as u64 >> (NODE_BITS + SEQ_BITS)) + EPOCH_MS) as i64
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Current wall-clock time in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Lock-free id generator: one per process, shared by every service.
#[derive(Debug)]
pub struct IdGenerator {
    node: u64,
    /// Last issued (ms since EPOCH_MS << SEQ_BITS | seq); monotonic even if the clock steps back.
    state: AtomicU64,
}

impl IdGenerator {
    /// A generator for node `node` (0–1023) of a cluster.
    pub fn new(node: u16) -> Self {
        Self {
            node: u64::from(node) & ((1 << NODE_BITS) - 1),
            state: AtomicU64::new(0),
        }
    }

    /// The next id: strictly greater than every id this generator issued before.
    pub fn next(&self) -> Id {
        let now = (now_ms() as u64).saturating_sub(EPOCH_MS) << SEQ_BITS;
        let mut prev = self.state.load(Ordering::Relaxed);
        loop {
            // Same millisecond (or a clock that went back): bump the sequence, which may
            // borrow into the next millisecond — ids stay unique and ordered either way.
            let next = if now > prev { now } else { prev + 1 };
            match self
                .state
                .compare_exchange_weak(prev, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    let ms = next >> SEQ_BITS;
                    let seq = next & SEQ_MASK;
                    return Id(
                        ((ms << (NODE_BITS + SEQ_BITS)) | (self.node << SEQ_BITS) | seq) as i64,
                    );
                }
                Err(actual) => prev = actual,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_strictly_increasing_and_carry_time() {
        let g = IdGenerator::new(7);
        let before = now_ms();
        let ids: Vec<Id> = (0..10_000).map(|_| g.next()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids[0].timestamp_ms() >= before - 1);
        assert!(ids[9_999].timestamp_ms() <= now_ms() + 10);
    }

    #[test]
    fn parse_refuses_garbage() {
        assert!(Id::parse("id", "abc").is_err());
        assert!(Id::parse("id", "-5").is_err());
        assert!(Id::parse("id", "").is_err());
        assert_eq!(Id::parse("id", "42").ok(), Some(Id(42)));
    }
}
