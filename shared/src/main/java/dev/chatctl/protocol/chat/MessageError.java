package dev.chatctl.protocol.chat;

/** The payload of {@code message:error}. */
public record MessageError(String error, String code, String clientMessageId) {}
