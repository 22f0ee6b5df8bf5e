package dev.chatctl.protocol.chat;

import java.util.List;

/** Answers to client requests (by ack, else by the event of the same name). */
public final class Answers {
  private Answers() {}

  /** {@code {ok: false, error: {code, message}}}. */
  public record Failure(boolean ok, Error error) {
    public Failure(Refusal refusal) {
      this(false, new Error(refusal.code().name(), refusal.message()));
    }
  }

  public record Error(String code, String message) {}

  /** users:list. */
  public record Users(boolean ok, List<DirectoryEntry> users) {}

  /** message:read's ack: the ids newly read. */
  public record ReadIds(boolean ok, List<String> messageIds) {}

  /** message:history. */
  public record History(
      boolean ok, String withUserId, List<StoredMessageView> messages, boolean hasMore) {}

  /** conversation:list. */
  public record Conversations(boolean ok, List<Conversation> conversations) {}

  public record Conversation(String userId, StoredMessageView lastMessage, int unreadCount) {}
}
