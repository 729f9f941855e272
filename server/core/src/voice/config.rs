//! Voice tuning chosen by the operator (not by instance admins).

use std::time::Duration;

use super::ice::EmbeddedTurn;

/// Voice configuration of this node.
#[derive(Debug, Clone)]
pub struct VoiceConfig {
    /// Participants one voice channel session may hold (peer-to-peer mesh: each pair
    /// connects, so this bounds every client's upload).
    pub mesh_cap: usize,
    /// How long a call rings before the unanswered are no longer rung (and a call nobody
    /// answered ends).
    pub ring_timeout: Duration,
    /// How long issued TURN credentials stay valid.
    pub turn_credential_ttl: Duration,
    /// The embedded TURN server, when the binary runs one.
    pub embedded_turn: Option<EmbeddedTurn>,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self {
            mesh_cap: 8,
            ring_timeout: Duration::from_secs(45),
            turn_credential_ttl: Duration::from_secs(12 * 3600),
            embedded_turn: None,
        }
    }
}
