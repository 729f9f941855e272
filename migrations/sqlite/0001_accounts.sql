-- Accounts, sessions and instance-level state (SQLite twin of the PostgreSQL migration).
-- Times are Unix milliseconds so the same queries run unchanged on both backends.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
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
    created_at     INTEGER  NOT NULL
);

-- One row per signed-in device. Only SHA-256 hashes of refresh tokens are stored; the
-- previous hash is kept to detect reuse of a rotated token (theft) and revoke the session.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    refresh_hash BLOB  NOT NULL CONSTRAINT sessions_refresh_hash_key UNIQUE,
    prev_hash    BLOB,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_prev_hash_idx ON sessions (prev_hash);
CREATE INDEX sessions_revoked_at_idx ON sessions (revoked_at);

-- A single row, claimed by the first registration: whoever inserts it becomes instance admin.
CREATE TABLE instance_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    first_user_id INTEGER  NOT NULL
);

-- Instance settings as one JSON document (registration mode, limits, SMTP, …).
CREATE TABLE instance_settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT    NOT NULL
);

CREATE TABLE instance_invites (
    id         INTEGER PRIMARY KEY,
    code       TEXT   NOT NULL CONSTRAINT instance_invites_code_key UNIQUE,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    max_uses   INTEGER,
    uses       INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL
);

-- Who signed up with which code.
CREATE TABLE instance_invite_uses (
    invite_id INTEGER NOT NULL REFERENCES instance_invites (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    used_at   INTEGER NOT NULL,
    PRIMARY KEY (invite_id, user_id)
);
