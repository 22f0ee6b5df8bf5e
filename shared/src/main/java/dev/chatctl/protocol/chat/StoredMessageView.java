package dev.chatctl.protocol.chat;

/**
 * A message as {@code message:history} and {@code conversation:list} show it: the Message fields
 * and its receipts ({@code deliveredAt}, {@code readAt}: ISO-8601 UTC, null until then).
 */
public record StoredMessageView(
    String id,
    String senderId,
    String recipientId,
    String content,
    String sessionId,
    String clientMessageId,
    String createdAt,
    String deliveredAt,
    String readAt) {}
