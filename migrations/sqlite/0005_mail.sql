-- E-mail: the durable outbox and the single-use tokens mailed to users. Times are Unix ms.

-- Mail waiting to be sent (or sent). A worker claims due rows by moving next_attempt_at past
-- now (a lease), sends, then marks the row sent (clearing its bodies, which may hold a token)
-- or schedules the next attempt with exponential backoff. Rows survive restarts.
CREATE TABLE mail_outbox (
    id              BIGINT PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    last_error      TEXT,
    sent_at         BIGINT,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (sent_at, next_attempt_at);

-- E-mail verification and password-reset tokens. Only the SHA-256 of a token is stored; a
-- token works once (used_at), until expires_at, and only for the address it was sent to.
CREATE TABLE email_tokens (
    token_hash BLOB   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT   NOT NULL,
    email      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose, created_at);
