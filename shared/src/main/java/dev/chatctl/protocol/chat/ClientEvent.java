package dev.chatctl.protocol.chat;

import java.util.List;

/** The events a client sends, as parsed and validated by {@link ClientEvents#parse}. */
public sealed interface ClientEvent {

  /** {@code message:send}; {@code content} is already trimmed. */
  record SendMessage(String recipientId, String content, String sessionId, String clientMessageId)
      implements ClientEvent {}

  /** {@code status:request}. */
  record StatusRequest() implements ClientEvent {}

  /** {@code users:list}; {@code query} is null for everyone. */
  record ListUsers(String query, int limit) implements ClientEvent {}

  /** {@code message:read}. */
  record ReadMessages(List<String> messageIds) implements ClientEvent {}

  /** {@code message:history}; {@code before} is null for the newest page. */
  record History(String withUserId, String before, int limit) implements ClientEvent {}

  /** {@code conversation:list}. */
  record ListConversations() implements ClientEvent {}
}
