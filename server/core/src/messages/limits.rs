//! Spam limits on sending: a per-user budget per minute (instance setting) and per-channel
//! slow mode (seconds between one member's messages; moderators are exempt).
//!
//! On one node, in memory ([`SendLimits::admit`]). With several nodes the same limits are
//! also kept per instance in cells all nodes share ([`SendLimits::admit_instance`], the
//! mechanism of the login limits, `auth::rate_limit`), so a burst spread over the nodes is
//! limited like one on a single node.
//!
//! Slow mode is exact per instance: every send it applies to takes a compare-and-set. The
//! per-minute budget is charged in batches instead, so most sends wait for no round trip
//! to NATS: a node admits up to [`batch`]` - 1` of a user's sends on credit and charges
//! them to the shared cell with the next one, which is refused if it no longer fits (the
//! others stay charged: the wait pays them back). A burst spread over the nodes may so
//! exceed the budget by at most `batch - 1` sends per node; once a node refused a user, it
//! charges that user's sends one by one for a minute, exactly.

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
/// Sends on credit are forgotten this long after the first (the budget has refilled them),
/// and a refused user is charged one send at a time this long.
const CREDIT_LIFE: Duration = Duration::from_secs(60);

/// How many of a user's sends a node charges to the instance's budget at once: a 32nd of the
/// budget, 1 to 16 (so the slack stays a small part of the budget).
pub fn batch(per_minute: u32) -> u32 {
    (per_minute / 32).clamp(1, 16)
}

/// A user's sends this node admitted on the instance's budget and did not charge yet.
#[derive(Debug, Clone, Copy)]
struct Credit {
    /// Sends admitted on credit.
    sends: u32,
    /// When the first of them was.
    since: Instant,
    /// The instance's budget refused the user until then (this node refuses without asking).
    refused_until: Option<Instant>,
    /// Until then every send is charged on its own (the user reached the budget lately).
    exact_until: Option<Instant>,
}

impl Credit {
    fn new(now: Instant) -> Self {
        Self {
            sends: 0,
            since: now,
            refused_until: None,
            exact_until: None,
        }
    }
}

/// Send limits of this node (and, with `shared`, of the instance).
#[derive(Default)]
pub struct SendLimits {
    /// The limiter and the per-minute value it was built for (rebuilt when the setting changes).
    per_user: Mutex<Option<(u32, Arc<DefaultKeyedRateLimiter<Id>>)>>,
    /// When each (user, channel) may post again under slow mode.
    slow: Mutex<HashMap<(Id, Id), Instant>>,
    /// Sends admitted on credit, per user, with `shared`.
    credit: Mutex<HashMap<Id, Credit>>,
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
    /// node: slow mode (a compare-and-set on a shared cell), then the per-minute budget
    /// (charged in batches, see the module docs). If the cells cannot be reached, only this
    /// node's limits apply (logged).
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
        let Some(charge) = self.on_credit(user, per_minute)? else {
            return Ok(());
        };
        match take_gcra(&**shared, &format!("send.{}", user.0), per_minute, charge).await {
            Ok(None) => Ok(()),
            Ok(Some(wait)) => {
                let now = Instant::now();
                let mut credit = self.credit.lock().unwrap_or_else(|p| p.into_inner());
                let c = credit.entry(user).or_insert_with(|| Credit::new(now));
                c.refused_until = Some(now + wait);
                c.exact_until = Some(now + wait + CREDIT_LIFE);
                Err(Error::RateLimited {
                    retry_after: wait.max(Duration::from_secs(1)),
                })
            }
            Err(e) => {
                unavailable(e);
                Ok(())
            }
        }
    }

    /// Counts one send of `user` on the instance's budget: None if it is admitted on credit,
    /// else how many sends to charge now (this one included); refused while the instance's
    /// budget refused the user lately.
    fn on_credit(&self, user: Id, per_minute: u32) -> Result<Option<u32>> {
        let now = Instant::now();
        let mut credit = self.credit.lock().unwrap_or_else(|p| p.into_inner());
        if credit.len() >= SWEEP_AT {
            credit.retain(|_, c| {
                now < c.since + CREDIT_LIFE || c.exact_until.is_some_and(|t| now < t)
            });
        }
        let c = credit.entry(user).or_insert_with(|| Credit::new(now));
        if let Some(until) = c.refused_until.filter(|t| now < *t) {
            return Err(Error::RateLimited {
                retry_after: (until - now).max(Duration::from_secs(1)),
            });
        }
        if c.sends == 0 || now >= c.since + CREDIT_LIFE {
            // Credit older than a minute is forgotten: the budget refilled it.
            c.sends = 0;
            c.since = now;
        }
        c.sends += 1;
        let batch = match c.exact_until {
            Some(t) if now < t => 1,
            _ => batch(per_minute),
        };
        if c.sends < batch {
            return Ok(None);
        }
        Ok(Some(std::mem::take(&mut c.sends)))
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

    /// Cells in memory, shared by the "nodes" of a test; counts the compare-and-sets.
    #[derive(Default)]
    struct MemoryCells {
        values: Mutex<HashMap<String, u64>>,
        updates: std::sync::atomic::AtomicUsize,
    }

    #[async_trait::async_trait]
    impl SharedCells for MemoryCells {
        async fn update(
            &self,
            _life: Cells,
            key: &str,
            change: &mut (dyn FnMut(Option<u64>) -> Option<u64> + Send),
        ) -> std::result::Result<(), String> {
            self.updates
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut values = self.values.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(next) = change(values.get(key).copied()) {
                values.insert(key.to_owned(), next);
            }
            Ok(())
        }
    }

    /// Three nodes share one budget: a burst spread over them is admitted up to the budget
    /// and at most `batch - 1` sends per node more, with one shared update per batch.
    #[tokio::test]
    async fn a_burst_over_nodes_is_charged_in_batches() {
        let cells = Arc::new(MemoryCells::default());
        let nodes: Vec<SendLimits> = (0..3)
            .map(|_| SendLimits::new(Some(Arc::clone(&cells) as Arc<dyn SharedCells>)))
            .collect();
        let (user, channel, per_minute) = (Id(1), Id(9), 320);
        let mut admitted = 0u32;
        for i in 0.. {
            match nodes[i % 3]
                .admit_instance(user, channel, per_minute, 0, false)
                .await
            {
                Ok(()) => admitted += 1,
                Err(Error::RateLimited { .. }) => break,
                Err(e) => panic!("unexpected {e:?}"),
            }
            assert!(admitted <= 2 * per_minute, "the budget is not shared");
        }
        let slack = 3 * (batch(per_minute) - 1);
        assert!(
            (per_minute..=per_minute + slack).contains(&admitted),
            "{admitted} admitted of {per_minute} (+{slack})"
        );
        let updates = cells.updates.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            updates <= (admitted / batch(per_minute)) as usize + 3,
            "{updates} shared updates for {admitted} sends"
        );
        // The node that refused now refuses without asking, and the others soon do.
        for node in &nodes {
            let mut refused = false;
            for _ in 0..batch(per_minute) {
                if node
                    .admit_instance(user, channel, per_minute, 0, false)
                    .await
                    .is_err()
                {
                    refused = true;
                    break;
                }
            }
            assert!(refused, "every node refuses within a batch");
        }
    }

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
