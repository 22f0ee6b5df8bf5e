package dev.chatctl.server.store;

import dev.chatctl.server.store.MessageStore.ClientKey;
import dev.chatctl.server.store.StoreOp.OpenInbox;
import dev.chatctl.server.store.StoreOp.Send;
import dev.chatctl.server.store.StoreOp.SendOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * The messages of one batch: a (sender, clientMessageId) stored before, or earlier in the batch, is
 * answered with that message; the rest take their recipients' next offsets and are stored in batch
 * order, stamped delivered when the recipient has a socket taking live messages.
 */
final class SendBatch {
  private final DSLContext tx;
  private final List<StoreOp> ops;
  private final Instant now;
  private final Object[] results;
  private final BatchRun.Context context;
  private final List<Integer> sends = new ArrayList<>();

  /** The first send of each key in this batch stores it; repeats answer with it. */
  private final Map<ClientKey, Integer> firstOfKey = new HashMap<>();

  SendBatch(
      DSLContext tx, List<StoreOp> ops, Instant now, Object[] results, BatchRun.Context context) {
    this.tx = tx;
    this.ops = ops;
    this.now = now;
    this.results = results;
    this.context = context;
  }

  /** Stores the batch's messages; returns the ids of those stored now, by operation index. */
  Map<Integer, String> run() {
    Set<ClientKey> keys = new LinkedHashSet<>();
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof Send s) {
        sends.add(i);
        if (s.draft().clientMessageId() != null) {
          keys.add(key(s));
        }
      }
    }
    if (sends.isEmpty()) {
      return Map.of();
    }
    Map<String, Integer> countByRecipient = new HashMap<>();
    List<Integer> toStore = new ArrayList<>();
    Map<ClientKey, StoredMessage> existing = MessageStore.findByClientKeys(tx, keys);
    for (int i : sends) {
      Send s = (Send) ops.get(i);
      if (s.draft().clientMessageId() != null) {
        StoredMessage stored = existing.get(key(s));
        if (stored != null) {
          results[i] = new SendOutcome.Stored(stored, false);
          continue;
        }
        if (firstOfKey.putIfAbsent(key(s), i) != null) {
          continue; // answered after the first is stored
        }
      }
      toStore.add(i);
      countByRecipient.merge(s.draft().recipientId(), 1, Integer::sum);
    }
    MessageInsert.store(tx, rows(toStore, firstOffsets(countByRecipient)));
    answerRepeats();
    Map<Integer, String> ids = new HashMap<>();
    for (int i : sends) {
      if (results[i] instanceof SendOutcome.Stored stored && stored.created()) {
        ids.put(i, stored.message().id());
      }
    }
    return ids;
  }

  /** Takes the offsets; returns each existing recipient's first new one. */
  private Map<String, Long> firstOffsets(Map<String, Integer> countByRecipient) {
    Map<String, Long> next = new HashMap<>();
    MessageWrites.takeOffsets(tx, countByRecipient)
        .forEach(
            (recipient, last) -> next.put(recipient, last - countByRecipient.get(recipient) + 1));
    return next;
  }

  /** The rows of the messages to store, in batch order; unknown recipients are refused. */
  private List<StoredMessage> rows(List<Integer> toStore, Map<String, Long> nextSeq) {
    // a user whose inbox opens earlier in this batch takes live messages from then on
    Set<String> opening = new HashSet<>();
    List<StoredMessage> rows = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < ops.size() && next < toStore.size(); i++) {
      if (ops.get(i) instanceof OpenInbox o) {
        opening.add(o.userId());
      }
      if (toStore.get(next) != i) {
        continue;
      }
      next++;
      Draft d = ((Send) ops.get(i)).draft();
      Long seq = nextSeq.get(d.recipientId());
      if (seq == null) {
        results[i] = new SendOutcome.RecipientNotFound();
        continue;
      }
      nextSeq.put(d.recipientId(), seq + 1);
      boolean live = context.live().isOpen(d.recipientId()) || opening.contains(d.recipientId());
      StoredMessage row =
          StoredMessage.of(
              d, context.messageIds().next(now.toEpochMilli()), now, seq, live ? now : null);
      rows.add(row);
      results[i] = new SendOutcome.Stored(row, true);
    }
    return rows;
  }

  /** Repeats of a key within the batch get the first's outcome. */
  private void answerRepeats() {
    for (int i : sends) {
      if (results[i] == null) {
        Object first = results[firstOfKey.get(key((Send) ops.get(i)))];
        results[i] =
            first instanceof SendOutcome.Stored stored
                ? new SendOutcome.Stored(stored.message(), false)
                : first;
      }
    }
  }

  private static ClientKey key(Send s) {
    return new ClientKey(s.draft().senderId(), s.draft().clientMessageId());
  }
}
