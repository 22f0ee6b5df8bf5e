package dev.chatctl.protocol.chat;

/**
 * A stored message as the contract sends it ({@code message:sent}, {@code message:receive}). {@code
 * createdAt} is ISO-8601 UTC with milliseconds.
 */
public record Message(
    String id,
    String senderId,
    String recipientId,
    String content,
    String sessionId,
    String clientMessageId,
    String createdAt) {}
