//! Sessions revoked while their access tokens may still be unexpired. Checked on every
//! authenticated call, so a logout or password change cuts access at once instead of
//! waiting out the access token's lifetime. Entries expire with the access TTL.

use std::{collections::HashMap, sync::RwLock};

use crate::id::{Id, now_ms};

/// In-memory revocation list; rebuilt from the database at start-up.
#[derive(Debug, Default)]
pub struct RevokedSessions {
    /// Session id → Unix ms after which no access token of it can still be valid.
    entries: RwLock<HashMap<Id, i64>>,
}

impl RevokedSessions {
    /// Records that `session` was revoked; `until_ms` is when its last token expires.
    pub fn insert(&self, session: Id, until_ms: i64) {
        let now = now_ms();
        if let Ok(mut map) = self.entries.write() {
            // Prune as we go: the map holds at most one access-TTL worth of revocations.
            if map.len() > 1024 {
                map.retain(|_, until| *until > now);
            }
            map.insert(session, until_ms);
        }
    }

    /// Whether access tokens of `session` must be refused.
    pub fn contains(&self, session: Id) -> bool {
        self.entries
            .read()
            .map(|m| m.get(&session).is_some_and(|until| *until > now_ms()))
            .unwrap_or(true)
    }
}
