//! ICE servers for clients: STUN/TURN URLs from the instance settings and the embedded TURN
//! server, with time-limited TURN credentials by the TURN REST convention (username
//! `"<unix expiry>:<user id>"`, credential `base64(HMAC-SHA1(secret, username))`), which
//! coturn (`use-auth-secret`) and the `turn` crate's auth handlers verify with the same
//! shared secret.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::{id::Id, model::IceServer, settings::VoiceSettings};

/// The embedded TURN server, when the binary runs one: its public URLs and the shared
/// secret it verifies credentials with.
#[derive(Clone)]
pub struct EmbeddedTurn {
    /// URLs clients reach it at, e.g. `turn:203.0.113.7:3478?transport=udp`.
    pub urls: Vec<String>,
    /// Shared secret (never printed).
    pub secret: String,
}

impl std::fmt::Debug for EmbeddedTurn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedTurn")
            .field("urls", &self.urls)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The TURN REST credential for `user` valid until `expires_unix` (seconds):
/// (username, credential).
pub fn turn_credential(secret: &str, user: Id, expires_unix: i64) -> (String, String) {
    let username = format!("{expires_unix}:{user}");
    (username.clone(), credential_for(secret, &username))
}

/// `base64(HMAC-SHA1(secret, username))`.
fn credential_for(secret: &str, username: &str) -> String {
    // HMAC accepts keys of any length; the error branch cannot happen.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The ICE servers for `user`: configured STUN, configured TURN (when a secret is set) and
/// the embedded TURN server, TURN credentials expiring at `expires_unix`.
pub fn servers_for(
    settings: &VoiceSettings,
    embedded: Option<&EmbeddedTurn>,
    user: Id,
    expires_unix: i64,
) -> Vec<IceServer> {
    let mut out = Vec::new();
    if !settings.stun_urls.is_empty() {
        out.push(IceServer {
            urls: settings.stun_urls.clone(),
            username: String::new(),
            credential: String::new(),
        });
    }
    if !settings.turn_urls.is_empty() && !settings.turn_secret.is_empty() {
        let (username, credential) = turn_credential(&settings.turn_secret, user, expires_unix);
        out.push(IceServer {
            urls: settings.turn_urls.clone(),
            username,
            credential,
        });
    }
    if let Some(turn) = embedded.filter(|t| !t.urls.is_empty()) {
        let (username, credential) = turn_credential(&turn.secret, user, expires_unix);
        out.push(IceServer {
            urls: turn.urls.clone(),
            username,
            credential,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known vectors, computed independently with Python's `hmac` module:
    /// `base64(hmac.new(secret, username, sha1).digest())`.
    #[test]
    fn credentials_follow_the_turn_rest_convention() {
        assert_eq!(
            turn_credential("secret", Id(42), 1_700_000_000),
            (
                "1700000000:42".to_owned(),
                "ZzfPuPkrzUOsnm5YISnTiKDnXWo=".to_owned()
            )
        );
        assert_eq!(
            credential_for("north", "1433895918:mbzrxpgjys"),
            "d2Q1V6JRLjCTMOhoc8cTgEoi7u0="
        );
    }

    #[test]
    fn turn_without_secret_is_left_out_and_embedded_turn_is_added() {
        let settings = VoiceSettings {
            stun_urls: vec!["stun:stun.example.org:3478".to_owned()],
            turn_urls: vec!["turn:turn.example.org:3478".to_owned()],
            turn_secret: String::new(),
            turn_secret_set: false,
        };
        let embedded = EmbeddedTurn {
            urls: vec!["turn:203.0.113.7:3478".to_owned()],
            secret: "s".to_owned(),
        };
        let servers = servers_for(&settings, Some(&embedded), Id(7), 100);
        assert_eq!(servers.len(), 2);
        assert!(servers[0].username.is_empty());
        assert_eq!(servers[1].urls, embedded.urls);
        assert_eq!(servers[1].username, "100:7");
    }
}
