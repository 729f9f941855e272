-- Accounts, sessions and instance-level state. Times are Unix milliseconds (BIGINT) so the
-- same queries run unchanged on PostgreSQL and SQLite.

CREATE TABLE users (
    id             BIGINT PRIMARY KEY,
    username       TEXT    NOT NULL,
    username_lower TEXT    NOT NULL CONSTRAINT users_username_key UNIQUE,
    display_name   TEXT    NOT NULL DEFAULT '',
    email          TEXT,
    email_lower    TEXT    CONSTRAINT users_email_key UNIQUE,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash  TEXT    NOT NULL,
    avatar_url     TEXT    NOT NULL DEFAULT '',
    bio            TEXT    NOT NULL DEFAULT '',
    status_text    TEXT    NOT NULL DEFAULT '',
    is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
    is_bot         BOOLEAN NOT NULL DEFAULT FALSE,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT  NOT NULL
);

-- One row per signed-in device. Only SHA-256 hashes of refresh tokens are stored; the
-- previous hash is kept to detect reuse of a rotated token (theft) and revoke the session.
CREATE TABLE sessions (
    id           BIGINT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    refresh_hash BYTEA  NOT NULL CONSTRAINT sessions_refresh_hash_key UNIQUE,
    prev_hash    BYTEA,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_prev_hash_idx ON sessions (prev_hash);
CREATE INDEX sessions_revoked_at_idx ON sessions (revoked_at);

-- A single row, claimed by the first registration: whoever inserts it becomes instance admin.
CREATE TABLE instance_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    first_user_id BIGINT  NOT NULL
);

-- Instance settings as one JSON document (registration mode, limits, SMTP, …).
CREATE TABLE instance_settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT    NOT NULL
);

CREATE TABLE instance_invites (
    id         BIGINT PRIMARY KEY,
    code       TEXT   NOT NULL CONSTRAINT instance_invites_code_key UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    max_uses   BIGINT,
    uses       BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);

-- Who signed up with which code.
CREATE TABLE instance_invite_uses (
    invite_id BIGINT NOT NULL REFERENCES instance_invites (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    used_at   BIGINT NOT NULL,
    PRIMARY KEY (invite_id, user_id)
);
