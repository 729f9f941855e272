//! Brute-force protection for login and registration: per client IP and per username.

use std::{net::IpAddr, num::NonZeroU32, time::Duration};

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

/// Keyed GCRA limiters (the `governor` crate); memory is bounded by periodic pruning.
#[derive(Debug)]
pub struct AuthRateLimiter {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_username: DefaultKeyedRateLimiter<String>,
}

fn quota(per_minute: u32) -> Quota {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n).allow_burst(n)
}

impl AuthRateLimiter {
    /// Limiters with the given limits.
    pub fn new(limits: RateLimits) -> Self {
        Self {
            by_ip: RateLimiter::keyed(quota(limits.per_ip_per_minute)),
            by_username: RateLimiter::keyed(quota(limits.per_username_per_minute)),
        }
    }

    /// Counts one attempt; refuses with the time to wait when either budget is spent.
    pub fn check(&self, ip: Option<IpAddr>, username_lower: &str) -> Result<()> {
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
            assert!(l.check(ip, "alice").is_ok());
        }
        match l.check(ip, "alice") {
            Err(Error::RateLimited { retry_after }) => {
                assert!(retry_after >= Duration::from_secs(1))
            }
            other => panic!("expected rate limit, got {other:?}"),
        }
        assert!(l.check(ip, "bob").is_ok(), "other usernames are unaffected");
    }
}
