//! Records that are both stored rows and domain values: their stored shape is exactly what
//! services and transports use, so one type serves both (the store reads them with
//! `sqlx::FromRow`). Where a row and its domain value differ (a user row holds the password
//! hash; [`super::User`] never does), the store keeps its own row type and converts at its
//! edge.

use super::{ChannelKind, OverwriteKind};

/// A server row, with its member count.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServerRecord {
    /// Snowflake id (also the @everyone role's id).
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Owner's user id.
    pub owner_id: i64,
    /// Icon URL.
    pub icon_url: String,
    /// Description.
    pub description: String,
    /// Channel for join notices.
    pub system_channel_id: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Number of members (computed).
    pub member_count: i64,
}

/// A role row. The @everyone role has `id == server_id` and position 0.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoleRecord {
    /// Snowflake id.
    pub id: i64,
    /// Server.
    pub server_id: i64,
    /// Name.
    pub name: String,
    /// Permission bits.
    pub permissions: i64,
    /// Hierarchy position; higher outranks lower.
    pub position: i64,
    /// RGB colour, 0 = none.
    pub color: i64,
    /// Shown separately in the member list.
    pub hoist: bool,
    /// Can be @mentioned by anyone.
    pub mentionable: bool,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A member row (roles are loaded separately).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberRecord {
    /// Server.
    pub server_id: i64,
    /// User.
    pub user_id: i64,
    /// Server nickname; empty = none.
    pub nickname: String,
    /// Unix milliseconds.
    pub joined_at: i64,
    /// Muted in voice by a moderator.
    pub server_mute: bool,
    /// Deafened in voice by a moderator.
    pub server_deaf: bool,
}

/// A channel row (server channel or DM).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChannelRecord {
    /// Snowflake id.
    pub id: i64,
    /// Server; None for DMs and group DMs.
    pub server_id: Option<i64>,
    /// What the channel is.
    pub kind: ChannelKind,
    /// Name.
    pub name: String,
    /// Topic.
    pub topic: String,
    /// Category.
    pub parent_id: Option<i64>,
    /// Sort position among siblings.
    pub position: i64,
    /// Group DM owner.
    pub owner_id: Option<i64>,
    /// Group DM icon.
    pub icon_url: String,
    /// Voice user limit, 0 = unlimited.
    pub user_limit: i64,
    /// Voice bitrate.
    pub bitrate: i64,
    /// Slow mode seconds.
    pub rate_limit_per_user: i64,
    /// Newest message id (derived on read from the messages, never written).
    pub last_message_id: Option<i64>,
    /// Unix ms of the latest pin.
    pub last_pin_at: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A permission overwrite row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OverwriteRecord {
    /// Channel.
    pub channel_id: i64,
    /// Role or user id.
    pub target_id: i64,
    /// Whether `target_id` is a role or a member.
    pub target_kind: OverwriteKind,
    /// Allowed bits.
    pub allow_bits: i64,
    /// Denied bits.
    pub deny_bits: i64,
}

/// A ban row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BanRecord {
    /// Server.
    pub server_id: i64,
    /// Banned user.
    pub user_id: i64,
    /// Reason given.
    pub reason: String,
    /// Moderator.
    pub banned_by: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A server invite row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServerInviteRecord {
    /// Snowflake id (orders listings).
    pub id: i64,
    /// The code people share.
    pub code: String,
    /// Server.
    pub server_id: i64,
    /// Channel shown first after joining.
    pub channel_id: Option<i64>,
    /// Creator.
    pub inviter_id: Option<i64>,
    /// Max uses; None = unlimited.
    pub max_uses: Option<i64>,
    /// Uses so far.
    pub uses: i64,
    /// Unix ms; None = never.
    pub expires_at: Option<i64>,
    /// Unix ms of revocation.
    pub revoked_at: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
}
