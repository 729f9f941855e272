//! Brute-force protection for login and registration: per client IP and per username.
//!
//! On one node, `governor`'s keyed GCRA limiters in memory. With several nodes the same
//! budgets are also kept per instance: the same GCRA (one "theoretical arrival time" per key)
//! in a value all nodes share ([`SharedCells`], JetStream key-value), so a burst spread over
//! the nodes is limited like one on a single node.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc, time::Duration};

use sha2::{Digest, Sha256};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::error::{Error, Result};

/// Attempts allowed per minute (also the burst size).
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Login/register attempts per client IP per minute.
    pub per_ip_per_minute: u32,
    /// Login/register attempts per username per minute.
    pub per_username_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_ip_per_minute: 30,
            per_username_per_minute: 10,
        }
    }
}

pub use crate::events::nats::Cells;

/// Small numbers shared by every node, each changed by compare-and-set.
#[async_trait::async_trait]
pub trait SharedCells: Send + Sync + 'static {
    /// Applies `change` to the value under `key` (None if unset or expired `life` after its
    /// last write): it returns the new value, or None to leave it. It may run more than once
    /// (another node changed the value meanwhile); its last run is the one that counted.
    async fn update(
        &self,
        life: Cells,
        key: &str,
        change: &mut (dyn FnMut(Option<u64>) -> Option<u64> + Send),
    ) -> std::result::Result<(), String>;
}

/// Keyed GCRA limiters (the `governor` crate); memory is bounded by periodic pruning. With
/// `shared`, the budgets are also the instance's.
pub struct AuthRateLimiter {
    limits: RateLimits,
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_username: DefaultKeyedRateLimiter<String>,
    shared: Option<Arc<dyn SharedCells>>,
}

impl std::fmt::Debug for AuthRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthRateLimiter")
            .field("limits", &self.limits)
            .field("shared", &self.shared.is_some())
            .finish_non_exhaustive()
    }
}

/// One GCRA step at `now_ms` on the stored theoretical arrival time, for `n` attempts at
/// once of which only the last is still to be decided (the others happened: a node admitted
/// them on credit, see `messages::limits`): the new time, or the time with the `n - 1`
/// charged and how long the last must wait. `per_minute` attempts fit in a burst and come
/// back at that rate.
fn gcra(
    tat: Option<u64>,
    now_ms: u64,
    per_minute: u32,
    n: u32,
) -> std::result::Result<u64, (u64, Duration)> {
    let per_minute = u64::from(per_minute.max(1));
    let interval = 60_000 / per_minute;
    let base = tat.unwrap_or(0).max(now_ms);
    let next = base + interval * u64::from(n.max(1));
    let tolerance = interval * per_minute;
    if next - now_ms > tolerance {
        let charged = next - interval;
        Err((charged, Duration::from_millis(next - now_ms - tolerance)))
    } else {
        Ok(next)
    }
}

fn quota(per_minute: u32) -> Quota {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n).allow_burst(n)
}

