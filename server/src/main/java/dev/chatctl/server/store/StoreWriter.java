package dev.chatctl.server.store;

import dev.chatctl.server.store.StoreOp.Touch;
import dev.chatctl.util.Throwables;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of this node: takes {@link StoreOp}s from any thread and stores them in batches,
 * one transaction per batch, on its own thread. A batch is as large as the queue when the writer
 * comes back for more (up to the batch size), so under load many messages share one round trip and
 * one commit, and when idle a message is stored alone at once.
 *
 * <p>Order: operations are executed and completed in submission order, so the messages of one
 * socket are stored, acknowledged and delivered in the order it sent them. Offsets: a batch takes
 * each recipient's offsets under that user row's lock, held until commit (see {@link
 * MessageWrites#takeOffsets}). A batch that fails is split and retried in halves, so one bad
 * operation fails alone; when the database cannot be reached every operation fails at once.
 *
 * <p>This class is the queue, the thread, the retries and the completions; one batch's work is a
 * {@link BatchRun}, which returns what it decided and calls nothing outside the store.
 */
public final class StoreWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);

  /** The writer is stopping: the operation was not stored. */
  public static final class Stopped extends IllegalStateException {
    Stopped() {
      super("the server is shutting down", null);
    }
  }

  /** The database cannot be reached (or did not answer in time): the operation was not stored. */
  public static final class Unavailable extends IllegalStateException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Most delivery corrections kept for a retry while the database is unreachable. */
  private static final int MAX_RETAINED = 100_000;

  private final Database database;
  private final Clock clock;
  private final int maxBatch;
  private final BatchRun.Context context;
  private final long timeoutNanos;
  private final FairQueue queue = new FairQueue();
  private final List<Runnable> afterBatch = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopping;
  private final Timer batchTimer;
  private final DistributionSummary batchSizes;
  private final Counter failedOps;

  /**
   * @param live the users with a socket taking live messages: a message to one of them is stamped
   *     delivered as it is stored
   * @param timeout how long an operation may wait in the queue; past it, it fails {@link
   *     Unavailable} instead of being stored (its client was told so)
   */
  public StoreWriter(
      Database database,
      LiveInboxes live,
      Clock clock,
      int maxBatch,
      Duration recoveryWindow,
      Duration timeout,
      MeterRegistry metrics) {
    this.database = database;
    this.timeoutNanos = timeout.toNanos();
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.context = new BatchRun.Context(new MessageIds(), live, recoveryWindow);
    this.batchTimer =
        Timer.builder("chatctl.store.batch")
            .description("Time to store one batch, commit included")
            .publishPercentiles(0.5, 0.99)
            .register(metrics);
    this.batchSizes =
        DistributionSummary.builder("chatctl.store.batch.size")
            .description("Operations per stored batch")
            .register(metrics);
    this.failedOps =
        Counter.builder("chatctl.store.failures")
            .description("Operations the store failed")
            .register(metrics);
    metrics.gauge("chatctl.store.queue", queue, FairQueue::size);
    this.thread =
        Thread.ofPlatform().name("chatctl-store-writer").daemon(false).unstarted(this::run);
  }

  public StoreWriter start() {
    thread.start();
    return this;
  }

  /**
   * Queues one of the server's own operations; its result completes on the writer thread after its
   * batch.
   */
  public <T> CompletableFuture<T> submit(StoreOp op) {
    return submit(null, op);
  }

  /** Queues an operation of a socket, in its lane (see {@link FairQueue}). */
  public <T> CompletableFuture<T> submit(StoreLane lane, StoreOp op) {
    if (stopping) {
      op.result().completeExceptionally(new Stopped());
    } else {
      queue.add(lane, op, System.nanoTime() + timeoutNanos);
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<T> result = (CompletableFuture<T>) op.result();
    return result;
  }

  /**
   * Runs a task on the writer thread after every completion of the current batch (from a completion
   * callback), before the next batch starts.
   */
  public void afterThisBatch(Runnable task) {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("afterThisBatch is for completion callbacks");
    }
    afterBatch.add(task);
  }

  /** Stores what is queued, then stops. */
  @Override
  public void close() {
    stopping = true;
    // woken by an operation that does nothing, not by an interrupt: interrupting a thread in the
    // middle of H2's file I/O closes H2's file channel and loses the batch
    queue.add(null, new Touch(List.of(), false, new CompletableFuture<>()), Long.MAX_VALUE);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<StoreOp> batch = new ArrayList<>(maxBatch);
    List<StoreOp> expired = new ArrayList<>();
    while (true) {
      try {
        queue.take(batch, expired, maxBatch, stopping ? 0 : 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!expired.isEmpty()) {
        fail(
            expired,
            new Unavailable("not stored in time: the database is unreachable or overloaded", null));
        expired.clear();
      }
      if (batch.isEmpty()) {
        if (stopping && queue.size() == 0) {
          return;
        }
        continue;
      }
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
      if (unreachable(e)) {
        log.error("database unreachable: {}", Database.reason(e));
        unreachable(batch, e);
        return;
      }
      if (batch.size() == 1) {
        log.warn("store operation failed: {}", Database.reason(e));
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
      return database
          .dsl()
          .transactionResult(cfg -> new BatchRun(DSL.using(cfg), batch, now, context).run());
    } catch (RuntimeException e) {
      if (retryRace && uniqueViolation(e)) {
        return execute(batch, false);
      }
      throw e;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void complete(List<StoreOp> batch, Object[] results) {
    completionScope.accept(
        () -> {
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
  public StoreWriter completingWithin(Consumer<Runnable> scope) {
    this.completionScope = scope;
    return this;
  }

  private Consumer<Runnable> completionScope = Runnable::run;

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

  /**
   * Fails a batch the database could not take: delivery corrections are queued again (they say what
   * sockets were written, which must not be forgotten); the rest fail {@link Unavailable}.
   */
  private void unreachable(List<StoreOp> batch, RuntimeException e) {
    List<StoreOp> failed = new ArrayList<>(batch.size());
    for (StoreOp op : batch) {
      if (op instanceof StoreOp.Deliveries && !stopping && queue.size() < MAX_RETAINED) {
        queue.add(null, op, Long.MAX_VALUE);
      } else {
        failed.add(op);
      }
    }
    fail(failed, new Unavailable("the database is unreachable", e));
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
            t ->
                t instanceof SQLTransientConnectionException
                    || t instanceof SQLException s
                        && s.getSQLState() != null
                        && s.getSQLState().startsWith("08"))
        != null;
  }

  static boolean uniqueViolation(Throwable e) {
    return Throwables.find(
            e,
            t ->
                t instanceof SQLException s
                    && ("23505".equals(s.getSQLState()) || s.getErrorCode() == 23505))
        != null;
  }
}
