-- The instance's own audit log: what administrators did to accounts and servers. Not tied to
-- a server (deleting a server keeps the entry saying who deleted it). Times are Unix ms.
-- action: AdminAction (1 user update, 2 user delete, 3 server delete); changes: JSON array of
-- {key, old_value, new_value}.
CREATE TABLE admin_audit_log (
    id         BIGINT PRIMARY KEY,
    action     BIGINT NOT NULL,
    actor_id   BIGINT NOT NULL,
    target_id  BIGINT,
    changes    TEXT   NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL
);
