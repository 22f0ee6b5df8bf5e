package dev.chatctl.protocol.chat;

import java.util.List;

/** Receipt payloads sent to a message's sender. */
public final class Receipts {
  private Receipts() {}

  /** {@code message:delivered}: the messages were written to a socket of {@code recipientId}. */
  public record Delivered(List<String> messageIds, String recipientId, String deliveredAt) {}

  /** {@code message:read} to the sender: {@code readerId} marked the messages read. */
  public record Read(List<String> messageIds, String readerId, String readAt) {}
}
