//! Conversions between core types and protobuf messages.

use decentra_core::{
    model::{
        Attachment, Ban, Call, Channel, ChannelKind, IceServer, Invite, Member, MentionKind,
        Message, MessageKind, OverwriteKind, Presence, PresenceStatus, ReadState, Role, SdpKind,
        Server, ServerSnapshot, SignalPayload, VoiceSignal, VoiceState,
    },
    relationships::{Relationship, RelationshipKind},
    settings::{InstanceSettings, RegistrationMode, SmtpTlsMode},
    store::{AuditRecord, InstanceInviteRecord, OverwriteRecord},
    users::User,
};
use decentra_proto::v1 as pb;
use prost_types::Timestamp;

/// Unix milliseconds → protobuf timestamp.
pub fn timestamp(ms: i64) -> Timestamp {
    Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

pub fn user(u: User) -> pb::User {
    pb::User {
        id: u.id.to_string(),
        username: u.username,
        display_name: u.display_name,
        avatar_url: u.avatar_url,
        is_admin: u.is_admin,
        is_bot: u.is_bot,
        bio: u.bio,
        status_text: u.status_text,
        created_at: Some(timestamp(u.created_at_ms)),
        email: u.email.unwrap_or_default(),
        email_verified: u.email_verified,
        disabled: u.disabled,
        email_notifications: u.email_notifications,
    }
}

pub fn registration_mode(m: RegistrationMode) -> pb::RegistrationMode {
    match m {
        RegistrationMode::Open => pb::RegistrationMode::Open,
        RegistrationMode::InviteOnly => pb::RegistrationMode::InviteOnly,
        RegistrationMode::Closed => pb::RegistrationMode::Closed,
    }
}

/// Wire enum → core; UNSPECIFIED or unknown values are refused by the caller.
pub fn registration_mode_from(v: i32) -> Option<RegistrationMode> {
    match pb::RegistrationMode::try_from(v).ok()? {
        pb::RegistrationMode::Open => Some(RegistrationMode::Open),
        pb::RegistrationMode::InviteOnly => Some(RegistrationMode::InviteOnly),
        pb::RegistrationMode::Closed => Some(RegistrationMode::Closed),
        pb::RegistrationMode::Unspecified => None,
    }
}

pub fn tls_mode(m: SmtpTlsMode) -> pb::SmtpTlsMode {
    match m {
        SmtpTlsMode::Starttls => pb::SmtpTlsMode::Starttls,
        SmtpTlsMode::Tls => pb::SmtpTlsMode::Implicit,
        SmtpTlsMode::None => pb::SmtpTlsMode::None,
    }
}

pub fn tls_mode_from(v: i32) -> Option<SmtpTlsMode> {
    match pb::SmtpTlsMode::try_from(v).ok()? {
        pb::SmtpTlsMode::Starttls => Some(SmtpTlsMode::Starttls),
        pb::SmtpTlsMode::Implicit => Some(SmtpTlsMode::Tls),
        pb::SmtpTlsMode::None => Some(SmtpTlsMode::None),
        pb::SmtpTlsMode::Unspecified => None,
    }
}

pub fn settings(s: InstanceSettings) -> pb::InstanceSettings {
    pb::InstanceSettings {
        instance_name: s.instance_name,
        registration_mode: registration_mode(s.registration_mode).into(),
        require_email_verification: s.require_email_verification,
        max_upload_bytes: s.max_upload_bytes,
        max_message_length: s.max_message_length,
        max_servers_per_user: s.max_servers_per_user,
        max_members_per_server: s.max_members_per_server,
        max_channels_per_server: s.max_channels_per_server,
        max_roles_per_server: s.max_roles_per_server,
        max_group_dm_members: s.max_group_dm_members,
        max_bots_per_user: s.max_bots_per_user,
        message_rate_limit_per_minute: s.message_rate_limit_per_minute,
        smtp: Some(pb::SmtpSettings {
            enabled: s.smtp.enabled,
            host: s.smtp.host,
            port: u32::from(s.smtp.port),
            username: s.smtp.username,
            // Write-only: never sent back.
            password: String::new(),
            password_set: !s.smtp.password_sealed.is_empty() || !s.smtp.password.is_empty(),
            tls_mode: tls_mode(s.smtp.tls_mode).into(),
            from_address: s.smtp.from_address,
            from_name: s.smtp.from_name,
        }),
        instance_description: s.instance_description,
        voice: Some(pb::VoiceSettings {
            stun_urls: s.voice.stun_urls,
            turn_urls: s.voice.turn_urls,
            // Write-only: never sent back.
            turn_secret: String::new(),
            turn_secret_set: s.voice.turn_secret_set,
        }),
        email_notifications_enabled: s.email_notifications,
        email_notification_delay_minutes: s.email_notification_delay_minutes,
    }
}

pub fn voice_state(v: &VoiceState) -> pb::VoiceState {
    pb::VoiceState {
        user_id: v.user_id.to_string(),
        channel_id: v.channel_id.to_string(),
        server_id: v.server_id.map(|s| s.to_string()).unwrap_or_default(),
        self_mute: v.self_mute,
        self_deaf: v.self_deaf,
        server_mute: v.server_mute,
        server_deaf: v.server_deaf,
        self_stream: v.self_stream,
        joined_at: Some(timestamp(v.joined_at)),
    }
}

pub fn call(c: &Call) -> pb::Call {
    pb::Call {
        channel_id: c.channel_id.to_string(),
        initiator_id: c.initiator_id.to_string(),
        ringing_user_ids: c.ringing.iter().map(ToString::to_string).collect(),
        started_at: Some(timestamp(c.started_at)),
    }
}

pub fn ice_server(s: IceServer) -> pb::IceServer {
    pb::IceServer {
        urls: s.urls,
        username: s.username,
        credential: s.credential,
    }
}

pub fn voice_signal(s: &VoiceSignal) -> pb::VoiceSignal {
    use pb::voice_signal::Signal;
    pb::VoiceSignal {
        session_id: s.session_id.to_string(),
        from_user_id: s.from_user_id.to_string(),
        channel_id: s.channel_id.to_string(),
        signal: Some(match &s.payload {
            SignalPayload::Sdp { kind, sdp } => Signal::Sdp(pb::SessionDescription {
                r#type: match kind {
                    SdpKind::Offer => pb::SdpType::Offer,
                    SdpKind::Answer => pb::SdpType::Answer,
                    SdpKind::Pranswer => pb::SdpType::Pranswer,
                    SdpKind::Rollback => pb::SdpType::Rollback,
                }
                .into(),
                sdp: sdp.clone(),
            }),
            SignalPayload::Candidate {
                candidate,
                sdp_mid,
                sdp_mline_index,
                username_fragment,
            } => Signal::IceCandidate(pb::IceCandidate {
                candidate: candidate.clone(),
                sdp_mid: sdp_mid.clone(),
                sdp_mline_index: *sdp_mline_index,
                username_fragment: username_fragment.clone(),
            }),
        }),
    }
}

