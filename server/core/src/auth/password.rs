//! Password hashing with argon2id at OWASP's recommended parameters (19 MiB, t=2, p=1), with
//! bounded memory.
//!
//! Every hash needs 19 MiB of working memory. Left alone, a burst of logins runs one hash per
//! blocking thread at once and the freed buffers stay in the allocator (a Raspberry Pi went
//! from 15 MB to almost 1 GB after eight concurrent logins). So the [`PasswordHasher`]:
//!
//! - runs at most `concurrency` hashes at once, on the blocking pool, never on an async worker;
//! - queues the rest fairly (tokio's semaphore is FIFO) for at most `max_wait`, then answers
//!   [`Error::RateLimited`] so a client backs off instead of piling up;
//! - hashes into buffers it owns: at most `concurrency` of them exist, each is reused by the
//!   next queued hash, and all are released once no hash is running or waiting.
//!
//! Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$…`); verification reads the
//! parameters from the stored string and goes through the same bounded path.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, Version,
    password_hash::phc::{Output, ParamsString, Salt},
};
use rand::RngCore;
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane. Never lowered.
const M_COST_KIB: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
const SALT_LEN: usize = 16;
const OUTPUT_LEN: usize = 32;

/// Salt of the hash computed for unknown usernames (its result is thrown away).
const TIMING_SALT: &[u8] = b"decentra-timing-equaliser";

/// How [`PasswordHasher`] bounds its work.
#[derive(Debug, Clone, Copy)]
pub struct HashingLimits {
    /// Hashes running at once (each holds 19 MiB). At least 1.
    pub concurrency: usize,
    /// How long a hash may wait for a free slot before the call fails as rate-limited.
    pub max_wait: Duration,
}

impl Default for HashingLimits {
    /// One hash per core, ten seconds of queueing.
    fn default() -> Self {
        Self {
            concurrency: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_wait: Duration::from_secs(10),
        }
    }
}

/// Hashes and verifies passwords with bounded concurrency and memory. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    limits: HashingLimits,
    /// One permit per slot; FIFO, so a waiting hash is not overtaken by later ones.
    slots: Arc<Semaphore>,
    /// Buffers not in use right now; together with the ones in use, never more than
    /// `limits.concurrency`.
    idle_buffers: Mutex<Vec<Box<[Block]>>>,
    /// Calls waiting for a slot.
    waiting: AtomicUsize,
    /// Hashes running now.
    running: AtomicUsize,
    /// The most hashes that ever ran at once.
    high_water: AtomicUsize,
}

fn params() -> Result<Params> {
    Params::new(M_COST_KIB, T_COST, P_COST, Some(OUTPUT_LEN)).map_err(Error::internal)
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new(HashingLimits::default())
    }
}

impl PasswordHasher {
    /// A hasher with the given limits (a concurrency of 0 counts as 1).
    pub fn new(limits: HashingLimits) -> Self {
        let limits = HashingLimits {
            concurrency: limits.concurrency.max(1),
            ..limits
        };
        Self {
            inner: Arc::new(Inner {
                slots: Arc::new(Semaphore::new(limits.concurrency)),
                idle_buffers: Mutex::new(Vec::with_capacity(limits.concurrency)),
                waiting: AtomicUsize::new(0),
                running: AtomicUsize::new(0),
                high_water: AtomicUsize::new(0),
                limits,
            }),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> HashingLimits {
        self.inner.limits
    }

    /// The most hashes that have run at the same time since start (for tests and metrics).
    pub fn high_water_mark(&self) -> usize {
        self.inner.high_water.load(Ordering::SeqCst)
    }

    /// Hashes a password into a PHC string with a fresh random salt.
    pub async fn hash(&self, password: String) -> Result<String> {
        self.run(move |memory| {
            let params = params()?;
            let mut salt = [0u8; SALT_LEN];
            rand::rng().fill_bytes(&mut salt);
            let mut out = [0u8; OUTPUT_LEN];
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
                .hash_password_into_with_memory(
                    password.as_bytes(),
                    &salt,
                    &mut out,
                    memory.for_params(&params),
                )
                .map_err(Error::internal)?;
            let phc = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(Error::internal)?,
                salt: Some(Salt::new(&salt).map_err(Error::internal)?),
                hash: Some(Output::new(&out).map_err(Error::internal)?),
            };
            Ok(phc.to_string())
        })
        .await
    }

    /// Checks a password against a PHC string. `None` (unknown user) costs the same time and
    /// returns false, so failed logins do not reveal which usernames exist.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool> {
        self.run(move |memory| match phc {
            Some(phc) => verify_phc(memory, password.as_bytes(), &phc),
            None => {
                let params = params()?;
                let mut out = [0u8; OUTPUT_LEN];
                Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
                    .hash_password_into_with_memory(
                        password.as_bytes(),
                        TIMING_SALT,
                        &mut out,
                        memory.for_params(&params),
                    )
                    .map_err(Error::internal)?;
                Ok(false)
            }
        })
        .await
    }

