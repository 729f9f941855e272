//! Column lists and statements several areas share.

/// Deletes the overwrites of kind `$3` (bind [`crate::model::OverwriteKind::Member`]) naming
/// user `$2` in the channels of server `$1`.
pub(crate) const DELETE_MEMBER_OVERWRITES: &str = "DELETE FROM permission_overwrites \
     WHERE target_kind = $3 AND target_id = $2 \
       AND channel_id IN (SELECT id FROM channels WHERE server_id = $1)";

/// Column list of `ServerRecord` for a query aliasing `servers` as `s`.
macro_rules! server_columns {
    () => {
        "s.id, s.name, s.owner_id, s.icon_url, s.description, s.system_channel_id, s.created_at, \
         (SELECT COUNT(*) FROM members mc WHERE mc.server_id = s.id) AS member_count"
    };
}

/// Column list of `RoleRecord`.
macro_rules! role_columns {
    () => {
        "id, server_id, name, permissions, position, color, hoist, mentionable, created_at"
    };
}

/// Column list of `ChannelRecord`, for a statement whose table is `channels` (not aliased).
/// `last_message_id` is derived from `messages_channel_id_idx` (one index descent per channel)
/// rather than stored: a stored one made every send batch update, and lock until its commit,
/// the row of each channel it wrote to, which serialised concurrent commits.
macro_rules! channel_columns {
    () => {
        "id, server_id, kind, name, topic, parent_id, position, owner_id, icon_url, user_limit, \
         bitrate, rate_limit_per_user, \
         (SELECT MAX(m.id) FROM messages m WHERE m.channel_id = channels.id) AS last_message_id, \
         last_pin_at, created_at"
    };
}

/// Column list of `ServerInviteRecord`.
macro_rules! invite_columns {
    () => {
        "id, code, server_id, channel_id, inviter_id, max_uses, uses, expires_at, revoked_at, \
         created_at"
    };
}

pub(crate) use {channel_columns, invite_columns, role_columns, server_columns};
