-- Servers (guilds), roles, members, channels, permission overwrites, invites, bans, audit
-- log, and messages with mentions, reactions, attachments and read state.
-- Kinds and positions are BIGINT so both backends decode them as i64.

CREATE TABLE servers (
    id                BIGINT PRIMARY KEY,
    name              TEXT   NOT NULL,
    owner_id          BIGINT NOT NULL REFERENCES users (id),
    icon_url          TEXT   NOT NULL DEFAULT '',
    description       TEXT   NOT NULL DEFAULT '',
    system_channel_id BIGINT,
    created_at        BIGINT NOT NULL
);
CREATE INDEX servers_owner_id_idx ON servers (owner_id);

-- The @everyone role has id = server id and position 0.
CREATE TABLE roles (
    id          BIGINT  PRIMARY KEY,
    server_id   BIGINT  NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    permissions BIGINT  NOT NULL,
    position    BIGINT  NOT NULL,
    color       BIGINT  NOT NULL DEFAULT 0,
    hoist       BOOLEAN NOT NULL DEFAULT FALSE,
    mentionable BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX roles_server_id_idx ON roles (server_id);

CREATE TABLE members (
    server_id   BIGINT  NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    nickname    TEXT    NOT NULL DEFAULT '',
    joined_at   BIGINT  NOT NULL,
    server_mute BOOLEAN NOT NULL DEFAULT FALSE,
    server_deaf BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (server_id, user_id)
);
CREATE INDEX members_user_id_idx ON members (user_id);

CREATE TABLE member_roles (
    server_id BIGINT NOT NULL,
    user_id   BIGINT NOT NULL,
    role_id   BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (server_id, user_id, role_id),
    FOREIGN KEY (server_id, user_id) REFERENCES members (server_id, user_id) ON DELETE CASCADE
);

-- kind: 1 text, 2 voice, 3 category, 4 DM, 5 group DM. server_id is NULL for DMs.
CREATE TABLE channels (
    id                  BIGINT PRIMARY KEY,
    server_id           BIGINT REFERENCES servers (id) ON DELETE CASCADE,
    kind                BIGINT NOT NULL,
    name                TEXT   NOT NULL DEFAULT '',
    topic               TEXT   NOT NULL DEFAULT '',
    parent_id           BIGINT REFERENCES channels (id) ON DELETE SET NULL,
    position            BIGINT NOT NULL DEFAULT 0,
    owner_id            BIGINT,
    icon_url            TEXT   NOT NULL DEFAULT '',
    user_limit          BIGINT NOT NULL DEFAULT 0,
    bitrate             BIGINT NOT NULL DEFAULT 64000,
    rate_limit_per_user BIGINT NOT NULL DEFAULT 0,
    last_message_id     BIGINT,
    last_pin_at         BIGINT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX channels_server_id_idx ON channels (server_id);

-- target_kind: 1 role, 2 member.
CREATE TABLE permission_overwrites (
    channel_id  BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    target_id   BIGINT NOT NULL,
    target_kind BIGINT NOT NULL,
    allow_bits  BIGINT NOT NULL,
    deny_bits   BIGINT NOT NULL,
    PRIMARY KEY (channel_id, target_id)
);

-- Participants of DMs and group DMs.
CREATE TABLE channel_recipients (
    channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_recipients_user_id_idx ON channel_recipients (user_id);

CREATE TABLE bans (
    server_id  BIGINT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason     TEXT   NOT NULL DEFAULT '',
    banned_by  BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (server_id, user_id)
);

CREATE TABLE server_invites (
    id         BIGINT PRIMARY KEY,
    code       TEXT   NOT NULL CONSTRAINT server_invites_code_key UNIQUE,
    server_id  BIGINT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    channel_id BIGINT REFERENCES channels (id) ON DELETE SET NULL,
    inviter_id BIGINT,
    max_uses   BIGINT,
    uses       BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX server_invites_server_id_idx ON server_invites (server_id);

-- changes: JSON array of {key, old_value, new_value}.
CREATE TABLE audit_log (
    id         BIGINT PRIMARY KEY,
    server_id  BIGINT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    action     BIGINT NOT NULL,
    actor_id   BIGINT NOT NULL,
    target_id  BIGINT,
    reason     TEXT   NOT NULL DEFAULT '',
    changes    TEXT   NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_server_id_idx ON audit_log (server_id, id);

-- kind: 1 default, 2 member join, 3 pin notice, … (MessageType in the API).
CREATE TABLE messages (
    id               BIGINT  PRIMARY KEY,
    channel_id       BIGINT  NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    server_id        BIGINT,
    author_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             BIGINT  NOT NULL DEFAULT 1,
    content          TEXT    NOT NULL,
    nonce            TEXT,
    reply_to_id      BIGINT,
    mention_everyone BOOLEAN NOT NULL DEFAULT FALSE,
    pinned_at        BIGINT,
    edited_at        BIGINT,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX messages_channel_id_idx ON messages (channel_id, id);
-- Retries with the same client nonce return the first message (NULL nonces never collide).
CREATE UNIQUE INDEX messages_nonce_key ON messages (channel_id, author_id, nonce);

-- kind: 1 user, 2 role.
CREATE TABLE message_mentions (
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    channel_id BIGINT NOT NULL,
    kind       BIGINT NOT NULL,
    target_id  BIGINT NOT NULL,
    PRIMARY KEY (message_id, kind, target_id)
);
CREATE INDEX message_mentions_target_idx ON message_mentions (target_id, channel_id, message_id);

CREATE TABLE reactions (
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    emoji      TEXT   NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

-- Files live content-addressed (sha256) under the data dir; rows hold the metadata. An
-- attachment is uploaded first (message_id NULL) and bound when its message is sent.
CREATE TABLE attachments (
    id           BIGINT PRIMARY KEY,
    channel_id   BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    message_id   BIGINT REFERENCES messages (id) ON DELETE CASCADE,
    uploader_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename     TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT   NOT NULL,
    width        BIGINT NOT NULL DEFAULT 0,
    height       BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE INDEX attachments_message_id_idx ON attachments (message_id);
CREATE INDEX attachments_sha256_idx ON attachments (sha256);

CREATE TABLE read_states (
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel_id   BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    last_read_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, channel_id)
);
