package dev.chatctl.protocol.chat;

/** The payload of {@code user:online} and {@code user:offline}. */
public record UserPresence(String userId) {}
