//! Access tokens (short-lived HS256 JWTs) and refresh tokens (random, stored only hashed).

use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    error::{Error, Result},
    id::{Id, now_ms},
    principal::Principal,
};

const ISSUER: &str = "decentra";

/// Seconds past `exp` a token is still accepted (clock skew between nodes).
const LEEWAY_SECS: u64 = 5;

/// Tokens remembered as verified. A client sends the same token with every request until it
/// refreshes it, so most checks are a lookup instead of a signature, base64 and JSON parse
/// (about 4 % of a message send's CPU). Bounded: a flood of distinct tokens evicts, it
/// cannot grow memory.
const VERIFIED_CAPACITY: usize = 4096;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// User id.
    sub: String,
    /// Session id: lets a logout revoke access tokens before they expire.
    sid: String,
    iat: i64,
    exp: i64,
    iss: String,
}

/// Signs and checks access tokens. The key is never printed.
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    access_ttl: Duration,
    /// Token → (principal, `exp` in Unix seconds) of tokens whose signature checked out.
    verified: quick_cache::sync::Cache<String, (Principal, i64)>,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("access_ttl", &self.access_ttl)
            .finish_non_exhaustive()
    }
}

/// A freshly signed access token.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// The JWT.
    pub token: String,
    /// Unix milliseconds at which it stops being accepted.
    pub expires_at_ms: i64,
}

impl TokenIssuer {
    /// An issuer for HS256 with `secret` (at least 32 bytes is expected).
    pub fn new(secret: &[u8], access_ttl: Duration) -> Self {
        // Only HS256 is accepted: `alg: none` and algorithm-confusion tokens fail validation.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = LEEWAY_SECS;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
            verified: quick_cache::sync::Cache::new(VERIFIED_CAPACITY),
        }
    }

    /// Signs an access token for a session.
    pub fn issue(&self, user: Id, session: Id) -> Result<AccessToken> {
        let now = now_ms();
        let expires_at_ms = now + self.access_ttl.as_millis() as i64;
        let claims = Claims {
            sub: user.to_string(),
            sid: session.to_string(),
            iat: now / 1000,
            exp: expires_at_ms / 1000,
            iss: ISSUER.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(Error::internal)?;
        Ok(AccessToken {
            token,
            expires_at_ms: (expires_at_ms / 1000) * 1000,
        })
    }

    /// Checks signature, algorithm, issuer and expiry; returns who the token speaks for.
    /// A token verified before is only checked for expiry again (it is the same string, so
    /// the same signature and claims).
    pub fn verify(&self, token: &str) -> Result<Principal> {
        if let Some((principal, exp)) = self.verified.get(token) {
            return if now_ms() / 1000 > exp.saturating_add(LEEWAY_SECS as i64) {
                self.verified.remove(token);
                Err(Error::Unauthenticated("access token expired".to_owned()))
            } else {
                Ok(principal)
            };
        }
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                match e.kind() {
                    ErrorKind::ExpiredSignature => {
                        Error::Unauthenticated("access token expired".to_owned())
                    }
                    _ => Error::Unauthenticated("invalid access token".to_owned()),
                }
            })?;
        let bad = |_| Error::Unauthenticated("invalid access token".to_owned());
        let principal = Principal {
            user_id: Id::parse("sub", &data.claims.sub).map_err(bad)?,
            session_id: Id::parse("sid", &data.claims.sid).map_err(bad)?,
            is_bot: false,
        };
        self.verified
            .insert(token.to_owned(), (principal, data.claims.exp));
        Ok(principal)
    }
}

/// A new random refresh token (256 bits, URL-safe) and the hash to store.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

/// SHA-256 of a refresh token: tokens are high-entropy, so a fast hash is enough and lets
/// the database look them up by equality.
pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() -> Result<()> {
        let issuer = TokenIssuer::new(&[7u8; 32], Duration::from_secs(60));
        let t = issuer.issue(Id(1), Id(2))?;
        let p = issuer.verify(&t.token)?;
        assert_eq!((p.user_id, p.session_id), (Id(1), Id(2)));

        let other = TokenIssuer::new(&[8u8; 32], Duration::from_secs(60));
        assert!(other.verify(&t.token).is_err(), "foreign key accepted");
        let mut tampered = t.token.clone();
        tampered.pop();
        tampered.push('A');
        assert!(issuer.verify(&tampered).is_err() || tampered == t.token);
        Ok(())
    }

    #[test]
    fn a_remembered_token_still_expires_and_others_are_still_checked() -> Result<()> {
        let issuer = TokenIssuer::new(&[7u8; 32], Duration::from_secs(60));
        let t = issuer.issue(Id(1), Id(2))?;
        issuer.verify(&t.token)?;
        assert_eq!(issuer.verify(&t.token)?.user_id, Id(1), "remembered");
        let mut tampered = t.token.clone();
        tampered.insert(tampered.len() - 2, 'x');
        assert!(
            issuer.verify(&tampered).is_err(),
            "a different string is verified anew"
        );

        // Remembered with an `exp` past the leeway: refused as expired, and forgotten.
        let past = now_ms() / 1000 - LEEWAY_SECS as i64 - 1;
        let principal = issuer.verify(&t.token)?;
        issuer.verified.insert(t.token.clone(), (principal, past));
        assert!(matches!(
            issuer.verify(&t.token),
            Err(Error::Unauthenticated(m)) if m.contains("expired")
        ));
        assert!(issuer.verified.get(&t.token).is_none());
        Ok(())
    }
}

/// Session lifetimes.
#[derive(Debug, Clone, Copy)]
pub struct TokenLifetimes {
    /// Access token lifetime (short: revocation is also checked in memory).
    pub access: Duration,
    /// Refresh token lifetime, renewed on every rotation (sliding).
    pub refresh: Duration,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        Self {
            access: Duration::from_secs(15 * 60),
            refresh: Duration::from_secs(30 * 24 * 3600),
        }
    }
}
