//! Permission flags and Discord's permission-resolution algorithm.
//!
//! Everything here is pure (no I/O, no async) so that the rules deciding who
//! may do what live in one place and can be tested exhaustively. Services load
//! the member, roles and channel overwrites from storage, then ask this module.

use bitflags::bitflags;

use crate::model::ChannelKind;

bitflags! {
    /// A set of permissions, as carried on the wire (`u64`).
    ///
    /// Each flag's bit position is part of the API contract and must never
    /// change: clients store and send the raw integer. Bit 0 and bits 18–19,
    /// 29–63 are unassigned; use [`Permissions::from_wire`] to drop them when
    /// reading untrusted input.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct Permissions: u64 {
        /// Remove members from the server.
        const KICK_MEMBERS = 1 << 1;
        /// Ban members from the server.
        const BAN_MEMBERS = 1 << 2;
        /// Every permission, bypassing channel overwrites.
        const ADMINISTRATOR = 1 << 3;
        /// Create, edit and delete channels and their overwrites.
        const MANAGE_CHANNELS = 1 << 4;
        /// Edit server settings (name, icon, ...).
        const MANAGE_SERVER = 1 << 5;
        /// React to messages.
        const ADD_REACTIONS = 1 << 6;
        /// Read the server's audit log.
        const VIEW_AUDIT_LOG = 1 << 7;
        /// Be heard over other speakers in voice.
        const PRIORITY_SPEAKER = 1 << 8;
        /// Share a screen or camera stream in voice.
        const STREAM = 1 << 9;
        /// See the channel at all; without it a member has nothing in it.
        const VIEW_CHANNEL = 1 << 10;
        /// Post messages.
        const SEND_MESSAGES = 1 << 11;
        /// Create invites to the server.
        const CREATE_INVITE = 1 << 12;
        /// Delete or pin other members' messages.
        const MANAGE_MESSAGES = 1 << 13;
        /// Have links in messages expanded into embeds.
        const EMBED_LINKS = 1 << 14;
        /// Upload files.
        const ATTACH_FILES = 1 << 15;
        /// Read messages sent before joining the channel view.
        const READ_MESSAGE_HISTORY = 1 << 16;
        /// Ping @everyone / @here.
        const MENTION_EVERYONE = 1 << 17;
        /// Join a voice channel.
        const CONNECT = 1 << 20;
        /// Talk in a voice channel.
        const SPEAK = 1 << 21;
        /// Server-mute others in voice.
        const MUTE_MEMBERS = 1 << 22;
        /// Server-deafen others in voice.
        const DEAFEN_MEMBERS = 1 << 23;
        /// Move others between voice channels.
        const MOVE_MEMBERS = 1 << 24;
        /// Talk without push-to-talk.
        const USE_VOICE_ACTIVITY = 1 << 25;
        /// Change one's own nickname.
        const CHANGE_NICKNAME = 1 << 26;
        /// Change other members' nicknames.
        const MANAGE_NICKNAMES = 1 << 27;
        /// Create, edit and assign roles below one's own.
        const MANAGE_ROLES = 1 << 28;
    }
}

impl Permissions {
    /// What the @everyone role gets in a new server: enough to take part in
    /// text and voice, nothing that moderates or administers.
    pub const DEFAULT_EVERYONE: Self = Self::VIEW_CHANNEL
        .union(Self::SEND_MESSAGES)
        .union(Self::READ_MESSAGE_HISTORY)
        .union(Self::ADD_REACTIONS)
        .union(Self::EMBED_LINKS)
        .union(Self::ATTACH_FILES)
        .union(Self::CREATE_INVITE)
        .union(Self::CHANGE_NICKNAME)
        .union(Self::CONNECT)
        .union(Self::SPEAK)
        .union(Self::USE_VOICE_ACTIVITY)
        .union(Self::STREAM);

    /// Permissions that only mean something inside a voice channel; they are
    /// all lost in a voice channel the member cannot `CONNECT` to.
    pub const VOICE_ONLY: Self = Self::CONNECT
        .union(Self::SPEAK)
        .union(Self::MUTE_MEMBERS)
        .union(Self::DEAFEN_MEMBERS)
        .union(Self::MOVE_MEMBERS)
        .union(Self::USE_VOICE_ACTIVITY)
        .union(Self::PRIORITY_SPEAKER)
        .union(Self::STREAM);

    /// Permissions that only concern messages, e.g. to hide irrelevant
    /// toggles when editing a voice-only channel.
    pub const TEXT_ONLY: Self = Self::SEND_MESSAGES
        .union(Self::MANAGE_MESSAGES)
        .union(Self::ADD_REACTIONS)
        .union(Self::EMBED_LINKS)
        .union(Self::ATTACH_FILES)
        .union(Self::READ_MESSAGE_HISTORY)
        .union(Self::MENTION_EVERYONE);

