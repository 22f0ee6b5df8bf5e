package dev.chatctl.server.store;

import dev.chatctl.server.store.StoreOp.Admit;
import dev.chatctl.server.store.StoreOp.Admitted;
import dev.chatctl.server.store.StoreOp.Deliveries;
import dev.chatctl.server.store.StoreOp.Read;
import dev.chatctl.server.store.StoreOp.Touch;
import dev.chatctl.util.RandomIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * One batch's work inside its transaction, kind by kind: delivery corrections, connects, messages
 * ({@link SendBatch}), backlogs ({@link InboxBatch}), reads, session refreshes. Its results are
 * index-aligned with the batch: what the batch decided, for the writer to complete after commit.
 */
final class BatchRun {
  /** What a batch needs of its writer. */
  record Context(MessageIds messageIds, LiveInboxes live, Duration recoveryWindow) {}

  private final DSLContext tx;
  private final List<StoreOp> ops;
  private final Instant now;
  private final Context context;
  private final Object[] results;

  BatchRun(DSLContext tx, List<StoreOp> ops, Instant now, Context context) {
    this.tx = tx;
    this.ops = ops;
    this.now = now;
    this.context = context;
    this.results = new Object[ops.size()];
  }

  Object[] run() {
    deliveries();
    admits();
    Map<Integer, String> storedIds = new SendBatch(tx, ops, now, results, context).run();
    new InboxBatch(tx, ops, now, results).run(storedIds);
    reads();
    touches();
    return results;
  }

  private void deliveries() {
    Set<String> delivered = new LinkedHashSet<>();
    Set<String> undelivered = new LinkedHashSet<>();
    for (StoreOp op : ops) {
      if (op instanceof Deliveries d) {
        delivered.addAll(d.delivered());
        undelivered.addAll(d.undelivered());
      }
    }
    MessageWrites.markDelivered(tx, delivered, now);
    MessageWrites.unmarkDelivered(tx, undelivered);
  }

  private void admits() {
    Map<String, Profile> upserts = new LinkedHashMap<>();
    Set<String> pids = new HashSet<>();
    boolean any = false;
    for (StoreOp op : ops) {
      if (op instanceof Admit a) {
        any = true;
        if (a.upsert()) {
          upserts.put(a.profile().userId(), a.profile());
        }
        if (a.pid() != null) {
          pids.add(a.pid());
        }
      }
    }
    if (!any) {
      return;
    }
    Map<String, UserRecord> users = UserStore.upsert(tx, upserts.values(), MessageStore.odt(now));
    Map<String, RecoveryStore.Session> sessions = RecoveryStore.find(tx, pids);
    Instant cutoff = now.minus(context.recoveryWindow());
    List<String> resumed = new ArrayList<>();
    Map<String, String> started = new LinkedHashMap<>();
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof Admit a) {
        String userId = a.profile().userId();
        RecoveryStore.Session session = a.pid() == null ? null : sessions.get(a.pid());
        if (session != null
            && session.userId().equals(userId)
            && session.lastSeenAt().isAfter(cutoff)) {
          resumed.add(session.pid());
          long after = a.offset() != null ? a.offset() : session.baseSeq();
          results[i] = new Admitted(session.pid(), true, after, users.get(userId));
        } else {
          String pid = RandomIds.urlSafe(15);
          started.put(pid, userId);
          results[i] = new Admitted(pid, false, null, users.get(userId));
        }
      }
    }
    RecoveryStore.touch(tx, resumed, now);
    RecoveryStore.start(tx, started, now);
  }

  private void reads() {
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof Read r) {
        results[i] = MessageWrites.markRead(tx, r.readerId(), r.messageIds(), now);
      }
    }
  }

  private void touches() {
    Set<String> pids = new LinkedHashSet<>();
    boolean expire = false;
    for (StoreOp op : ops) {
      if (op instanceof Touch t) {
        pids.addAll(t.pids());
        expire |= t.expire();
      }
    }
    RecoveryStore.touch(tx, pids, now);
    if (expire) {
      RecoveryStore.expire(tx, now.minus(context.recoveryWindow()));
    }
  }
}
