package dev.chatctl.server.store;

import java.time.Instant;

/**
 * A message as stored: its fields, its recovery offset ({@code recipientSeq}) and receipts (null
 * until then). A message about to be inserted is one too, with {@code readAt} null.
 */
public record StoredMessage(
    String id,
    String senderId,
    String recipientId,
    String content,
    String sessionId,
    String clientMessageId,
    Instant createdAt,
    long recipientSeq,
    Instant deliveredAt,
    Instant readAt) {

  /** A new message from a draft, with what the writer decided. */
  static StoredMessage of(
      Draft d, String id, Instant createdAt, long recipientSeq, Instant deliveredAt) {
    return new StoredMessage(
        id,
        d.senderId(),
        d.recipientId(),
        d.content(),
        d.sessionId(),
        d.clientMessageId(),
        createdAt,
        recipientSeq,
        deliveredAt,
        null);
  }

  public StoredMessage delivered(Instant at) {
    return new StoredMessage(
        id,
        senderId,
        recipientId,
        content,
        sessionId,
        clientMessageId,
        createdAt,
        recipientSeq,
        at,
        readAt);
  }
}
