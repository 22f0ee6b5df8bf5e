package dev.chatctl.server.store;

import dev.chatctl.server.store.StoreOp.Backlog;
import dev.chatctl.server.store.StoreOp.OpenInbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * The backlog pages of one batch: for each opening inbox, its undelivered messages (each message in
 * one backlog only) or a recovered session's replay, one page, without the messages stored later in
 * the same batch (those reach the socket live). What a page hands out is marked delivered.
 */
final class InboxBatch {
  /** Most backlog messages sent to a socket per batch; the rest follow in later batches. */
  static final int BACKLOG_PAGE = 1000;

  private final DSLContext tx;
  private final List<StoreOp> ops;
  private final Instant now;
  private final Object[] results;
  private final Set<String> claimed =
      new HashSet<>(); // each undelivered message goes to one backlog
  private final List<String> stamp = new ArrayList<>();

  InboxBatch(DSLContext tx, List<StoreOp> ops, Instant now, Object[] results) {
    this.tx = tx;
    this.ops = ops;
    this.now = now;
    this.results = results;
  }

  /**
   * @param storedIds the ids of the messages stored in this batch, by operation index
   */
  void run(Map<Integer, String> storedIds) {
    Map<String, Long> undeliveredCursor = new LinkedHashMap<>();
    List<Integer> opens = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof OpenInbox o) {
        opens.add(i);
        if (o.replayAfter() == null) {
          undeliveredCursor.merge(o.userId(), o.cursor(), Math::max);
        }
      }
    }
    if (opens.isEmpty()) {
      return;
    }
    List<StoredMessage> undelivered = MessageStore.undelivered(tx, undeliveredCursor, BACKLOG_PAGE);
    // a full page may have cut any user's backlog short: each continues from its cursor
    boolean truncated = undelivered.size() >= BACKLOG_PAGE;
    Map<String, List<StoredMessage>> byUser = new HashMap<>();
    for (StoredMessage m : undelivered) {
      byUser.computeIfAbsent(m.recipientId(), k -> new ArrayList<>()).add(m);
    }
    for (int i : opens) {
      OpenInbox o = (OpenInbox) ops.get(i);
      Set<String> later = new HashSet<>();
      storedIds.forEach(
          (index, id) -> {
            if (index > i) {
              later.add(id);
            }
          });
      results[i] =
          o.replayAfter() == null
              ? page(o, byUser.getOrDefault(o.userId(), List.of()), truncated, later)
              : replay(o, later);
    }
    MessageWrites.markDelivered(tx, stamp, now);
  }

  private Backlog page(
      OpenInbox o, List<StoredMessage> undelivered, boolean more, Set<String> later) {
    List<StoredMessage> page = new ArrayList<>();
    for (StoredMessage m : undelivered) {
      if (m.recipientSeq() > o.cursor() && !later.contains(m.id()) && claimed.add(m.id())) {
        page.add(m);
      }
    }
    return backlog(o, page, more);
  }

  private Backlog replay(OpenInbox o, Set<String> later) {
    List<StoredMessage> after =
        MessageStore.after(tx, o.userId(), Math.max(o.replayAfter(), o.cursor()), BACKLOG_PAGE + 1);
    List<StoredMessage> page = new ArrayList<>();
    for (StoredMessage m : after.subList(0, Math.min(BACKLOG_PAGE, after.size()))) {
      if (!later.contains(m.id())) {
        page.add(m);
      }
    }
    return backlog(o, page, after.size() > BACKLOG_PAGE);
  }

  /** The page as handed out: what was undelivered is marked delivered now. */
  private Backlog backlog(OpenInbox o, List<StoredMessage> page, boolean more) {
    List<StoredMessage> sent = new ArrayList<>(page.size());
    Set<String> newlyDelivered = new HashSet<>();
    for (StoredMessage m : page) {
      if (m.deliveredAt() == null) {
        stamp.add(m.id());
        newlyDelivered.add(m.id());
        sent.add(m.delivered(now));
      } else {
        sent.add(m);
      }
    }
    long start = o.replayAfter() == null ? o.cursor() : Math.max(o.cursor(), o.replayAfter());
    long cursor = page.isEmpty() ? start : page.get(page.size() - 1).recipientSeq();
    return new Backlog(sent, more, cursor, newlyDelivered);
  }
}
