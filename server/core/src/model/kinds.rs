//! The kinds of things, as enums. Each is stored as the `BIGINT` value it declares (the
//! `sqlx::Type` derive with `#[repr(i64)]` converts at the store edge, and a row holding an
//! unknown value fails to decode instead of being misread), and SQL that needs a kind binds
//! the enum instead of writing its number.

/// What a channel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[repr(i64)]
pub enum ChannelKind {
    /// Text channel of a server.
    Text = 1,
    /// Voice channel of a server.
    Voice = 2,
    /// Category grouping a server's channels.
    Category = 3,
    /// Direct message between two users.
    Dm = 4,
    /// Group direct message.
    GroupDm = 5,
}

impl ChannelKind {
    /// A direct message or group direct message (no server).
    pub fn is_private(self) -> bool {
        matches!(self, Self::Dm | Self::GroupDm)
    }
}

/// What a permission overwrite applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type)]
#[repr(i64)]
pub enum OverwriteKind {
    /// A role (the @everyone role's id is the server's).
    Role = 1,
    /// One member.
    Member = 2,
}

/// What kind of thing a mention points at. Only `User` and `Role` are stored (one
/// `message_mentions` row each); `@everyone`/`@here` are the message's `mention_everyone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[repr(i64)]
pub enum MentionKind {
    /// `<@user_id>`.
    User = 1,
    /// `<@&role_id>`.
    Role = 2,
    /// `@everyone`.
    Everyone = 3,
    /// `@here`.
    Here = 4,
}

/// What a message is (values of `MessageType` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type)]
#[repr(i64)]
pub enum MessageKind {
    /// A user's message (possibly a reply).
    Default = 1,
    /// System: a member joined the server.
    MemberJoin = 2,
    /// System: a message was pinned.
    PinnedMessage = 3,
    /// System: a DM call started.
    Call = 4,
    /// System: a user was added to a group DM.
    RecipientAdd = 5,
}

/// One user's relationship with another, as stored (one row per direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type)]
#[repr(i64)]
pub enum RelationshipKind {
    /// Mutual friends (both rows).
    Friend = 1,
    /// The other user sent this user a friend request.
    Incoming = 2,
    /// This user sent the other a friend request.
    Outgoing = 3,
    /// This user blocked the other (the other's row is absent, or their own block).
    Blocked = 4,
}

/// Audit log actions (values of `AuditLogAction` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type)]
#[repr(i64)]
pub enum AuditAction {
    /// Server settings changed.
    ServerUpdate = 1,
    /// Ownership transferred.
    OwnershipTransfer = 2,
    /// Channel created.
    ChannelCreate = 3,
    /// Channel changed.
    ChannelUpdate = 4,
    /// Channel deleted.
    ChannelDelete = 5,
    /// Overwrite set.
    ChannelOverwriteUpdate = 6,
    /// Overwrite removed.
    ChannelOverwriteDelete = 7,
    /// Member kicked.
    MemberKick = 8,
    /// Member banned.
    MemberBanAdd = 9,
    /// Ban lifted.
    MemberBanRemove = 10,
    /// Nickname / voice moderation changed.
    MemberUpdate = 11,
    /// Roles of a member changed.
    MemberRoleUpdate = 12,
    /// Member moved or disconnected from voice.
    MemberVoiceMove = 13,
    /// Role created.
    RoleCreate = 14,
    /// Role changed.
    RoleUpdate = 15,
    /// Role deleted.
    RoleDelete = 16,
    /// Invite created.
    InviteCreate = 17,
    /// Invite revoked.
    InviteDelete = 18,
    /// A moderator deleted someone's message.
    MessageDelete = 19,
    /// Message pinned.
    MessagePin = 20,
    /// Message unpinned.
    MessageUnpin = 21,
    /// A bot was added to the server.
    BotAdd = 22,
}

impl AuditAction {
    /// Every action, in value order.
    pub const ALL: [Self; 22] = [
        Self::ServerUpdate,
        Self::OwnershipTransfer,
        Self::ChannelCreate,
        Self::ChannelUpdate,
        Self::ChannelDelete,
        Self::ChannelOverwriteUpdate,
        Self::ChannelOverwriteDelete,
        Self::MemberKick,
        Self::MemberBanAdd,
        Self::MemberBanRemove,
        Self::MemberUpdate,
        Self::MemberRoleUpdate,
        Self::MemberVoiceMove,
        Self::RoleCreate,
        Self::RoleUpdate,
        Self::RoleDelete,
        Self::InviteCreate,
        Self::InviteDelete,
        Self::MessageDelete,
        Self::MessagePin,
        Self::MessageUnpin,
        Self::BotAdd,
    ];

    /// The action with this API/stored value, if any.
    pub fn from_value(v: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|a| *a as i64 == v)
    }
}

/// Instance administration actions, recorded in the instance's own audit log
/// (`admin_audit_log`), which outlives the servers it mentions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type)]
#[repr(i64)]
pub enum AdminAction {
    /// An account's flags changed (disabled, admin, verified).
    UserUpdate = 1,
    /// An account was deleted.
    UserDelete = 2,
    /// A server was deleted by an admin.
    ServerDelete = 3,
    /// The instance settings changed (the changes name the fields, never their values).
    SettingsUpdate = 4,
    /// An instance invite code was created.
    InviteCreate = 5,
    /// An instance invite code was revoked.
    InviteRevoke = 6,
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn audit_actions_round_trip_their_values() {
        for (i, a) in AuditAction::ALL.into_iter().enumerate() {
            assert_eq!(a as i64, i as i64 + 1);
            assert_eq!(AuditAction::from_value(a as i64), Some(a));
        }
        assert_eq!(AuditAction::from_value(0), None);
        assert_eq!(AuditAction::from_value(23), None);
    }
}