impl AuthRateLimiter {
    /// Limiters with the given limits.
    pub fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            by_ip: RateLimiter::keyed(quota(limits.per_ip_per_minute)),
            by_username: RateLimiter::keyed(quota(limits.per_username_per_minute)),
            shared: None,
        }
    }

    /// Limiters whose budgets are also kept in `shared`, across the nodes.
    pub fn shared(limits: RateLimits, shared: Arc<dyn SharedCells>) -> Self {
        Self {
            shared: Some(shared),
            ..Self::new(limits)
        }
    }

    /// Counts one attempt; refuses with the time to wait when either budget is spent (this
    /// node's, then the instance's).
    pub async fn check(&self, ip: Option<IpAddr>, username_lower: &str) -> Result<()> {
        self.check_here(ip, username_lower)?;
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        if let Some(ip) = ip {
            take_shared(
                &**shared,
                &format!("ip:{ip}"),
                self.limits.per_ip_per_minute,
            )
            .await?;
        }
        take_shared(
            &**shared,
            &format!("user:{username_lower}"),
            self.limits.per_username_per_minute,
        )
        .await
    }

    fn check_here(&self, ip: Option<IpAddr>, username_lower: &str) -> Result<()> {
        let clock = DefaultClock::default();
        let wait = |until: governor::NotUntil<_>| Error::RateLimited {
            retry_after: until
                .wait_time_from(clock.now())
                .max(Duration::from_secs(1)),
        };
        if let Some(ip) = ip {
            self.by_ip.check_key(&ip).map_err(wait)?;
        }
        self.by_username
            .check_key(&username_lower.to_owned())
            .map_err(wait)?;
        if self.by_username.len() > 10_000 {
            self.by_username.retain_recent();
        }
        if self.by_ip.len() > 10_000 {
            self.by_ip.retain_recent();
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl SharedCells for crate::events::nats::NatsBus {
    async fn update(
        &self,
        life: Cells,
        key: &str,
        change: &mut (dyn FnMut(Option<u64>) -> Option<u64> + Send),
    ) -> std::result::Result<(), String> {
        self.update_cell(life, key, change).await
    }
}

/// Takes one attempt from the instance's budget for `key`. If the shared cells cannot be
/// reached, only this node's budget applies (logged).
async fn take_shared(shared: &dyn SharedCells, key: &str, per_minute: u32) -> Result<()> {
    // Key-value keys allow few characters, and usernames are any text: a hash names them.
    let digest = Sha256::digest(key.as_bytes());
    let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    match take_gcra(shared, &name, per_minute, 1).await {
        Ok(None) => Ok(()),
        Ok(Some(wait)) => Err(Error::RateLimited {
            retry_after: wait.max(Duration::from_secs(1)),
        }),
        Err(e) => {
            tracing::warn!(error = %e, "instance-wide rate limit unavailable; this node's applies");
            Ok(())
        }
    }
}

/// One [`gcra`] step for `n` attempts on the shared cell `key` (compare-and-set, so every
/// node draws from one budget): None if the last is admitted, else how long it must wait (the
/// other `n - 1` are charged either way); Err if the cells cannot be reached.
pub(crate) async fn take_gcra(
    shared: &dyn SharedCells,
    key: &str,
    per_minute: u32,
    n: u32,
) -> std::result::Result<Option<Duration>, String> {
    let mut refused = None;
    shared
        .update(Cells::Minutes, key, &mut |tat| {
            let now = crate::id::now_ms().max(0) as u64;
            match gcra(tat, now, per_minute, n) {
                Ok(next) => {
                    refused = None;
                    Some(next)
                }
                Err((charged, wait)) => {
                    refused = Some(wait);
                    (n > 1).then_some(charged)
                }
            }
        })
        .await?;
    Ok(refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_budget_with_retry_hint() {
        let l = AuthRateLimiter::new(RateLimits {
            per_ip_per_minute: 100,
            per_username_per_minute: 3,
        });
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..3 {
            assert!(l.check_here(ip, "alice").is_ok());
        }
        match l.check_here(ip, "alice") {
            Err(Error::RateLimited { retry_after }) => {
                assert!(retry_after >= Duration::from_secs(1))
            }
            other => panic!("expected rate limit, got {other:?}"),
        }
        assert!(
            l.check_here(ip, "bob").is_ok(),
            "other usernames are unaffected"
        );
    }

    #[test]
    fn the_shared_gcra_allows_a_burst_then_the_rate() {
        let mut tat = None;
        for _ in 0..3 {
            tat = Some(gcra(tat, 1_000_000, 3, 1).expect("within the burst"));
        }
        let (charged, wait) = gcra(tat, 1_000_000, 3, 1).expect_err("burst spent");
        assert_eq!(wait, Duration::from_secs(20));
        assert_eq!(Some(charged), tat, "a refused attempt costs nothing");
        assert!(
            gcra(tat, 1_020_000, 3, 1).is_ok(),
            "one more after 60 s / 3"
        );
    }

    /// Attempts admitted on credit are charged together; when the last does not fit, the
    /// others are charged anyway, so the wait pays back what the credit let through.
    #[test]
    fn the_shared_gcra_charges_several_at_once() {
        let tat = gcra(None, 1_000_000, 6, 4).expect("4 of 6 fit");
        assert_eq!(tat, 1_040_000);
        let (charged, wait) = gcra(Some(tat), 1_000_000, 6, 4).expect_err("8 of 6 do not");
        assert_eq!(charged, 1_070_000, "the 3 admitted on credit are charged");
        assert_eq!(wait, Duration::from_secs(20));
    }
}
