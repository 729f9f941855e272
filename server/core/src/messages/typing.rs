//! Per (user, channel) throttle for typing indicators: clients call every few seconds while
//! the user types; one event per [`TYPING_INTERVAL`] is enough for everyone else.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::id::Id;

/// Minimum time between two typing events of one user in one channel.
pub const TYPING_INTERVAL: Duration = Duration::from_secs(5);
/// How long a typing indicator shows, in milliseconds.
pub const TYPING_TTL_MS: i64 = 8_000;
/// Above this many tracked pairs, stale entries are swept.
const SWEEP_AT: usize = 4_096;

/// When each (user, channel) last produced a typing event.
#[derive(Debug, Default)]
pub struct TypingThrottle {
    last: Mutex<HashMap<(Id, Id), Instant>>,
}

impl TypingThrottle {
    /// Whether a typing event may go out now (and, if so, records it).
    pub fn admit(&self, user: Id, channel: Id) -> bool {
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.len() >= SWEEP_AT {
            last.retain(|_, at| now.duration_since(*at) < TYPING_INTERVAL);
        }
        match last.get(&(user, channel)) {
            Some(at) if now.duration_since(*at) < TYPING_INTERVAL => false,
            _ => {
                last.insert((user, channel), now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_event_per_interval_per_pair() {
        let t = TypingThrottle::default();
        assert!(t.admit(Id(1), Id(10)));
        assert!(!t.admit(Id(1), Id(10)));
        assert!(t.admit(Id(1), Id(11)));
        assert!(t.admit(Id(2), Id(10)));
    }
}
