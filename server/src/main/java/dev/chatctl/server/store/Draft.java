package dev.chatctl.server.store;

/** A message to store, as its sender wrote it; id, time and offset are the writer's to decide. */
public record Draft(
    String senderId,
    String recipientId,
    String content,
    String sessionId,
    String clientMessageId) {}
