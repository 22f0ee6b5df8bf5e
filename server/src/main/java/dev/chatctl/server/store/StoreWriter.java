package dev.chatctl.server.store;

import dev.chatctl.util.Throwables;
import dev.chatctl.util.RandomIds;
import dev.chatctl.protocol.chat.ClientEvent.SendMessage;
import dev.chatctl.server.auth.Identity;
import dev.chatctl.server.store.MessageStore.ClientKey;
import dev.chatctl.server.store.MessageStore.NewMessage;
import dev.chatctl.server.store.StoreOp.Admit;
import dev.chatctl.server.store.StoreOp.Admitted;
import dev.chatctl.server.store.StoreOp.Backlog;
import dev.chatctl.server.store.StoreOp.Deliveries;
import dev.chatctl.server.store.StoreOp.OpenInbox;
import dev.chatctl.server.store.StoreOp.Read;
import dev.chatctl.server.store.StoreOp.Send;
import dev.chatctl.server.store.StoreOp.SendOutcome;
import dev.chatctl.server.store.StoreOp.Touch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of this node: takes {@link StoreOp}s from any thread and stores them in batches,
 * one transaction per batch, on its own thread. A batch is as large as the queue when the writer
 * comes back for more (up to the batch size), so under load many messages share one round trip
 * and one commit, and when idle a message is stored alone at once.
 *
 * <p>Order: operations are executed and completed in submission order, so the messages of one
 * socket are stored, acknowledged and delivered in the order it sent them. Offsets: a batch takes
 * each recipient's offsets under that user row's lock, held until commit (see {@link
 * MessageStore#takeOffsets}). A batch that fails is split and retried in halves, so one bad
 * operation fails alone; when the database cannot be reached every operation fails at once.
 */
public final class StoreWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);

  /** Most backlog messages sent to a socket per batch; the rest follow in later batches. */
  public static final int BACKLOG_PAGE = 1000;

  /** The writer is stopping: the operation was not stored. */
  public static final class Stopped extends IllegalStateException {
    Stopped() {
      super("the server is shutting down", null);
    }
  }

  /** What the writer needs to know of live sockets: whether a user has one that takes messages. */
  public interface Inboxes {
    boolean hasReadySocket(String userId);
  }

  private final Database database;
  private final Inboxes inboxes;
  private final Clock clock;
  private final int maxBatch;
  private final Duration recoveryWindow;
  private final MessageIds messageIds = new MessageIds();
  private final LinkedBlockingQueue<StoreOp> queue = new LinkedBlockingQueue<>();
  private final List<Runnable> afterBatch = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopping;
  private final Timer batchTimer;
  private final DistributionSummary batchSizes;
  private final Counter failedOps;

  public StoreWriter(Database database, Inboxes inboxes, Clock clock, int maxBatch, Duration recoveryWindow, MeterRegistry metrics) {
    this.database = database;
    this.inboxes = inboxes;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.recoveryWindow = recoveryWindow;
    this.batchTimer = Timer.builder("chatctl.store.batch").description("Time to store one batch, commit included").publishPercentiles(0.5, 0.99).register(metrics);
    this.batchSizes = DistributionSummary.builder("chatctl.store.batch.size").description("Operations per stored batch").register(metrics);
    this.failedOps = Counter.builder("chatctl.store.failures").description("Operations the store failed").register(metrics);
    metrics.gauge("chatctl.store.queue", queue, LinkedBlockingQueue::size);
    this.thread = Thread.ofPlatform().name("chatctl-store-writer").daemon(false).unstarted(this::run);
  }

  public StoreWriter start() {
    thread.start();
    return this;
  }

  /** Queues an operation; its result completes on the writer thread after its batch. */
  public <T> CompletableFuture<T> submit(StoreOp op) {
    if (stopping) {
      op.result().completeExceptionally(new Stopped());
    } else {
      queue.add(op);
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<T> result = (CompletableFuture<T>) op.result();
    return result;
  }

  /** Operations waiting. */
  public int backlog() {
    return queue.size();
  }

  /**
   * Runs a task on the writer thread after every completion of the current batch (from a
   * completion callback), before the next batch starts.
   */
  public void afterThisBatch(Runnable task) {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("afterThisBatch is for completion callbacks");
    }
    afterBatch.add(task);
  }

  public boolean onWriterThread() {
    return Thread.currentThread() == thread;
  }

  /** Stores what is queued, then stops. */
  @Override
  public void close() {
    stopping = true;
    // woken by an operation that does nothing, not by an interrupt: interrupting a thread in the
    // middle of H2's file I/O closes H2's file channel and loses the batch
    queue.add(new Touch(List.of(), false, new CompletableFuture<>()));
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<StoreOp> batch = new ArrayList<>(maxBatch);
    while (true) {
      StoreOp first;
      try {
        first = stopping ? queue.poll() : queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        if (stopping) {
          return;
        }
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, maxBatch - 1);
      try {
        process(batch);
      } catch (RuntimeException | Error e) {
        log.error("store writer failed on a batch", e);
        fail(batch, e);
      }
      batch.clear();
    }
  }

  private void process(List<StoreOp> batch) {
    long start = System.nanoTime();
    Object[] results;
    try {
      results = execute(batch, true);
    } catch (RuntimeException e) {
      if (unreachable(e) || batch.size() == 1) {
        if (!unreachable(e)) {
          log.warn("store operation failed: {}", Database.reason(e));
        } else {
          log.error("database unreachable: {}", Database.reason(e));
        }
        fail(batch, e);
        return;
      }
      // split, so that one bad operation fails alone
      int half = batch.size() / 2;
      process(new ArrayList<>(batch.subList(0, half)));
      process(new ArrayList<>(batch.subList(half, batch.size())));
      return;
    }
    batchTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    batchSizes.record(batch.size());
    complete(batch, results);
  }

  /** Runs a batch in one transaction (retried once on a unique-key race with another node). */
  private Object[] execute(List<StoreOp> batch, boolean retryRace) {
    Instant now = Instant.ofEpochMilli(clock.millis());
    try {
      return database.dsl().transactionResult(cfg -> new BatchRun(DSL.using(cfg), batch, now).run());
    } catch (RuntimeException e) {
      if (retryRace && uniqueViolation(e)) {
        return execute(batch, false);
      }
      throw e;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void complete(List<StoreOp> batch, Object[] results) {
    completionScope.accept(() -> {
      for (int i = 0; i < batch.size(); i++) {
        CompletableFuture future = batch.get(i).result();
        try {
          future.complete(results[i]);
        } catch (RuntimeException e) {
          log.error("completion of {} failed", batch.get(i).getClass().getSimpleName(), e);
        }
      }
    });
    runAfterBatch();
  }

  /**
   * Runs a batch's completions (the answers and deliveries they write) inside {@code scope}: the
   * server gathers the socket writes of a whole batch there. Set before {@link #start}.
   */
  public StoreWriter completingWithin(java.util.function.Consumer<Runnable> scope) {
    this.completionScope = scope;
    return this;
  }

  private java.util.function.Consumer<Runnable> completionScope = Runnable::run;

  private void fail(List<StoreOp> batch, Throwable e) {
    failedOps.increment(batch.size());
    for (StoreOp op : batch) {
      try {
        op.result().completeExceptionally(e);
      } catch (RuntimeException callback) {
        log.error("failure callback failed", callback);
      }
    }
    runAfterBatch();
  }

  private void runAfterBatch() {
    while (!afterBatch.isEmpty()) {
      List<Runnable> tasks = new ArrayList<>(afterBatch);
      afterBatch.clear();
      for (Runnable task : tasks) {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("after-batch task failed", e);
        }
      }
    }
  }

  static boolean unreachable(Throwable e) {
    return Throwables.find(
            e,
            t -> t instanceof SQLTransientConnectionException
                || t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08"))
        != null;
  }

  static boolean uniqueViolation(Throwable e) {
    return Throwables.find(e, t -> t instanceof SQLException s && ("23505".equals(s.getSQLState()) || s.getErrorCode() == 23505)) != null;
  }

  static String newPid() {
    return RandomIds.urlSafe(15);
  }

  /** One batch's work inside its transaction; results are index-aligned with the batch. */
  private final class BatchRun {
    private final DSLContext tx;
    private final List<StoreOp> ops;
    private final Instant now;
    private final Object[] results;

    BatchRun(DSLContext tx, List<StoreOp> ops, Instant now) {
      this.tx = tx;
      this.ops = ops;
      this.now = now;
      this.results = new Object[ops.size()];
    }

    Object[] run() {
      deliveries();
      admits();
      Map<Integer, String> laterIds = sends();
      inboxes(laterIds);
      reads();
      touches();
      return results;
    }

    private void deliveries() {
      Set<String> delivered = new LinkedHashSet<>();
      Set<String> undelivered = new LinkedHashSet<>();
      for (int i = 0; i < ops.size(); i++) {
        if (ops.get(i) instanceof Deliveries d) {
          delivered.addAll(d.delivered());
          undelivered.addAll(d.undelivered());
        }
      }
      MessageStore.markDelivered(tx, delivered, now);
      MessageStore.unmarkDelivered(tx, undelivered);
    }

    private void admits() {
      Map<String, Identity> upserts = new LinkedHashMap<>();
      Set<String> pids = new HashSet<>();
      for (StoreOp op : ops) {
        if (op instanceof Admit a) {
          if (a.upsert()) {
            upserts.put(a.identity().userId(), a.identity());
          }
          if (a.pid() != null) {
            pids.add(a.pid());
          }
        }
      }
      if (upserts.isEmpty() && !ops.stream().anyMatch(op -> op instanceof Admit)) {
        return;
      }
      Map<String, UserRecord> users = UserStore.upsert(tx, upserts.values(), MessageStore.odt(now));
      Map<String, RecoveryStore.Session> sessions = RecoveryStore.find(tx, pids);
      Instant cutoff = now.minus(recoveryWindow);
      List<String> resumed = new ArrayList<>();
      Map<String, String> started = new LinkedHashMap<>();
      for (int i = 0; i < ops.size(); i++) {
        if (ops.get(i) instanceof Admit a) {
          String userId = a.identity().userId();
          RecoveryStore.Session session = a.pid() == null ? null : sessions.get(a.pid());
          if (session != null && session.userId().equals(userId) && session.lastSeenAt().isAfter(cutoff)) {
            resumed.add(session.pid());
            long after = a.offset() != null ? a.offset() : session.baseSeq();
            results[i] = new Admitted(session.pid(), true, after, users.get(userId));
          } else {
            String pid = newPid();
            started.put(pid, userId);
            results[i] = new Admitted(pid, false, null, users.get(userId));
          }
        }
      }
      RecoveryStore.touch(tx, resumed, now);
      RecoveryStore.start(tx, started, now);
    }

    /** Stores the batch's messages; returns the ids of those stored now, by operation index. */
    private Map<Integer, String> sends() {
      List<Integer> sendIndexes = new ArrayList<>();
      Set<ClientKey> keys = new LinkedHashSet<>();
      for (int i = 0; i < ops.size(); i++) {
        if (ops.get(i) instanceof Send s) {
          sendIndexes.add(i);
          if (s.message().clientMessageId() != null) {
            keys.add(new ClientKey(s.senderId(), s.message().clientMessageId()));
          }
        }
      }
      if (sendIndexes.isEmpty()) {
        return Map.of();
      }
      Map<ClientKey, StoredMessage> existing = MessageStore.findByClientKeys(tx, keys);
      // the first send of a (sender, clientMessageId) in this batch stores it; repeats answer with it
      Map<ClientKey, Integer> firstOfKey = new HashMap<>();
      List<Integer> toStore = new ArrayList<>();
      Map<String, Integer> countByRecipient = new HashMap<>();
      for (int i : sendIndexes) {
        Send s = (Send) ops.get(i);
        SendMessage m = s.message();
        if (m.clientMessageId() != null) {
          ClientKey key = new ClientKey(s.senderId(), m.clientMessageId());
          StoredMessage stored = existing.get(key);
          if (stored != null) {
            results[i] = new SendOutcome.Stored(stored, false);
            continue;
          }
          if (firstOfKey.putIfAbsent(key, i) != null) {
            continue; // resolved after the first is stored
          }
        }
        toStore.add(i);
        countByRecipient.merge(m.recipientId(), 1, Integer::sum);
      }
      Map<String, Long> lastSeq = MessageStore.takeOffsets(tx, countByRecipient);
      Map<String, Long> nextSeq = new HashMap<>();
      lastSeq.forEach((recipient, last) -> nextSeq.put(recipient, last - countByRecipient.get(recipient) + 1));
      // a user whose inbox opens earlier in this batch takes live messages from then on
      Set<String> opening = new HashSet<>();
      List<NewMessage> rows = new ArrayList<>();
      int next = 0;
      for (int i = 0; i < ops.size(); i++) {
        if (ops.get(i) instanceof OpenInbox o) {
          opening.add(o.userId());
        }
        if (next < toStore.size() && toStore.get(next) == i) {
          next++;
          Send s = (Send) ops.get(i);
          SendMessage m = s.message();
          Long seq = nextSeq.get(m.recipientId());
          if (seq == null) {
            results[i] = new SendOutcome.RecipientNotFound();
            continue;
          }
          nextSeq.put(m.recipientId(), seq + 1);
          boolean live = inboxes.hasReadySocket(m.recipientId()) || opening.contains(m.recipientId());
          NewMessage row =
              new NewMessage(
                  messageIds.next(now.toEpochMilli()),
                  s.senderId(),
                  m.recipientId(),
                  m.content(),
                  m.sessionId(),
                  m.clientMessageId(),
                  now,
                  seq,
                  live ? now : null);
          rows.add(row);
          results[i] = new SendOutcome.Stored(row.stored(), true);
        }
      }
      MessageStore.store(tx, rows);
      // repeats within the batch get the first's outcome
      for (int i : sendIndexes) {
        if (results[i] == null) {
          Send s = (Send) ops.get(i);
          Object first = results[firstOfKey.get(new ClientKey(s.senderId(), s.message().clientMessageId()))];
          results[i] = first instanceof SendOutcome.Stored stored ? new SendOutcome.Stored(stored.message(), false) : first;
        }
      }
      Map<Integer, String> ids = new HashMap<>();
      for (int i : sendIndexes) {
        if (results[i] instanceof SendOutcome.Stored stored && stored.created()) {
          ids.put(i, stored.message().id());
        }
      }
      return ids;
    }

    private void inboxes(Map<Integer, String> storedIdsByIndex) {
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
      Set<String> claimed = new HashSet<>(); // each message goes to one backlog
      List<String> stamp = new ArrayList<>();
      for (int i : opens) {
        OpenInbox o = (OpenInbox) ops.get(i);
        // messages stored later in this batch reach this socket live, not in its backlog
        Set<String> later = new HashSet<>();
        storedIdsByIndex.forEach((index, id) -> {
          if (index > i) {
            later.add(id);
          }
        });
        List<StoredMessage> page = new ArrayList<>();
        boolean more;
        if (o.replayAfter() == null) {
          for (StoredMessage m : byUser.getOrDefault(o.userId(), List.of())) {
            if (m.recipientSeq() > o.cursor() && !later.contains(m.id()) && claimed.add(m.id())) {
              page.add(m);
            }
          }
          more = truncated;
        } else {
          List<StoredMessage> after = MessageStore.after(tx, o.userId(), Math.max(o.replayAfter(), o.cursor()), BACKLOG_PAGE + 1);
          more = after.size() > BACKLOG_PAGE;
          for (StoredMessage m : after.subList(0, Math.min(BACKLOG_PAGE, after.size()))) {
            if (!later.contains(m.id())) {
              page.add(m);
            }
          }
        }
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
        long cursor = page.isEmpty() ? Math.max(o.cursor(), o.replayAfter() == null ? o.cursor() : o.replayAfter()) : page.get(page.size() - 1).recipientSeq();
        results[i] = new Backlog(sent, more, cursor, newlyDelivered);
      }
      MessageStore.markDelivered(tx, stamp, now);
    }

    private void reads() {
      for (int i = 0; i < ops.size(); i++) {
        if (ops.get(i) instanceof Read r) {
          results[i] = MessageStore.markRead(tx, r.readerId(), r.messageIds(), now);
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
        RecoveryStore.expire(tx, now.minus(recoveryWindow));
      }
    }
  }
}
