package dev.chatctl.server.chat;

import dev.chatctl.protocol.chat.Message;
import dev.chatctl.protocol.chat.StoredMessageView;
import dev.chatctl.server.store.StoredMessage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A stored message as the contract writes it (PROTOCOL.md): times in ISO-8601, offsets as text. */
public final class Wire {
  /** ISO-8601 UTC with milliseconds, as JavaScript's Date.toISOString writes it. */
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Wire() {}

  public static String iso(Instant instant) {
    return instant == null ? null : ISO_MILLIS.format(instant);
  }

  /** As message:sent and message:receive carry it. */
  static Message message(StoredMessage m) {
    return new Message(
        m.id(),
        m.senderId(),
        m.recipientId(),
        m.content(),
        m.sessionId(),
        m.clientMessageId(),
        iso(m.createdAt()));
  }

  /** With its receipts, as history and conversation:list show it. */
  static StoredMessageView view(StoredMessage m) {
    return new StoredMessageView(
        m.id(),
        m.senderId(),
        m.recipientId(),
        m.content(),
        m.sessionId(),
        m.clientMessageId(),
        iso(m.createdAt()),
        iso(m.deliveredAt()),
        iso(m.readAt()));
  }

  /** The recovery offset as clients echo it: an opaque decimal string, as JSON. */
  static String offset(StoredMessage m) {
    return "\"" + m.recipientSeq() + "\"";
  }
}
