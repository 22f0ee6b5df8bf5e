package dev.chatctl.server.chat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;

/**
 * Bounds how long a socket waits for its work (STORE_TIMEOUT) with one queue for the whole node:
 * every wait has the same length, so deadlines come in the order the waits began, and a periodic
 * {@link #sweep} fails those at the head that are past it. A timer per request (what {@code
 * CompletableFuture.orTimeout} does) cost about 15% of the server's CPU at 25,000 messages/s in
 * {@code bench throughput}; this costs one queue entry, held for the timeout, so the queue holds at
 * most the requests of one timeout's span. A deadline fires up to one sweep period late.
 */
final class Deadlines {
  /** No bound: work is waited for as long as it takes. */
  static final Deadlines NONE = new Deadlines(Duration.ZERO);

  private record Pending(long deadlineNanos, CompletableFuture<?> waiter) {}

  private final long timeoutNanos;
  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

  Deadlines(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /**
   * What a socket waits on for {@code work}: the work's result, or a {@link TimeoutException} once
   * the timeout has passed (the work itself goes on; what depends on it still happens).
   */
  <T> CompletableFuture<T> bound(CompletableFuture<T> work) {
    if (timeoutNanos <= 0 || work.isDone()) {
      return work;
    }
    CompletableFuture<T> waiter = work.copy();
    pending.add(new Pending(System.nanoTime() + timeoutNanos, waiter));
    return waiter;
  }

  /** Fails the waits past their deadline and forgets the finished ones at the head. */
  void sweep() {
    long now = System.nanoTime();
    Pending head;
    while ((head = pending.peek()) != null
        && (head.waiter().isDone() || now - head.deadlineNanos() >= 0)) {
      pending.poll();
      head.waiter()
          .completeExceptionally(
              new TimeoutException("no answer within " + Duration.ofNanos(timeoutNanos)));
    }
  }

  /** Waits not yet swept (finished ones included until they reach the head). */
  int size() {
    return pending.size();
  }
}
