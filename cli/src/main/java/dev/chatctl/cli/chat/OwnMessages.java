package dev.chatctl.cli.chat;

import dev.chatctl.protocol.chat.Message;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * My messages sent from this console and where each stands: … pending (or queued while offline), ✓
 * stored, ✓✓ delivered, ✓✓ read, ✗ refused. Looked up by {@code clientMessageId} (until the server
 * answers) and by message id (for the receipts); a status only moves forward. Keeps the last
 * {@value #MAX} messages: receipts for older ones count as unknown. Thread-safe.
 */
final class OwnMessages {
  static final int MAX = 2_000;

  /** Where one of my messages stands, in the order it moves. */
  enum Status {
    PENDING,
    QUEUED,
    SENT,
    DELIVERED,
    READ,
    FAILED
  }

  /** One of my messages. */
  static final class Own {
    final String clientMessageId;
    final String to;
    final String content;
    final Instant at;
    volatile String id;
    volatile Status status;
    volatile String error;
    volatile boolean shown; // printed whole at least once

    Own(String clientMessageId, String to, String content, Instant at, Status status) {
      this.clientMessageId = clientMessageId;
      this.to = to;
      this.content = content;
      this.at = at;
      this.status = status;
    }
  }

  /** What a receipt changed: my messages whose status moved, and ids not known here. */
  record Advanced(List<Own> moved, int unknown) {}

  private final Map<String, Own> byClientId = bounded();
  private final Map<String, Own> byId = bounded();

  /** A message being sent now: PENDING, or QUEUED when not connected. */
  Own add(String clientMessageId, String to, String content, Instant at, boolean connected) {
    Own own = new Own(clientMessageId, to, content, at, connected ? Status.PENDING : Status.QUEUED);
    byClientId.put(clientMessageId, own);
    return own;
  }

  /** The message sent from here with this clientMessageId, or null. */
  Own byClientId(String clientMessageId) {
    return clientMessageId == null ? null : byClientId.get(clientMessageId);
  }

  /** {@code message:sent}: the message, now stored, or null when it was not sent from here. */
  Own sent(Message m) {
    Own own = byClientId(m.clientMessageId());
    if (own == null) {
      return null;
    }
    own.id = m.id();
    byId.put(m.id(), own);
    advance(own, Status.SENT);
    return own;
  }

  /** A refusal ({@code message:error}) or a failure of a send of mine; null when not mine. */
  Own failed(String clientMessageId, String error) {
    Own own = byClientId(clientMessageId);
    if (own != null) {
      own.status = Status.FAILED;
      own.error = error;
    }
    return own;
  }

  /** A receipt for {@code ids}: DELIVERED or READ. */
  Advanced receipt(List<String> ids, Status status) {
    List<Own> moved = new ArrayList<>();
    int unknown = 0;
    for (String id : ids) {
      Own own = byId.get(id);
      if (own == null) {
        unknown++;
      } else if (advance(own, status)) {
        moved.add(own);
      }
    }
    return new Advanced(moved, unknown);
  }

  private static boolean advance(Own own, Status status) {
    synchronized (own) {
      if (own.status == Status.FAILED || own.status.ordinal() >= status.ordinal()) {
        return false;
      }
      own.status = status;
      return true;
    }
  }

  private static <K, V> Map<K, V> bounded() {
    return Collections.synchronizedMap(
        new LinkedHashMap<>(64, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > MAX;
          }
        });
  }
}
