-- chatctl foundation: the user directory and the messages between users.
-- One set of migrations for PostgreSQL and the embedded H2 database: portable SQL only.
-- Identifiers are unbounded VARCHAR (TEXT on PostgreSQL, without H2's CLOB semantics);
-- the contract's 191-character limits are enforced by the server.

CREATE TABLE users (
  id          VARCHAR NOT NULL,                            -- the token's sub (else id, else userId)
  name        VARCHAR,                                     -- token claim `name`
  email       VARCHAR,                                     -- token claim `email`
  image       VARCHAR,                                     -- token claim `picture`
  created_at  TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at  TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT users_pkey PRIMARY KEY (id)
);

CREATE TABLE messages (
  id                 VARCHAR(36) NOT NULL,                 -- time-ordered UUID, made by the server
  sender_id          VARCHAR NOT NULL,
  recipient_id       VARCHAR NOT NULL,
  content            VARCHAR NOT NULL,                     -- stored trimmed
  session_id         VARCHAR(191),
  client_message_id  VARCHAR(191),
  created_at         TIMESTAMP(3) WITH TIME ZONE NOT NULL, -- millisecond precision, as emitted
  CONSTRAINT messages_pkey PRIMARY KEY (id),
  CONSTRAINT messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT messages_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES users (id) ON DELETE CASCADE,
  -- a retried (sender, clientMessageId) finds the stored row; NULLs never collide
  CONSTRAINT messages_sender_id_client_message_id_key UNIQUE (sender_id, client_message_id)
);

CREATE INDEX messages_recipient_id_created_at_idx ON messages (recipient_id, created_at);
CREATE INDEX messages_sender_id_created_at_idx ON messages (sender_id, created_at);
