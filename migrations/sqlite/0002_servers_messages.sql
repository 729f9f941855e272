-- Servers (guilds), roles, members, channels, permission overwrites, invites, bans, audit
-- log, and messages with mentions, reactions, attachments and read state.
-- Kinds and positions are INTEGER so both backends decode them as i64.

CREATE TABLE servers (
    id                INTEGER PRIMARY KEY,
    name              TEXT   NOT NULL,
    owner_id          INTEGER NOT NULL REFERENCES users (id),
    icon_url          TEXT   NOT NULL DEFAULT '',
    description       TEXT   NOT NULL DEFAULT '',
    system_channel_id INTEGER,
    created_at        INTEGER NOT NULL
);
CREATE INDEX servers_owner_id_idx ON servers (owner_id);

-- The @everyone role has id = server id and position 0.
CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    server_id   INTEGER  NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    permissions INTEGER  NOT NULL,
    position    INTEGER  NOT NULL,
    color       INTEGER  NOT NULL DEFAULT 0,
    hoist       BOOLEAN NOT NULL DEFAULT FALSE,
    mentionable BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  INTEGER  NOT NULL
);
CREATE INDEX roles_server_id_idx ON roles (server_id);

CREATE TABLE members (
    server_id   INTEGER  NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    user_id     INTEGER  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    nickname    TEXT    NOT NULL DEFAULT '',
    joined_at   INTEGER  NOT NULL,
    server_mute BOOLEAN NOT NULL DEFAULT FALSE,
    server_deaf BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (server_id, user_id)
);
CREATE INDEX members_user_id_idx ON members (user_id);

CREATE TABLE member_roles (
    server_id INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    role_id   INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (server_id, user_id, role_id),
    FOREIGN KEY (server_id, user_id) REFERENCES members (server_id, user_id) ON DELETE CASCADE
);

-- kind: 1 text, 2 voice, 3 category, 4 DM, 5 group DM. server_id is NULL for DMs.
CREATE TABLE channels (
    id                  INTEGER PRIMARY KEY,
    server_id           INTEGER REFERENCES servers (id) ON DELETE CASCADE,
    kind                INTEGER NOT NULL,
    name                TEXT   NOT NULL DEFAULT '',
    topic               TEXT   NOT NULL DEFAULT '',
    parent_id           INTEGER REFERENCES channels (id) ON DELETE SET NULL,
    position            INTEGER NOT NULL DEFAULT 0,
    owner_id            INTEGER,
    icon_url            TEXT   NOT NULL DEFAULT '',
    user_limit          INTEGER NOT NULL DEFAULT 0,
    bitrate             INTEGER NOT NULL DEFAULT 64000,
    rate_limit_per_user INTEGER NOT NULL DEFAULT 0,
    last_message_id     INTEGER,
    last_pin_at         INTEGER,
    created_at          INTEGER NOT NULL
);
CREATE INDEX channels_server_id_idx ON channels (server_id);

-- target_kind: 1 role, 2 member.
CREATE TABLE permission_overwrites (
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    target_id   INTEGER NOT NULL,
    target_kind INTEGER NOT NULL,
    allow_bits  INTEGER NOT NULL,
    deny_bits   INTEGER NOT NULL,
    PRIMARY KEY (channel_id, target_id)
);

-- Participants of DMs and group DMs.
CREATE TABLE channel_recipients (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_recipients_user_id_idx ON channel_recipients (user_id);

CREATE TABLE bans (
    server_id  INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason     TEXT   NOT NULL DEFAULT '',
    banned_by  INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (server_id, user_id)
);

CREATE TABLE server_invites (
    id         INTEGER PRIMARY KEY,
    code       TEXT   NOT NULL CONSTRAINT server_invites_code_key UNIQUE,
    server_id  INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    channel_id INTEGER REFERENCES channels (id) ON DELETE SET NULL,
    inviter_id INTEGER,
    max_uses   INTEGER,
    uses       INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX server_invites_server_id_idx ON server_invites (server_id);

-- changes: JSON array of {key, old_value, new_value}.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    server_id  INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    action     INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL,
    target_id  INTEGER,
    reason     TEXT   NOT NULL DEFAULT '',
    changes    TEXT   NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_server_id_idx ON audit_log (server_id, id);

-- kind: 1 default, 2 member join, 3 pin notice, … (MessageType in the API).
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    channel_id       INTEGER  NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    server_id        INTEGER,
    author_id        INTEGER  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             INTEGER  NOT NULL DEFAULT 1,
    content          TEXT    NOT NULL,
    nonce            TEXT,
    reply_to_id      INTEGER,
    mention_everyone BOOLEAN NOT NULL DEFAULT FALSE,
    pinned_at        INTEGER,
    edited_at        INTEGER,
    created_at       INTEGER  NOT NULL
);
CREATE INDEX messages_channel_id_idx ON messages (channel_id, id);
-- Retries with the same client nonce return the first message (NULL nonces never collide).
CREATE UNIQUE INDEX messages_nonce_key ON messages (channel_id, author_id, nonce);

-- kind: 1 user, 2 role.
CREATE TABLE message_mentions (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL,
    kind       INTEGER NOT NULL,
    target_id  INTEGER NOT NULL,
    PRIMARY KEY (message_id, kind, target_id)
);
CREATE INDEX message_mentions_target_idx ON message_mentions (target_id, channel_id, message_id);

CREATE TABLE reactions (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    emoji      TEXT   NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

-- Files live content-addressed (sha256) under the data dir; rows hold the metadata. An
-- attachment is uploaded first (message_id NULL) and bound when its message is sent.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    message_id   INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    uploader_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename     TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT   NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_message_id_idx ON attachments (message_id);
CREATE INDEX attachments_sha256_idx ON attachments (sha256);

CREATE TABLE read_states (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    last_read_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, channel_id)
);
