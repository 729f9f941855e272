-- Notification e-mails: a DM or mention while the recipient is offline. Times are Unix ms.

-- Per-user opt-in (off by default).
ALTER TABLE users ADD COLUMN email_notifications BOOLEAN NOT NULL DEFAULT FALSE;

-- The offline period of a user who has something to be told about. Written (once per period:
-- insert-if-absent) only for opted-in recipients without an open event stream; the worker
-- mails it at due_at if they are still offline and stamps mailed_at, so later messages of the
-- same period mail nothing. Opening an event stream ends the period (deletes the row).
CREATE TABLE mail_notifications (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    channel_id BIGINT NOT NULL,
    author_id  BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    due_at     BIGINT NOT NULL,
    mailed_at  BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX mail_notifications_due_idx ON mail_notifications (mailed_at, due_at);