    /// Runs `job` on the blocking pool once a slot is free, with that slot's buffer.
    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Memory) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let inner = &self.inner;
        let permit = {
            inner.waiting.fetch_add(1, Ordering::SeqCst);
            let acquired = tokio::time::timeout(
                inner.limits.max_wait,
                Arc::clone(&inner.slots).acquire_owned(),
            )
            .await;
            inner.waiting.fetch_sub(1, Ordering::SeqCst);
            match acquired {
                Ok(Ok(permit)) => permit,
                Ok(Err(closed)) => return Err(Error::internal(closed)),
                Err(_elapsed) => {
                    tracing::warn!(
                        concurrency = inner.limits.concurrency,
                        "password hashing queue is full: refusing"
                    );
                    return Err(Error::RateLimited {
                        retry_after: Duration::from_secs(1),
                    });
                }
            }
        };
        let inner = Arc::clone(inner);
        tokio::task::spawn_blocking(move || {
            // The permit lives as long as the hash, even if the caller stops waiting for it:
            // a disconnecting client cannot free a slot whose memory is still in use.
            let _permit = permit;
            let running = inner.running.fetch_add(1, Ordering::SeqCst) + 1;
            inner.high_water.fetch_max(running, Ordering::SeqCst);
            let mut memory = Memory(inner.take_buffer());
            let result = job(&mut memory);
            inner.give_back(memory.0);
            inner.running.fetch_sub(1, Ordering::SeqCst);
            result
        })
        .await
        .map_err(Error::internal)?
    }
}

impl Inner {
    fn take_buffer(&self) -> Option<Box<[Block]>> {
        self.idle_buffers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop()
    }

    /// Keeps the buffer for the next hash while others are running or queued; once the
    /// hasher is idle, releases every buffer (a quiet server holds no hash memory).
    fn give_back(&self, buffer: Option<Box<[Block]>>) {
        let mut idle = self
            .idle_buffers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let busy =
            self.running.load(Ordering::SeqCst) > 1 || self.waiting.load(Ordering::SeqCst) > 0;
        if busy {
            if let Some(b) = buffer
                && idle.len() < self.limits.concurrency
            {
                idle.push(b);
            }
        } else {
            idle.clear();
            idle.shrink_to_fit();
        }
    }
}

/// The working memory of one slot, allocated on first use.
struct Memory(Option<Box<[Block]>>);

impl Memory {
    /// A buffer large enough for `params`, reusing this slot's when it is.
    fn for_params(&mut self, params: &Params) -> &mut [Block] {
        let needed = params.block_count();
        let buffer = match self.0.take() {
            Some(b) if b.len() >= needed => b,
            _ => vec![Block::new(); needed].into_boxed_slice(),
        };
        self.0.insert(buffer)
    }
}

/// Recomputes the hash with the stored string's algorithm, version, parameters and salt,
/// and compares the outputs in constant time.
fn verify_phc(memory: &mut Memory, password: &[u8], phc: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc).map_err(Error::internal)?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return Err(Error::internal(
            "stored password hash has no salt or output".to_owned(),
        ));
    };
    let algorithm = Algorithm::new(parsed.algorithm.as_str()).map_err(Error::internal)?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(Error::internal)?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(Error::internal)?;
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(
            password,
            salt.as_ref(),
            &mut out,
            memory.for_params(&params),
        )
        .map_err(Error::internal)?;
    // `Output`'s equality is constant-time.
    Ok(Output::new(&out).map_err(Error::internal)? == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher as _;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id() -> Result<()> {
        let hasher = PasswordHasher::default();
        let h = hasher.hash("correct horse".into()).await?;
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(
            hasher
                .verify("correct horse".into(), Some(h.clone()))
                .await?
        );
        assert!(!hasher.verify("wrong horse".into(), Some(h)).await?);
        assert!(!hasher.verify("anything at all".into(), None).await?);
        Ok(())
    }

    #[tokio::test]
    async fn verifies_hashes_made_by_the_argon2_crate() -> Result<()> {
        // Hashes stored before the bounded hasher existed came from `hash_password`.
        let stored = Argon2::new(Algorithm::Argon2id, Version::V0x13, params()?)
            .hash_password(b"old password")
            .map_err(Error::internal)?
            .to_string();
        let hasher = PasswordHasher::default();
        assert!(
            hasher
                .verify("old password".into(), Some(stored.clone()))
                .await?
        );
        assert!(!hasher.verify("old passwore".into(), Some(stored)).await?);
        // And the argon2 crate accepts ours.
        let ours = hasher.hash("new password".into()).await?;
        let parsed = PasswordHash::new(&ours).map_err(Error::internal)?;
        assert!(
            argon2::PasswordVerifier::verify_password(&Argon2::default(), b"new password", &parsed)
                .is_ok()
        );
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn never_runs_more_hashes_than_its_concurrency() -> Result<()> {
        let limits = HashingLimits {
            concurrency: 2,
            max_wait: Duration::from_secs(120),
        };
        let hasher = PasswordHasher::new(limits);
        let stored = hasher.hash("pw".into()).await?;
        let calls: Vec<_> = (0..limits.concurrency + 5)
            .map(|_| {
                let (hasher, stored) = (hasher.clone(), stored.clone());
                tokio::spawn(async move { hasher.verify("pw".into(), Some(stored)).await })
            })
            .collect();
        for call in calls {
            assert!(call.await.map_err(Error::internal)??);
        }
        assert!(hasher.high_water_mark() <= limits.concurrency);
        assert!(hasher.high_water_mark() >= 1);
        // Idle again: no buffer is kept.
        assert!(hasher.inner.take_buffer().is_none());
        Ok(())
    }

    #[tokio::test]
    async fn a_full_queue_answers_rate_limited() -> Result<()> {
        let hasher = PasswordHasher::new(HashingLimits {
            concurrency: 1,
            max_wait: Duration::ZERO,
        });
        // Hold the only slot, as a running hash would.
        let held = Arc::clone(&hasher.inner.slots)
            .acquire_owned()
            .await
            .map_err(Error::internal)?;
        let refused = hasher.hash("pw".into()).await;
        assert!(
            matches!(refused, Err(Error::RateLimited { .. })),
            "{refused:?}"
        );
        drop(held);
        assert!(hasher.hash("pw".into()).await.is_ok());
        Ok(())
    }
}
