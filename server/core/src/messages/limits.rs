//! Spam limits on sending: a per-user budget per minute (instance setting) and per-channel
//! slow mode (seconds between one member's messages; moderators are exempt).

use std::{
    collections::HashMap,
    num::NonZeroU32,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::{
    error::{Error, Result},
    id::Id,
};

/// Above this many tracked (user, channel) pairs, lapsed slow-mode entries are swept.
const SWEEP_AT: usize = 16_384;

/// Send limits of this node.
#[derive(Debug, Default)]
pub struct SendLimits {
    /// The limiter and the per-minute value it was built for (rebuilt when the setting changes).
    per_user: Mutex<Option<(u32, Arc<DefaultKeyedRateLimiter<Id>>)>>,
    /// When each (user, channel) may post again under slow mode.
    slow: Mutex<HashMap<(Id, Id), Instant>>,
}

impl SendLimits {
    fn limiter(&self, per_minute: u32) -> Arc<DefaultKeyedRateLimiter<Id>> {
        let mut slot = self.per_user.lock().unwrap_or_else(|p| p.into_inner());
        match &*slot {
            Some((n, l)) if *n == per_minute => Arc::clone(l),
            _ => {
                let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
                let l = Arc::new(RateLimiter::keyed(Quota::per_minute(n).allow_burst(n)));
                *slot = Some((per_minute, Arc::clone(&l)));
                l
            }
        }
    }

    /// Admits one message or says how long to wait. `slow_mode_secs` 0 = off; `exempt`
    /// members (MANAGE_MESSAGES / MANAGE_CHANNELS) skip slow mode.
    pub fn admit(
        &self,
        user: Id,
        channel: Id,
        per_minute: u32,
        slow_mode_secs: i64,
        exempt: bool,
    ) -> Result<()> {
        let now = Instant::now();
        let slow = slow_mode_secs > 0 && !exempt;
        if slow {
            let map = self.slow.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(until) = map.get(&(user, channel))
                && *until > now
            {
                return Err(Error::RateLimited {
                    retry_after: *until - now,
                });
            }
        }
        let limiter = self.limiter(per_minute);
        if let Err(not_until) = limiter.check_key(&user) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            return Err(Error::RateLimited {
                retry_after: wait.max(Duration::from_secs(1)),
            });
        }
        if limiter.len() > SWEEP_AT {
            limiter.retain_recent();
        }
        if slow {
            let mut map = self.slow.lock().unwrap_or_else(|p| p.into_inner());
            if map.len() >= SWEEP_AT {
                map.retain(|_, until| *until > now);
            }
            map.insert(
                (user, channel),
                now + Duration::from_secs(slow_mode_secs.unsigned_abs()),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_minute_budget_and_slow_mode() {
        let l = SendLimits::default();
        for _ in 0..3 {
            assert!(l.admit(Id(1), Id(9), 3, 0, false).is_ok());
        }
        assert!(matches!(
            l.admit(Id(1), Id(9), 3, 0, false),
            Err(Error::RateLimited { .. })
        ));
        assert!(
            l.admit(Id(2), Id(9), 3, 0, false).is_ok(),
            "budgets are per user"
        );

        assert!(l.admit(Id(3), Id(9), 100, 30, false).is_ok());
        match l.admit(Id(3), Id(9), 100, 30, false) {
            Err(Error::RateLimited { retry_after }) => {
                assert!(retry_after > Duration::from_secs(25))
            }
            other => panic!("expected slow mode, got {other:?}"),
        }
        assert!(
            l.admit(Id(3), Id(8), 100, 30, false).is_ok(),
            "slow mode is per channel"
        );
        assert!(
            l.admit(Id(3), Id(9), 100, 30, true).is_ok(),
            "moderators are exempt"
        );
    }
}
