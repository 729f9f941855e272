//! Secrets kept at rest (the SMTP password): sealed with XChaCha20-Poly1305 under a key
//! derived from the instance secret with HKDF-SHA256, so a copy of the database alone does
//! not reveal them.

use base64::{Engine, engine::general_purpose::STANDARD_NO_PAD};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;

use crate::error::{Error, Result};

/// Prefix of sealed strings, naming the scheme (a later one can sit beside it).
const PREFIX: &str = "xc1:";
const NONCE_LEN: usize = 24;

/// Seals and opens secrets at rest. `Debug` shows nothing of the key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(<key>)")
    }
}

impl SecretBox {
    /// Derives the sealing key from the instance secret; `purpose` separates keys.
    pub fn derive(instance_secret: &[u8], purpose: &str) -> Result<Self> {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"decentra secrets at rest"), instance_secret)
            .expand(purpose.as_bytes(), &mut key)
            .map_err(|_| Error::internal("HKDF output length".to_owned()))?;
        Ok(Self {
            cipher: XChaCha20Poly1305::new(&key.into()),
        })
    }

    /// Seals `plain` (the empty string stays empty: nothing stored).
    pub fn seal(&self, plain: &str, context: &str) -> Result<String> {
        if plain.is_empty() {
            return Ok(String::new());
        }
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Error::internal("sealing a secret failed".to_owned()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD_NO_PAD.encode(out)))
    }

    /// Opens a sealed string. A wrong key (the instance secret changed) or a damaged value is
    /// an error that never includes the value.
    pub fn open(&self, sealed: &str, context: &str) -> Result<String> {
        if sealed.is_empty() {
            return Ok(String::new());
        }
        let bad = || {
            Error::internal(
                "a sealed secret cannot be opened (instance secret changed?)".to_owned(),
            )
        };
        let body = sealed.strip_prefix(PREFIX).ok_or_else(bad)?;
        let bytes = STANDARD_NO_PAD.decode(body).map_err(|_| bad())?;
        if bytes.len() <= NONCE_LEN {
            return Err(bad());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| bad())?;
        let plain = self
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_round_trip_and_refuse_another_key_or_context() -> Result<()> {
        let a = SecretBox::derive(b"instance secret one, long enough", "smtp")?;
        let b = SecretBox::derive(b"instance secret two, long enough", "smtp")?;
        let sealed = a.seal("hunter2", "smtp.password")?;
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("hunter2"));
        assert_ne!(
            sealed,
            a.seal("hunter2", "smtp.password")?,
            "fresh nonce each time"
        );
        assert_eq!(a.open(&sealed, "smtp.password")?, "hunter2");
        assert!(b.open(&sealed, "smtp.password").is_err());
        assert!(a.open(&sealed, "other").is_err());
        assert_eq!(a.seal("", "x")?, "");
        assert_eq!(a.open("", "x")?, "");
        Ok(())
    }
}
