package dev.chatctl.server.cluster;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Sends commands on one Redis connection with at most {@code limit} unanswered, queueing the rest
 * in order: a burst (a restarted node's clients all connecting) stays under {@code REDIS_QUEUE}
 * instead of being refused by it. Commands leave in the order they were given, so two for the same
 * key keep theirs. The queue holds at most one entry per socket event, so the connection limit
 * bounds it.
 */
final class Throttle {
  private final int limit;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>(); // guarded by itself
  private int inFlight; // guarded by waiting

  Throttle(int limit) {
    this.limit = limit;
  }

  /** A limit well under the connection's queue bound. */
  static Throttle under(int redisQueue) {
    return new Throttle(Math.min(1_000, redisQueue / 2));
  }

  /** Sends {@code command} now or when an earlier one is answered; completes with its answer. */
  <T> CompletionStage<T> send(Supplier<? extends CompletionStage<T>> command) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable send =
        () -> {
          CompletionStage<T> sent;
          try {
            sent = command.get();
          } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
          }
          sent.whenComplete(
              (value, error) -> {
                release();
                Futures.complete(result, value, error);
              });
        };
    synchronized (waiting) {
      if (inFlight >= limit) {
        waiting.add(send);
        return result;
      }
      inFlight++;
    }
    send.run();
    return result;
  }

  /** Commands queued, not yet sent. */
  int waiting() {
    synchronized (waiting) {
      return waiting.size();
    }
  }

  private void release() {
    Runnable next;
    synchronized (waiting) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
