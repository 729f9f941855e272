-- Bot accounts (SQLite twin of the PostgreSQL migration): a bot is a user row with
-- is_bot = TRUE plus this row naming its owner and the SHA-256 hash of its token (the token
-- itself is shown once and never stored). token_id changes with every token, so a reset can
-- end the event streams of the old one.
CREATE TABLE bots (
    user_id    INTEGER NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    owner_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB    NOT NULL CONSTRAINT bots_token_hash_key UNIQUE,
    token_id   INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX bots_owner_id_idx ON bots (owner_id);