pub fn instance_invite(i: InstanceInviteRecord) -> pb::InstanceInvite {
    pb::InstanceInvite {
        code: i.code,
        created_by_id: i.created_by.map(|id| id.to_string()).unwrap_or_default(),
        max_uses: i.max_uses.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        uses: u32::try_from(i.uses).unwrap_or(u32::MAX),
        expires_at: i.expires_at.map(timestamp),
        revoked: i.revoked_at.is_some(),
        created_at: Some(timestamp(i.created_at)),
    }
}

fn id_str(id: Option<i64>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

pub fn server(s: &Server) -> pb::Server {
    pb::Server {
        id: s.id.to_string(),
        name: s.name.clone(),
        owner_id: s.owner_id.to_string(),
        icon_url: s.icon_url.clone(),
        description: s.description.clone(),
        member_count: u32::try_from(s.member_count).unwrap_or(u32::MAX),
        created_at: Some(timestamp(s.created_at)),
        system_channel_id: id_str(s.system_channel_id),
    }
}

pub fn role(r: &Role) -> pb::Role {
    pb::Role {
        id: r.id.to_string(),
        server_id: r.server_id.to_string(),
        name: r.name.clone(),
        permissions: r.permissions as u64,
        position: i32::try_from(r.position).unwrap_or(i32::MAX),
        color: u32::try_from(r.color).unwrap_or(0),
        hoist: r.hoist,
        mentionable: r.mentionable,
    }
}

pub fn channel_type(kind: ChannelKind) -> pb::ChannelType {
    match kind {
        ChannelKind::Text => pb::ChannelType::Text,
        ChannelKind::Voice => pb::ChannelType::Voice,
        ChannelKind::Category => pb::ChannelType::Category,
        ChannelKind::Dm => pb::ChannelType::Dm,
        ChannelKind::GroupDm => pb::ChannelType::GroupDm,
    }
}

pub fn channel_kind_from(v: i32) -> Option<ChannelKind> {
    match pb::ChannelType::try_from(v).ok()? {
        pb::ChannelType::Text => Some(ChannelKind::Text),
        pb::ChannelType::Voice => Some(ChannelKind::Voice),
        pb::ChannelType::Category => Some(ChannelKind::Category),
        _ => None,
    }
}

pub fn overwrite(o: &OverwriteRecord) -> pb::PermissionOverwrite {
    pb::PermissionOverwrite {
        target_id: o.target_id.to_string(),
        target_type: match o.target_kind {
            OverwriteKind::Role => pb::OverwriteTargetType::Role,
            OverwriteKind::Member => pb::OverwriteTargetType::Member,
        }
        .into(),
        allow: o.allow_bits as u64,
        deny: o.deny_bits as u64,
    }
}

pub fn channel(c: &Channel) -> pb::Channel {
    let r = &c.record;
    pb::Channel {
        id: r.id.to_string(),
        server_id: id_str(r.server_id),
        r#type: channel_type(r.kind).into(),
        name: r.name.clone(),
        parent_id: id_str(r.parent_id),
        position: i32::try_from(r.position).unwrap_or(i32::MAX),
        topic: r.topic.clone(),
        last_message_id: id_str(r.last_message_id),
        permission_overwrites: c.overwrites.iter().map(overwrite).collect(),
        recipients: c
            .recipients
            .iter()
            .cloned()
            .map(|u| user(u.public()))
            .collect(),
        owner_id: id_str(r.owner_id),
        icon_url: r.icon_url.clone(),
        user_limit: u32::try_from(r.user_limit).unwrap_or(0),
        bitrate: u32::try_from(r.bitrate).unwrap_or(0),
        rate_limit_per_user: u32::try_from(r.rate_limit_per_user).unwrap_or(0),
        created_at: Some(timestamp(r.created_at)),
        last_pin_at: r.last_pin_at.map(timestamp),
    }
}

pub fn member(m: &Member) -> pb::Member {
    pb::Member {
        user: Some(user(m.user.clone().public())),
        server_id: m.member.server_id.to_string(),
        nickname: m.member.nickname.clone(),
        role_ids: m.role_ids.iter().map(i64::to_string).collect(),
        joined_at: Some(timestamp(m.member.joined_at)),
        server_mute: m.member.server_mute,
        server_deaf: m.member.server_deaf,
    }
}

pub fn invite(i: &Invite) -> pb::Invite {
    pb::Invite {
        code: i.code.clone(),
        server_id: i.server_id.to_string(),
        channel_id: id_str(i.channel_id),
        inviter_id: id_str(i.inviter_id),
        max_uses: i.max_uses.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        uses: u32::try_from(i.uses).unwrap_or(u32::MAX),
        expires_at: i.expires_at.map(timestamp),
        created_at: Some(timestamp(i.created_at)),
        revoked: i.revoked_at.is_some(),
    }
}

pub fn ban(b: &Ban) -> pb::Ban {
    pb::Ban {
        server_id: b.record.server_id.to_string(),
        user: Some(user(b.user.clone().public())),
        reason: b.record.reason.clone(),
        banned_by_id: id_str(b.record.banned_by),
        created_at: Some(timestamp(b.record.created_at)),
    }
}

pub fn snapshot(s: &ServerSnapshot) -> pb::ServerSnapshot {
    pb::ServerSnapshot {
        server: Some(server(&s.server)),
        channels: s.channels.iter().map(channel).collect(),
        roles: s.roles.iter().map(role).collect(),
        self_member: s.member.as_ref().map(member),
        voice_states: s.voice_states.iter().map(voice_state).collect(),
        presences: s.presences.iter().map(presence).collect(),
    }
}

pub fn presence_status(s: PresenceStatus) -> pb::PresenceStatus {
    match s {
        PresenceStatus::Offline => pb::PresenceStatus::Offline,
        PresenceStatus::Online => pb::PresenceStatus::Online,
        PresenceStatus::Idle => pb::PresenceStatus::Idle,
        PresenceStatus::DoNotDisturb => pb::PresenceStatus::Dnd,
        PresenceStatus::Invisible => pb::PresenceStatus::Invisible,
    }
}

pub fn presence(p: &Presence) -> pb::Presence {
    pb::Presence {
        user_id: p.user_id.to_string(),
        status: presence_status(p.status).into(),
        status_text: p.status_text.clone(),
        updated_at: None,
    }
}

pub fn read_state(r: &ReadState) -> pb::ReadState {
    pb::ReadState {
        channel_id: r.channel_id.to_string(),
        last_read_message_id: r
            .last_read_message_id
            .map(|i| i.to_string())
            .unwrap_or_default(),
        mention_count: r.mention_count,
        unread: r.unread,
    }
}

pub fn message(m: &Message) -> pb::Message {
    pb::Message {
        id: m.id.to_string(),
        channel_id: m.channel_id.to_string(),
        author: Some(user(m.author.clone().public())),
        content: m.content.clone(),
        created_at: Some(timestamp(m.created_at_ms)),
        edited_at: m.edited_at_ms.map(timestamp),
        reply_to_id: m.reply_to_id.map(|i| i.to_string()).unwrap_or_default(),
        reply_to: m.reply_to.as_ref().map(|r| pb::ReplyPreview {
            message_id: r.message_id.to_string(),
            author: r.author.clone().map(|a| user(a.public())),
            content: r.content.clone(),
            deleted: r.deleted,
        }),
        mentions: m
            .mentions
            .iter()
            .map(|x| pb::Mention {
                r#type: match x.kind {
                    MentionKind::User => pb::MentionType::User,
                    MentionKind::Role => pb::MentionType::Role,
                    MentionKind::Everyone => pb::MentionType::Everyone,
                    MentionKind::Here => pb::MentionType::Here,
                }
                .into(),
                id: x.id.map(|i| i.to_string()).unwrap_or_default(),
                user: x.user.clone().map(|u| user(u.public())),
            })
            .collect(),
        reactions: m
            .reactions
            .iter()
            .map(|r| pb::Reaction {
                emoji: r.emoji.clone(),
                count: r.count,
                me: r.me,
            })
            .collect(),
        pinned: m.pinned,
        attachments: m.attachments.iter().map(attachment).collect(),
        nonce: m.nonce.clone().unwrap_or_default(),
        server_id: m.server_id.map(|i| i.to_string()).unwrap_or_default(),
        r#type: message_type(m.kind).into(),
        author_nickname: m.author_nickname.clone(),
    }
}

