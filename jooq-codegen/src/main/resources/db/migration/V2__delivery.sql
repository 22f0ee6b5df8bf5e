-- Delivery (PROTOCOL.md "Delivery"): store order, recovery offsets, receipts, recovery sessions,
-- and a conversation summary. Adds to a foundation database without losing rows: the new message
-- columns are filled for existing rows by V3 (a Java migration), and made NOT NULL by V4.

-- The last recovery offset given out for messages to this user (see messages.recipient_seq).
ALTER TABLE users ADD COLUMN last_seq BIGINT DEFAULT 0 NOT NULL;

-- seq: global store order (history pages), from messages_seq.
-- recipient_seq: the recovery offset; the recipient's next users.last_seq, taken under that user
-- row's lock until commit, so one recipient's offsets grow in commit order and a replay
-- "after offset X" never misses a message committed late.
ALTER TABLE messages ADD COLUMN seq BIGINT;
ALTER TABLE messages ADD COLUMN recipient_seq BIGINT;
ALTER TABLE messages ADD COLUMN delivered_at TIMESTAMP(3) WITH TIME ZONE;  -- first written to a socket of the recipient
ALTER TABLE messages ADD COLUMN read_at TIMESTAMP(3) WITH TIME ZONE;       -- message:read by the recipient

CREATE SEQUENCE messages_seq START WITH 1;

-- Connection state recovery: the pid handed out in a CONNECT answer, good for its user while
-- last_seen_at (refreshed while connected and at disconnect) is within RECOVERY_WINDOW.
CREATE TABLE recovery_sessions (
  pid           VARCHAR(32) NOT NULL,
  user_id       VARCHAR NOT NULL,
  base_seq      BIGINT NOT NULL,       -- a replay without an offset starts after this
  created_at    TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  last_seen_at  TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  CONSTRAINT recovery_sessions_pkey PRIMARY KEY (pid),
  CONSTRAINT recovery_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX recovery_sessions_last_seen_at_idx ON recovery_sessions (last_seen_at);

-- conversation:list: one row per (user, other user) with the last message and the user's unread
-- count, kept by the store in the transaction that stores or reads messages.
CREATE TABLE conversations (
  user_id          VARCHAR NOT NULL,
  peer_id          VARCHAR NOT NULL,
  last_message_id  VARCHAR(36) NOT NULL,
  last_at          TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  unread_count     INTEGER DEFAULT 0 NOT NULL,
  CONSTRAINT conversations_pkey PRIMARY KEY (user_id, peer_id),
  CONSTRAINT conversations_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT conversations_peer_id_fkey FOREIGN KEY (peer_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX conversations_user_id_last_at_idx ON conversations (user_id, last_at, last_message_id);
