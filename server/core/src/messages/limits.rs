//! Spam limits on sending: a per-user budget per minute (instance setting) and per-channel
//! slow mode (seconds between one member's messages; moderators are exempt).
//!
//! On one node, in memory ([`SendLimits::admit`]). With several nodes the same limits are
//! also kept per instance in cells all nodes share ([`SendLimits::admit_instance`], the
//! mechanism of the login limits, `auth::rate_limit`), so a burst spread over the nodes is
//! limited like one on a single node.

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
    auth::rate_limit::{Cells, SharedCells, take_gcra},
    error::{Error, Result},
    id::Id,
};

/// Above this many tracked (user, channel) pairs, lapsed slow-mode entries are swept.
const SWEEP_AT: usize = 16_384;

/// Send limits of this node (and, with `shared`, of the instance).
#[derive(Default)]
pub struct SendLimits {
    /// The limiter and the per-minute value it was built for (rebuilt when the setting changes).
    per_user: Mutex<Option<(u32, Arc<DefaultKeyedRateLimiter<Id>>)>>,
    /// When each (user, channel) may post again under slow mode.
    slow: Mutex<HashMap<(Id, Id), Instant>>,
    /// The cells the nodes share, when there are several.
    shared: Option<Arc<dyn SharedCells>>,
}

impl std::fmt::Debug for SendLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendLimits")
            .field("shared", &self.shared.is_some())
            .finish_non_exhaustive()
    }
}

impl SendLimits {
    /// Limits of this node alone, or (with `shared`) also of the instance.
    pub fn new(shared: Option<Arc<dyn SharedCells>>) -> Self {
        Self {
            shared,
            ..Self::default()
        }
    }

    /// Whether the limits are also the instance's: then [`Self::admit_instance`] follows
    /// [`Self::admit`].
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// The instance's side of [`Self::admit`] (same arguments), after it admitted on this
    /// node: slow mode, then the per-minute budget, each one compare-and-set on a shared
    /// cell. If the cells cannot be reached, only this node's limits apply (logged).
    pub async fn admit_instance(
        &self,
        user: Id,
        channel: Id,
        per_minute: u32,
        slow_mode_secs: i64,
        exempt: bool,
    ) -> Result<()> {
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        let unavailable = |e: String| {
            tracing::warn!(error = %e, "instance-wide send limits unavailable; this node's apply");
        };
        if slow_mode_secs > 0 && !exempt {
            // The deadline (ms) until which the member may not post in the channel again.
            let mut wait = None;
            let key = format!("slow.{}.{}", user.0, channel.0);
            let secs = slow_mode_secs.unsigned_abs();
            let result = shared
                .update(Cells::Hours, &key, &mut |until| {
                    let now = crate::id::now_ms().max(0) as u64;
                    match until {
                        Some(until) if until > now => {
                            wait = Some(Duration::from_millis(until - now));
                            None
                        }
                        _ => {
                            wait = None;
                            Some(now + secs * 1000)
                        }
                    }
                })
                .await;
            match (result, wait) {
                (Err(e), _) => unavailable(e),
                (Ok(()), Some(retry_after)) => return Err(Error::RateLimited { retry_after }),
                (Ok(()), None) => {}
            }
        }
        match take_gcra(&**shared, &format!("send.{}", user.0), per_minute).await {
            Ok(None) => Ok(()),
            Ok(Some(wait)) => Err(Error::RateLimited {
                retry_after: wait.max(Duration::from_secs(1)),
            }),
            Err(e) => {
                unavailable(e);
                Ok(())
            }
        }
    }

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