pub fn message_type(kind: MessageKind) -> pb::MessageType {
    match kind {
        MessageKind::Default => pb::MessageType::Default,
        MessageKind::MemberJoin => pb::MessageType::MemberJoin,
        MessageKind::PinnedMessage => pb::MessageType::PinnedMessage,
        MessageKind::Call => pb::MessageType::Call,
        MessageKind::RecipientAdd => pb::MessageType::RecipientAdd,
    }
}

pub fn attachment(a: &Attachment) -> pb::Attachment {
    pb::Attachment {
        id: a.id.to_string(),
        filename: a.filename.clone(),
        content_type: a.content_type.clone(),
        size: a.size,
        url: a.url.clone(),
        width: a.width,
        height: a.height,
    }
}

pub fn audit_entry(e: &AuditRecord) -> pb::AuditLogEntry {
    let changes: Vec<decentra_core::servers::AuditChange> =
        serde_json::from_str(&e.changes).unwrap_or_default();
    pb::AuditLogEntry {
        id: e.id.to_string(),
        server_id: e.server_id.to_string(),
        // `AuditAction`'s values are the API's `AuditLogAction` values.
        action: e.action as i32,
        actor_id: e.actor_id.to_string(),
        target_id: id_str(e.target_id),
        reason: e.reason.clone(),
        created_at: Some(timestamp(e.created_at)),
        changes: changes
            .into_iter()
            .map(|c| pb::AuditLogChange {
                key: c.key,
                old_value: c.old_value,
                new_value: c.new_value,
            })
            .collect(),
    }
}

pub fn relationship_type(k: RelationshipKind) -> pb::RelationshipType {
    match k {
        RelationshipKind::Friend => pb::RelationshipType::Friend,
        RelationshipKind::Incoming => pb::RelationshipType::Incoming,
        RelationshipKind::Outgoing => pb::RelationshipType::Outgoing,
        RelationshipKind::Blocked => pb::RelationshipType::Blocked,
    }
}

pub fn relationship(r: &Relationship) -> pb::Relationship {
    pb::Relationship {
        user: Some(user(r.user.clone().public())),
        r#type: relationship_type(r.kind).into(),
        created_at: Some(timestamp(r.created_at_ms)),
    }
}
