package dev.chatctl.server.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users that have a socket taking live messages, as the application tells the store: the writer
 * stamps a message delivered as it stores it when its recipient is here. The store's own state,
 * read inside a batch's transaction without calling out of the store. One count per user, so it
 * holds no more entries than there are connected users.
 */
public final class LiveInboxes {
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  /** A socket of the user takes live messages from now on. */
  public void open(String userId) {
    open.merge(userId, 1, Integer::sum);
  }

  /** A socket that took live messages ({@link #open}) is gone. */
  public void close(String userId) {
    open.computeIfPresent(userId, (id, n) -> n <= 1 ? null : n - 1);
  }

  /** Whether the user has a socket that takes live messages. */
  public boolean isOpen(String userId) {
    return open.containsKey(userId);
  }
}
