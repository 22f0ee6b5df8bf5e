package dev.chatctl.server.store;

import dev.chatctl.protocol.chat.Message;
import dev.chatctl.protocol.chat.StoredMessageView;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A message as stored: the wire {@link Message} fields plus its recovery offset ({@code
 * recipientSeq}) and receipts (null until then).
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

  /** ISO-8601 UTC with milliseconds, as JavaScript's Date.toISOString writes it. */
  public static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  public static String iso(Instant instant) {
    return instant == null ? null : ISO_MILLIS.format(instant);
  }

  public Message toMessage() {
    return new Message(id, senderId, recipientId, content, sessionId, clientMessageId, iso(createdAt));
  }

  /** With its receipts, as history and conversation:list show it. */
  public StoredMessageView toView() {
    return new StoredMessageView(id, senderId, recipientId, content, sessionId, clientMessageId, iso(createdAt), iso(deliveredAt), iso(readAt));
  }

  /** The recovery offset as clients echo it: an opaque decimal string. */
  public String offset() {
    return Long.toString(recipientSeq);
  }

  public StoredMessage delivered(Instant at) {
    return new StoredMessage(id, senderId, recipientId, content, sessionId, clientMessageId, createdAt, recipientSeq, at, readAt);
  }
}
