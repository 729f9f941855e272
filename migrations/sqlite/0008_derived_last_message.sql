-- A channel's newest message is read from messages_channel_id_idx when needed: keeping it in
-- the channel row made every send batch lock that row until it committed.
ALTER TABLE channels DROP COLUMN last_message_id;
