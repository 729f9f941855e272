-- Friends, friend requests, blocks and 1:1 DM lookup (SQLite twin of the PostgreSQL migration).
--
-- A relationship is stored once per direction, each row being `user_id`'s view of `other_id`:
-- kind 1 friend (both rows), 2 incoming request / 3 outgoing request (one row each side),
-- 4 blocked (`user_id` blocked `other_id`; the other side has no row, or its own block).
CREATE TABLE relationships (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    other_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, other_id)
);
CREATE INDEX relationships_other_id_idx ON relationships (other_id);

-- The one DM channel of each pair of users (low_user < high_user).
CREATE TABLE dm_pairs (
    low_user   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    high_user  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    PRIMARY KEY (low_user, high_user)
);
CREATE INDEX dm_pairs_channel_id_idx ON dm_pairs (channel_id);

-- Privacy: whether members of a shared server may open a DM (friends always may).
ALTER TABLE users ADD COLUMN allow_server_dms BOOLEAN NOT NULL DEFAULT TRUE;