    /// Parses a permission integer from a client or the database, dropping
    /// unassigned bits so they can never be stored or echoed back.
    #[must_use]
    pub const fn from_wire(bits: u64) -> Self {
        Self::from_bits_truncate(bits)
    }

    /// The integer sent to clients and stored in the database.
    #[must_use]
    pub const fn to_wire(self) -> u64 {
        self.bits()
    }
}

/// Whom a channel overwrite applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverwriteTarget {
    /// Everyone holding this role; `Role(server_id)` is the @everyone overwrite.
    Role(i64),
    /// One specific member (user id).
    Member(i64),
}

/// A per-channel adjustment of permissions for one role or member.
///
/// `ADMINISTRATOR` in `allow` or `deny` is ignored: a channel must not be
/// able to hand out, or take away, server-wide administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Overwrite {
    /// Who the overwrite applies to.
    pub target: OverwriteTarget,
    /// Permissions granted in this channel.
    pub allow: Permissions,
    /// Permissions removed in this channel (applied before `allow`).
    pub deny: Permissions,
}

/// One role a member holds, with the permissions that role grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleGrant {
    /// The role's id.
    pub role_id: i64,
    /// The server-wide permissions of the role.
    pub permissions: Permissions,
}

/// What the server knows about one member: ids are i64 (snowflakes).
/// The @everyone role's id == `server_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberContext<'a> {
    /// The server, also the id of its @everyone role.
    pub server_id: i64,
    /// The server owner's user id; the owner always has every permission.
    pub owner_id: i64,
    /// The member whose permissions are being computed.
    pub user_id: i64,
    /// Permissions of the @everyone role.
    pub everyone: Permissions,
    /// The roles the member holds (other than @everyone; including it is harmless).
    pub roles: &'a [RoleGrant],
}

impl MemberContext<'_> {
    /// Whether the member holds `role_id` (linear scan: members hold few roles).
    fn has_role(&self, role_id: i64) -> bool {
        self.roles.iter().any(|r| r.role_id == role_id)
    }
}

/// The member's server-wide permissions, before any channel overwrite.
///
/// Owner → everything; otherwise @everyone OR all held roles, and
/// `ADMINISTRATOR` among them expands to everything.
#[must_use]
pub fn base_permissions(m: &MemberContext) -> Permissions {
    if m.user_id == m.owner_id {
        return Permissions::all();
    }
    let base = m
        .roles
        .iter()
        .fold(m.everyone, |acc, r| acc | r.permissions);
    if base.contains(Permissions::ADMINISTRATOR) {
        Permissions::all()
    } else {
        base
    }
}

/// Applies one combined (allow, deny) pair: deny first, then allow, so an
/// allow at the same level wins over a deny.
fn apply(perms: Permissions, allow: Permissions, deny: Permissions) -> Permissions {
    (perms & !deny) | allow
}

/// The member's effective permissions in one channel (Discord's algorithm).
///
/// Order: base → @everyone overwrite → all held roles' overwrites OR-ed
/// together (so any role's allow beats any role's deny) → the member's own
/// overwrite. Overwrites for roles the member lacks or for other members are
/// ignored; several overwrites for the same target are OR-ed together, so the
/// result never depends on their order. Then no `VIEW_CHANNEL` → nothing, and
/// in a voice channel no `CONNECT` → no [`Permissions::VOICE_ONLY`] bit (elsewhere voice
/// bits are left as computed, as Discord does; categories and DMs resolve like text).
/// The owner and administrators get everything, whatever the overwrites say.
#[must_use]
pub fn channel_permissions(
    m: &MemberContext,
    kind: ChannelKind,
    overwrites: &[Overwrite],
) -> Permissions {
    let base = base_permissions(m);
    if base.contains(Permissions::ADMINISTRATOR) {
        return Permissions::all();
    }

    let empty = (Permissions::empty(), Permissions::empty());
    let (mut everyone, mut roles, mut member) = (empty, empty, empty);
    for ow in overwrites {
        // The @everyone arm must come first: a `roles` list that also names
        // the @everyone role must not turn its overwrite into a role one.
        let slot = match ow.target {
            OverwriteTarget::Role(id) if id == m.server_id => &mut everyone,
            OverwriteTarget::Role(id) if m.has_role(id) => &mut roles,
            OverwriteTarget::Member(id) if id == m.user_id => &mut member,
            OverwriteTarget::Role(_) | OverwriteTarget::Member(_) => continue,
        };
        slot.0 |= ow.allow - Permissions::ADMINISTRATOR;
        slot.1 |= ow.deny - Permissions::ADMINISTRATOR;
    }

    let mut perms = base;
    for (allow, deny) in [everyone, roles, member] {
        perms = apply(perms, allow, deny);
    }

    if !perms.contains(Permissions::VIEW_CHANNEL) {
        return Permissions::empty();
    }
    if kind == ChannelKind::Voice && !perms.contains(Permissions::CONNECT) {
        perms -= Permissions::VOICE_ONLY;
    }
    perms
}

