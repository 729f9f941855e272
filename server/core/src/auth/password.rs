//! Password hashing with argon2id at OWASP's recommended parameters (19 MiB, t=2, p=1).
//! Hashing is CPU-heavy, so it runs on the blocking pool, never on an async worker.

use std::sync::LazyLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

use crate::error::{Error, Result};

fn hasher() -> Argon2<'static> {
    // Params::new only fails for out-of-range values; these are constants within range.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a random password, verified against when a username does not exist so that a
/// failed login costs the same time either way (no username probing by timing).
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hasher()
        .hash_password(b"decentra-timing-equaliser")
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(Error::internal)
    })
    .await
    .map_err(Error::internal)?
}

/// Checks a password against a PHC string; `None` burns the same time and returns false.
pub async fn verify(password: String, phc: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&phc).map_err(Error::internal)?;
        let ok = hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && known)
    })
    .await
    .map_err(Error::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id() -> Result<()> {
        let h = hash("correct horse".into()).await?;
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse".into(), Some(h.clone())).await?);
        assert!(!verify("wrong horse".into(), Some(h)).await?);
        assert!(!verify("decentra-timing-equaliser".into(), None).await?);
        Ok(())
    }
}
