-- Delivery, part 2: every row has its store order and offset now (V3), so they are required,
-- and the indexes that keep replays, offline delivery and history pages fast are built.

ALTER TABLE messages ALTER COLUMN seq SET NOT NULL;
ALTER TABLE messages ALTER COLUMN recipient_seq SET NOT NULL;

-- replay after an offset
CREATE UNIQUE INDEX messages_recipient_id_recipient_seq_key ON messages (recipient_id, recipient_seq);
-- offline delivery: a user's undelivered messages, oldest first. On PostgreSQL a partial index
-- (WHERE delivered_at IS NULL) that holds only those, so a message delivered as it is stored
-- costs it nothing; H2 has no partial indexes and indexes every row. The Flyway placeholder
-- ${undeliveredIndex} is set per database by the server (Database.java).
/* [jooq ignore start] */
CREATE INDEX messages_undelivered_idx ON messages ${undeliveredIndex};
/* [jooq ignore stop] */
-- history pages: one index range per direction of a conversation, newest first
CREATE INDEX messages_sender_id_recipient_id_seq_idx ON messages (sender_id, recipient_id, seq);
-- the cursor of a history page
CREATE UNIQUE INDEX messages_seq_key ON messages (seq);

-- superseded: the indexes above lead with the same columns
DROP INDEX messages_recipient_id_created_at_idx;
DROP INDEX messages_sender_id_created_at_idx;