/// Whether a member whose highest role sits at `actor_top_position` may act
/// on (kick, ban, edit roles of) a member at `target_top_position`.
///
/// The owner manages everyone, no one manages the owner (not even the owner
/// themself); otherwise the actor's position must be strictly greater, so
/// peers cannot moderate each other.
#[must_use]
pub fn can_manage(
    actor_top_position: i64,
    target_top_position: i64,
    actor_is_owner: bool,
    target_is_owner: bool,
) -> bool {
    if target_is_owner {
        return false;
    }
    actor_is_owner || actor_top_position > target_top_position
}

/// Whether a member holding `actor` may grant `requested` (to a role or an
/// overwrite): nobody can hand out a permission they lack, except
/// administrators, who already hold everything.
#[must_use]
pub fn can_grant(actor: Permissions, requested: Permissions) -> bool {
    actor.contains(Permissions::ADMINISTRATOR) || actor.contains(requested)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type P = Permissions;

    const SERVER: i64 = 100;
    const OWNER: i64 = 1;
    const USER: i64 = 2;
    const OTHER: i64 = 3;
    const ROLE_A: i64 = 10;
    const ROLE_B: i64 = 11;
    const ROLE_UNHELD: i64 = 12;

    const DEFAULT: P = P::DEFAULT_EVERYONE;

    fn ow(target: OverwriteTarget, allow: P, deny: P) -> Overwrite {
        Overwrite {
            target,
            allow,
            deny,
        }
    }

    fn everyone_ow(allow: P, deny: P) -> Overwrite {
        ow(OverwriteTarget::Role(SERVER), allow, deny)
    }

    fn role_ow(role: i64, allow: P, deny: P) -> Overwrite {
        ow(OverwriteTarget::Role(role), allow, deny)
    }

    fn member_ow(user: i64, allow: P, deny: P) -> Overwrite {
        ow(OverwriteTarget::Member(user), allow, deny)
    }

    fn grant(role_id: i64, permissions: P) -> RoleGrant {
        RoleGrant {
            role_id,
            permissions,
        }
    }

    /// Roles A and B, granting nothing extra: only their overwrites matter.
    fn plain_roles() -> Vec<RoleGrant> {
        vec![grant(ROLE_A, P::empty()), grant(ROLE_B, P::empty())]
    }

    fn ctx(user_id: i64, everyone: P, roles: &[RoleGrant]) -> MemberContext<'_> {
        MemberContext {
            server_id: SERVER,
            owner_id: OWNER,
            user_id,
            everyone,
            roles,
        }
    }

    #[test]
    fn flag_bit_positions_match_the_wire_contract() {
        let table: &[(&str, P, u32)] = &[
            ("KICK_MEMBERS", P::KICK_MEMBERS, 1),
            ("BAN_MEMBERS", P::BAN_MEMBERS, 2),
            ("ADMINISTRATOR", P::ADMINISTRATOR, 3),
            ("MANAGE_CHANNELS", P::MANAGE_CHANNELS, 4),
            ("MANAGE_SERVER", P::MANAGE_SERVER, 5),
            ("ADD_REACTIONS", P::ADD_REACTIONS, 6),
            ("VIEW_AUDIT_LOG", P::VIEW_AUDIT_LOG, 7),
            ("PRIORITY_SPEAKER", P::PRIORITY_SPEAKER, 8),
            ("STREAM", P::STREAM, 9),
            ("VIEW_CHANNEL", P::VIEW_CHANNEL, 10),
            ("SEND_MESSAGES", P::SEND_MESSAGES, 11),
            ("CREATE_INVITE", P::CREATE_INVITE, 12),
            ("MANAGE_MESSAGES", P::MANAGE_MESSAGES, 13),
            ("EMBED_LINKS", P::EMBED_LINKS, 14),
            ("ATTACH_FILES", P::ATTACH_FILES, 15),
            ("READ_MESSAGE_HISTORY", P::READ_MESSAGE_HISTORY, 16),
            ("MENTION_EVERYONE", P::MENTION_EVERYONE, 17),
            ("CONNECT", P::CONNECT, 20),
            ("SPEAK", P::SPEAK, 21),
            ("MUTE_MEMBERS", P::MUTE_MEMBERS, 22),
            ("DEAFEN_MEMBERS", P::DEAFEN_MEMBERS, 23),
            ("MOVE_MEMBERS", P::MOVE_MEMBERS, 24),
            ("USE_VOICE_ACTIVITY", P::USE_VOICE_ACTIVITY, 25),
            ("CHANGE_NICKNAME", P::CHANGE_NICKNAME, 26),
            ("MANAGE_NICKNAMES", P::MANAGE_NICKNAMES, 27),
            ("MANAGE_ROLES", P::MANAGE_ROLES, 28),
        ];
        let mut union = 0u64;
        for (name, flag, pos) in table {
            assert_eq!(flag.bits(), 1u64 << pos, "{name}");
            let by_name = P::from_name(name).map(|p| p.bits());
            assert_eq!(by_name, Some(1u64 << pos), "{name} by name");
            union |= 1u64 << pos;
        }
        assert_eq!(P::all().bits(), union, "all() is exactly the listed flags");
        assert_eq!(P::all().iter().count(), table.len(), "no extra flags");
    }

    #[test]
    fn named_sets() {
        let table: &[(&str, P, P)] = &[
            (
                "DEFAULT_EVERYONE",
                P::DEFAULT_EVERYONE,
                P::VIEW_CHANNEL
                    | P::SEND_MESSAGES
                    | P::READ_MESSAGE_HISTORY
                    | P::ADD_REACTIONS
                    | P::EMBED_LINKS
                    | P::ATTACH_FILES
                    | P::CREATE_INVITE
                    | P::CHANGE_NICKNAME
                    | P::CONNECT
                    | P::SPEAK
                    | P::USE_VOICE_ACTIVITY
                    | P::STREAM,
            ),
            (
                "VOICE_ONLY",
                P::VOICE_ONLY,
                P::CONNECT
                    | P::SPEAK
                    | P::MUTE_MEMBERS
                    | P::DEAFEN_MEMBERS
                    | P::MOVE_MEMBERS
                    | P::USE_VOICE_ACTIVITY
                    | P::PRIORITY_SPEAKER
                    | P::STREAM,
            ),
            (
                "TEXT_ONLY",
                P::TEXT_ONLY,
                P::SEND_MESSAGES
                    | P::MANAGE_MESSAGES
                    | P::ADD_REACTIONS
                    | P::EMBED_LINKS
                    | P::ATTACH_FILES
                    | P::READ_MESSAGE_HISTORY
                    | P::MENTION_EVERYONE,
            ),
            (
                "voice and text sets are disjoint",
                P::VOICE_ONLY & P::TEXT_ONLY,
                P::empty(),
            ),
            (
                "@everyone default holds nothing moderating",
                P::DEFAULT_EVERYONE
                    & (P::ADMINISTRATOR
                        | P::KICK_MEMBERS
                        | P::BAN_MEMBERS
                        | P::MANAGE_MESSAGES
                        | P::MANAGE_ROLES
                        | P::MENTION_EVERYONE),
                P::empty(),
            ),
        ];
        for (name, got, expected) in table {
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn from_wire_drops_unknown_bits() {
        let table: &[(&str, u64, P)] = &[
            ("zero", 0, P::empty()),
            ("bit 0 is unassigned", 1, P::empty()),
            ("bit 18 is unassigned", 1 << 18, P::empty()),
            ("bit 19 is unassigned", 1 << 19, P::empty()),
            ("bit 29 is unassigned", 1 << 29, P::empty()),
            ("bit 63 is unassigned", 1 << 63, P::empty()),
            ("every bit set → all known flags", u64::MAX, P::all()),
            ("known bit kept", 1 << 11, P::SEND_MESSAGES),
            (
                "known bit kept, unknown dropped",
                (1 << 11) | 1 | (1 << 40),
                P::SEND_MESSAGES,
            ),
            ("round trip of a real set", DEFAULT.bits(), DEFAULT),
        ];
        for (name, wire, expected) in table {
            let got = P::from_wire(*wire);
            assert_eq!(got, *expected, "{name}");
            assert_eq!(got.to_wire(), expected.bits(), "{name} (to_wire)");
        }
    }

    #[test]
    fn base_permissions_table() {
        struct Row {
            name: &'static str,
            user: i64,
            everyone: P,
            roles: Vec<RoleGrant>,
            expected: P,
        }
        let rows = vec![
            Row {
                name: "owner gets everything even with nothing granted",
                user: OWNER,
                everyone: P::empty(),
                roles: vec![],
                expected: P::all(),
            },
            Row {
                name: "no roles → @everyone",
                user: USER,
                everyone: DEFAULT,
                roles: vec![],
                expected: DEFAULT,
            },
            Row {
                name: "@everyone OR every held role",
                user: USER,
                everyone: DEFAULT,
                roles: vec![
                    grant(ROLE_A, P::MANAGE_MESSAGES),
                    grant(ROLE_B, P::KICK_MEMBERS),
                ],
                expected: DEFAULT | P::MANAGE_MESSAGES | P::KICK_MEMBERS,
            },
            Row {
                name: "ADMINISTRATOR via a role → everything",
                user: USER,
                everyone: DEFAULT,
                roles: vec![grant(ROLE_A, P::ADMINISTRATOR)],
                expected: P::all(),
            },
            Row {
                name: "ADMINISTRATOR via @everyone → everything",
                user: USER,
                everyone: P::ADMINISTRATOR,
                roles: vec![],
                expected: P::all(),
            },
        ];
        for row in rows {
            let m = ctx(row.user, row.everyone, &row.roles);
            assert_eq!(base_permissions(&m), row.expected, "{}", row.name);
        }
    }

    #[test]
    fn channel_permissions_table() {
        struct Row {
            name: &'static str,
            user: i64,
            everyone: P,
            roles: Vec<RoleGrant>,
            kind: ChannelKind,
            overwrites: Vec<Overwrite>,
            expected: P,
        }
        use ChannelKind::{Category, Text, Voice};
        let rows = vec![
            Row {
                name: "owner ignores every overwrite",
                user: OWNER,
                everyone: DEFAULT,
                roles: vec![],
                kind: Text,
                overwrites: vec![
                    everyone_ow(P::empty(), P::all()),
                    member_ow(OWNER, P::empty(), P::all()),
                ],
                expected: P::all(),
            },
            Row {
                name: "admin via role gets everything",
                user: USER,
                everyone: DEFAULT,
                roles: vec![grant(ROLE_A, P::ADMINISTRATOR)],
                kind: Voice,
                overwrites: vec![],
                expected: P::all(),
            },
            Row {
                name: "admin ignores channel denies",
                user: USER,
                everyone: DEFAULT,
                roles: vec![grant(ROLE_A, P::ADMINISTRATOR)],
                kind: Text,
                overwrites: vec![
                    everyone_ow(P::empty(), P::all()),
                    role_ow(ROLE_A, P::empty(), P::all()),
                    member_ow(USER, P::empty(), P::all()),
                ],
                expected: P::all(),
            },
            Row {
                name: "no overwrites → base",
                user: USER,
                everyone: DEFAULT,
                roles: vec![grant(ROLE_A, P::MANAGE_MESSAGES)],
                kind: Text,
                overwrites: vec![],
                expected: DEFAULT | P::MANAGE_MESSAGES,
            },
            Row {
                name: "@everyone overwrite deny",
                user: USER,
                everyone: DEFAULT,
                roles: vec![],
                kind: Text,
                overwrites: vec![everyone_ow(P::empty(), P::SEND_MESSAGES)],
                expected: DEFAULT - P::SEND_MESSAGES,
            },
            Row {
                name: "@everyone overwrite allow",
                user: USER,
                everyone: DEFAULT,
                roles: vec![],
                kind: Text,
                overwrites: vec![everyone_ow(P::MENTION_EVERYONE, P::empty())],
                expected: DEFAULT | P::MENTION_EVERYONE,
            },
            Row {
                name: "@everyone overwrite: allow wins over deny on the same bit",
                user: USER,
                everyone: DEFAULT,
                roles: vec![],
                kind: Text,
                overwrites: vec![everyone_ow(P::SEND_MESSAGES, P::SEND_MESSAGES)],
                expected: DEFAULT,
            },
            Row {
                name: "role overwrite deny",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Text,
                overwrites: vec![role_ow(ROLE_A, P::empty(), P::ATTACH_FILES)],
                expected: DEFAULT - P::ATTACH_FILES,
            },
            Row {
                name: "role overwrite allow beats @everyone overwrite deny",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Text,
                overwrites: vec![
                    everyone_ow(P::empty(), P::SEND_MESSAGES),
                    role_ow(ROLE_A, P::SEND_MESSAGES, P::empty()),
                ],
                expected: DEFAULT,
            },
            Row {
                name: "role overwrite deny beats @everyone overwrite allow",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Text,
                overwrites: vec![
                    everyone_ow(P::MENTION_EVERYONE, P::empty()),
                    role_ow(ROLE_A, P::empty(), P::MENTION_EVERYONE),
                ],
                expected: DEFAULT,
            },
            Row {
                name: "one role's allow beats another role's deny on the same bit",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Text,
                overwrites: vec![
                    role_ow(ROLE_B, P::SEND_MESSAGES, P::empty()),
                    role_ow(ROLE_A, P::empty(), P::SEND_MESSAGES),
                ],
                expected: DEFAULT,
            },
            Row {
                name: "member overwrite deny beats role overwrite allow",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Text,
                overwrites: vec![
                    role_ow(ROLE_A, P::MENTION_EVERYONE, P::empty()),
                    member_ow(USER, P::empty(), P::MENTION_EVERYONE),
                ],
                expected: DEFAULT,
            },
            Row {
                name: "member overwrite allow beats role overwrite deny",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Text,
                overwrites: vec![
                    role_ow(ROLE_A, P::empty(), P::EMBED_LINKS),
                    member_ow(USER, P::EMBED_LINKS, P::empty()),
                ],
                expected: DEFAULT,
            },
            Row {
                name: "overwrite for a role the member lacks is ignored",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Text,
                overwrites: vec![role_ow(ROLE_UNHELD, P::MANAGE_MESSAGES, P::all())],
                expected: DEFAULT,
            },
            Row {
                name: "overwrite for another member is ignored",
                user: USER,
                everyone: DEFAULT,
                roles: vec![],
                kind: Text,
                overwrites: vec![member_ow(OTHER, P::MANAGE_MESSAGES, P::all())],
                expected: DEFAULT,
            },
            Row {
                name: "holding the @everyone role id does not reapply its overwrite as a role one",
                user: USER,
                everyone: DEFAULT,
                roles: vec![grant(SERVER, DEFAULT), grant(ROLE_A, P::empty())],
                kind: Text,
                overwrites: vec![
                    everyone_ow(P::SEND_MESSAGES, P::empty()),
                    role_ow(ROLE_A, P::empty(), P::SEND_MESSAGES),
                ],
                expected: DEFAULT - P::SEND_MESSAGES,
            },
            Row {
                name: "duplicate overwrites for one target are merged (allow wins)",
                user: USER,
                everyone: DEFAULT,
                roles: vec![],
                kind: Text,
                overwrites: vec![
                    everyone_ow(P::empty(), P::SEND_MESSAGES),
                    member_ow(USER, P::SEND_MESSAGES, P::empty()),
                    member_ow(USER, P::empty(), P::SEND_MESSAGES),
                ],
                expected: DEFAULT,
            },
            Row {
                name: "overwrites cannot grant ADMINISTRATOR",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Text,
                overwrites: vec![
                    everyone_ow(P::ADMINISTRATOR, P::empty()),
                    role_ow(ROLE_A, P::ADMINISTRATOR, P::empty()),
                    member_ow(USER, P::ADMINISTRATOR, P::empty()),
                ],
                expected: DEFAULT,
            },
            Row {
                name: "VIEW_CHANNEL denied by @everyone → nothing",
                user: USER,
                everyone: DEFAULT,
                roles: vec![grant(ROLE_A, P::MANAGE_MESSAGES)],
                kind: Text,
                overwrites: vec![everyone_ow(P::empty(), P::VIEW_CHANNEL)],
                expected: P::empty(),
            },
            Row {
                name: "VIEW_CHANNEL denied by @everyone, allowed by a role → visible",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Text,
                overwrites: vec![
                    everyone_ow(P::empty(), P::VIEW_CHANNEL),
                    role_ow(ROLE_B, P::VIEW_CHANNEL, P::empty()),
                ],
                expected: DEFAULT,
            },
            Row {
                name: "VIEW_CHANNEL never granted → nothing, even SEND",
                user: USER,
                everyone: P::SEND_MESSAGES | P::CONNECT,
                roles: vec![],
                kind: Text,
                overwrites: vec![],
                expected: P::empty(),
            },
            Row {
                name: "VIEW_CHANNEL denied on the member → nothing",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Voice,
                overwrites: vec![
                    role_ow(ROLE_A, P::VIEW_CHANNEL, P::empty()),
                    member_ow(USER, P::empty(), P::VIEW_CHANNEL),
                ],
                expected: P::empty(),
            },
            Row {
                name: "voice without CONNECT loses every voice permission",
                user: USER,
                everyone: DEFAULT,
                roles: vec![grant(ROLE_A, P::MUTE_MEMBERS | P::PRIORITY_SPEAKER)],
                kind: Voice,
                overwrites: vec![everyone_ow(P::empty(), P::CONNECT)],
                expected: DEFAULT - P::VOICE_ONLY,
            },
            Row {
                name: "voice with CONNECT keeps voice permissions",
                user: USER,
                everyone: DEFAULT,
                roles: vec![grant(ROLE_A, P::MUTE_MEMBERS)],
                kind: Voice,
                overwrites: vec![],
                expected: DEFAULT | P::MUTE_MEMBERS,
            },
            Row {
                name: "voice: CONNECT re-allowed by a role overwrite keeps SPEAK",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Voice,
                overwrites: vec![
                    everyone_ow(P::empty(), P::CONNECT),
                    role_ow(ROLE_A, P::CONNECT, P::empty()),
                ],
                expected: DEFAULT,
            },
            Row {
                name: "text channel keeps voice bits without CONNECT (documented choice)",
                user: USER,
                everyone: DEFAULT,
                roles: vec![],
                kind: Text,
                overwrites: vec![everyone_ow(P::empty(), P::CONNECT)],
                expected: DEFAULT - P::CONNECT,
            },
            Row {
                name: "category resolves overwrites like text",
                user: USER,
                everyone: DEFAULT,
                roles: plain_roles(),
                kind: Category,
                overwrites: vec![
                    everyone_ow(P::empty(), P::SEND_MESSAGES | P::CONNECT),
                    role_ow(ROLE_A, P::MANAGE_CHANNELS, P::empty()),
                ],
                expected: (DEFAULT - P::SEND_MESSAGES - P::CONNECT) | P::MANAGE_CHANNELS,
            },
            Row {
                name: "category without VIEW_CHANNEL → nothing",
                user: USER,
                everyone: DEFAULT,
                roles: vec![],
                kind: Category,
                overwrites: vec![everyone_ow(P::empty(), P::VIEW_CHANNEL)],
                expected: P::empty(),
            },
        ];
        for row in rows {
            let m = ctx(row.user, row.everyone, &row.roles);
            let got = channel_permissions(&m, row.kind, &row.overwrites);
            assert_eq!(got, row.expected, "{}", row.name);
        }
    }

    #[test]
    fn can_manage_table() {
        // (name, actor position, target position, actor owner, target owner, expected)
        let table: &[(&str, i64, i64, bool, bool, bool)] = &[
            ("higher manages lower", 5, 3, false, false, true),
            (
                "equal positions cannot manage each other",
                4,
                4,
                false,
                false,
                false,
            ),
            ("lower cannot manage higher", 2, 3, false, false, false),
            (
                "owner manages a higher-ranked member",
                0,
                9,
                true,
                false,
                true,
            ),
            ("no one manages the owner", 9, 0, false, true, false),
            ("owner cannot manage themself", 0, 0, true, true, false),
        ];
        for (name, actor, target, actor_owner, target_owner, expected) in table {
            assert_eq!(
                can_manage(*actor, *target, *actor_owner, *target_owner),
                *expected,
                "{name}"
            );
        }
    }

    #[test]
    fn can_grant_table() {
        let table: &[(&str, P, P, bool)] = &[
            ("nothing is always grantable", P::empty(), P::empty(), true),
            ("held permission", DEFAULT, P::SEND_MESSAGES, true),
            ("lacked permission", DEFAULT, P::KICK_MEMBERS, false),
            (
                "partially held set is refused",
                P::SEND_MESSAGES,
                P::SEND_MESSAGES | P::KICK_MEMBERS,
                false,
            ),
            (
                "cannot grant ADMINISTRATOR without it",
                P::all() - P::ADMINISTRATOR,
                P::ADMINISTRATOR,
                false,
            ),
            (
                "ADMINISTRATOR grants anything",
                P::ADMINISTRATOR,
                P::all(),
                true,
            ),
        ];
        for (name, actor, requested, expected) in table {
            assert_eq!(can_grant(*actor, *requested), *expected, "{name}");
        }
    }

    // ----- property tests -----

    const ROLE_IDS: [i64; 4] = [ROLE_A, ROLE_B, ROLE_UNHELD, 13];

    fn arb_perms() -> impl Strategy<Value = P> {
        any::<u64>().prop_map(P::from_wire)
    }

    fn arb_non_admin_perms() -> impl Strategy<Value = P> {
        arb_perms().prop_map(|p| p - P::ADMINISTRATOR)
    }

    fn arb_kind() -> impl Strategy<Value = ChannelKind> {
        prop_oneof![
            Just(ChannelKind::Text),
            Just(ChannelKind::Voice),
            Just(ChannelKind::Category),
        ]
    }

    fn arb_target() -> impl Strategy<Value = OverwriteTarget> {
        prop_oneof![
            Just(OverwriteTarget::Role(SERVER)),
            proptest::sample::select(ROLE_IDS.to_vec()).prop_map(OverwriteTarget::Role),
            Just(OverwriteTarget::Member(USER)),
            Just(OverwriteTarget::Member(OTHER)),
            Just(OverwriteTarget::Member(OWNER)),
        ]
    }

    fn arb_overwrites() -> impl Strategy<Value = Vec<Overwrite>> {
        proptest::collection::vec(
            (arb_target(), arb_perms(), arb_perms()).prop_map(|(target, allow, deny)| Overwrite {
                target,
                allow,
                deny,
            }),
            0..8,
        )
    }

    /// Non-admin roles drawn from `ROLE_IDS` (and sometimes the @everyone id).
    fn arb_roles() -> impl Strategy<Value = Vec<RoleGrant>> {
        proptest::collection::vec(
            (
                proptest::sample::select(vec![ROLE_A, ROLE_B, 13, SERVER]),
                arb_non_admin_perms(),
            )
                .prop_map(|(role_id, permissions)| RoleGrant {
                    role_id,
                    permissions,
                }),
            0..4,
        )
    }

    /// Everything a member can receive from `overwrites` in a given context:
    /// the base plus every allow that targets them.
    fn reachable(m: &MemberContext, overwrites: &[Overwrite]) -> P {
        overwrites
            .iter()
            .filter(|o| match o.target {
                OverwriteTarget::Role(id) => {
                    id == m.server_id || m.roles.iter().any(|r| r.role_id == id)
                }
                OverwriteTarget::Member(id) => id == m.user_id,
            })
            .fold(base_permissions(m), |acc, o| acc | o.allow)
    }

    proptest! {
        #[test]
        fn owner_always_has_everything(
            everyone in arb_perms(),
            roles in arb_roles(),
            kind in arb_kind(),
            overwrites in arb_overwrites(),
        ) {
            let m = ctx(OWNER, everyone, &roles);
            prop_assert_eq!(channel_permissions(&m, kind, &overwrites), P::all());
            prop_assert_eq!(base_permissions(&m), P::all());
        }

        #[test]
        fn administrator_always_has_everything(
            everyone in arb_non_admin_perms(),
            mut roles in arb_roles(),
            kind in arb_kind(),
            overwrites in arb_overwrites(),
        ) {
            roles.push(grant(ROLE_B, P::ADMINISTRATOR));
            let m = ctx(USER, everyone, &roles);
            prop_assert_eq!(channel_permissions(&m, kind, &overwrites), P::all());
        }

        #[test]
        fn no_view_channel_means_nothing(
            everyone in arb_perms(),
            roles in arb_roles(),
            kind in arb_kind(),
            overwrites in arb_overwrites(),
        ) {
            let m = ctx(USER, everyone, &roles);
            let got = channel_permissions(&m, kind, &overwrites);
            prop_assert!(got.contains(P::VIEW_CHANNEL) || got.is_empty(), "{got:?}");
        }

        #[test]
        fn voice_without_connect_has_no_voice_bits(
            everyone in arb_perms(),
            roles in arb_roles(),
            overwrites in arb_overwrites(),
        ) {
            let m = ctx(USER, everyone, &roles);
            let got = channel_permissions(&m, ChannelKind::Voice, &overwrites);
            prop_assert!(got.contains(P::CONNECT) || !got.intersects(P::VOICE_ONLY), "{got:?}");
        }

        #[test]
        fn member_allow_never_removes_a_permission(
            everyone in arb_perms(),
            roles in arb_roles(),
            kind in arb_kind(),
            mut overwrites in arb_overwrites(),
            extra in arb_perms(),
        ) {
            let m = ctx(USER, everyone, &roles);
            let before = channel_permissions(&m, kind, &overwrites);
            overwrites.push(member_ow(USER, extra, P::empty()));
            let after = channel_permissions(&m, kind, &overwrites);
            prop_assert!(after.contains(before), "before {before:?}, after {after:?}");
        }

        #[test]
        fn non_admin_result_is_within_base_and_relevant_allows(
            everyone in arb_non_admin_perms(),
            roles in arb_roles(),
            kind in arb_kind(),
            overwrites in arb_overwrites(),
        ) {
            let m = ctx(USER, everyone, &roles);
            let got = channel_permissions(&m, kind, &overwrites);
            let bound = reachable(&m, &overwrites) - P::ADMINISTRATOR;
            prop_assert!(bound.contains(got), "got {got:?}, bound {bound:?}");
        }

        #[test]
        fn result_is_independent_of_overwrite_order(
            everyone in arb_perms(),
            roles in arb_roles(),
            kind in arb_kind(),
            (overwrites, shuffled) in arb_overwrites()
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        ) {
            let m = ctx(USER, everyone, &roles);
            let first = channel_permissions(&m, kind, &overwrites);
            prop_assert_eq!(first, channel_permissions(&m, kind, &overwrites));
            prop_assert_eq!(first, channel_permissions(&m, kind, &shuffled));
        }

        #[test]
        fn irrelevant_overwrites_change_nothing(
            everyone in arb_perms(),
            roles in arb_roles(),
            kind in arb_kind(),
            overwrites in arb_overwrites(),
            allow in arb_perms(),
            deny in arb_perms(),
        ) {
            prop_assume!(roles.iter().all(|r| r.role_id != ROLE_UNHELD));
            let m = ctx(USER, everyone, &roles);
            let before = channel_permissions(&m, kind, &overwrites);
            let mut more = overwrites.clone();
            more.push(member_ow(OTHER, allow, deny));
            more.push(role_ow(ROLE_UNHELD, allow, deny));
            prop_assert_eq!(before, channel_permissions(&m, kind, &more));
        }

        #[test]
        fn from_wire_only_keeps_known_bits(bits in any::<u64>()) {
            let p = P::from_wire(bits);
            prop_assert_eq!(p.bits(), bits & P::all().bits());
            prop_assert_eq!(P::from_wire(p.to_wire()), p);
        }

        #[test]
        fn can_grant_matches_subset_rule(actor in arb_perms(), requested in arb_perms()) {
            let expected = actor.contains(P::ADMINISTRATOR) || actor.contains(requested);
            prop_assert_eq!(can_grant(actor, requested), expected);
            prop_assert!(can_grant(actor, actor));
            prop_assert!(can_grant(actor | P::ADMINISTRATOR, requested));
        }

        #[test]
        fn can_manage_is_never_mutual(
            a in any::<i64>(),
            b in any::<i64>(),
            a_owner in any::<bool>(),
            b_owner in any::<bool>(),
        ) {
            prop_assert!(!(can_manage(a, b, a_owner, b_owner) && can_manage(b, a, b_owner, a_owner)));
            prop_assert!(!can_manage(a, b, a_owner, true));
        }
    }
}
