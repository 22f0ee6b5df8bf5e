package dev.chatctl.cli.client;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;

/**
 * When a {@link SocketClient} tries to connect again, and after how long, as socket.io-client's
 * Manager decides it: the first connect is never retried (it succeeds, or the caller hears why);
 * once a connection has been up, a lost connection and a failed attempt are retried after {@link
 * Backoff} delays, except a refusal (a bad token stays bad) unless it is the server's own fault
 * ({@code INTERNAL}). The count of attempts starts over at every connect.
 *
 * <p>Holds the timer of the next attempt. Not thread-safe: the client's event loop owns it.
 */
final class Reconnection {
  /** A scheduled attempt: its number (1 is the first retry) and the wait before it. */
  record Attempt(int number, Duration delay) {}

  private final boolean enabled;
  private final Backoff backoff;
  private final RandomGenerator random;
  private final BiFunction<Duration, Runnable, ScheduledFuture<?>> timers;
  private boolean everConnected;
  private int attempts;
  private ScheduledFuture<?> timer;

  /**
   * @param enabled whether to reconnect at all ({@link ClientOptions#reconnect()})
   * @param timers runs a task after a delay (on the event loop); may answer null when shut down
   */
  Reconnection(
      boolean enabled,
      Backoff backoff,
      RandomGenerator random,
      BiFunction<Duration, Runnable, ScheduledFuture<?>> timers) {
    this.enabled = enabled;
    this.backoff = backoff;
    this.random = random;
    this.timers = timers;
  }

  /** A connect succeeded: later failures are retried, counting from 1 again. */
  void connected() {
    everConnected = true;
    attempts = 0;
  }

  /** Whether this client was ever connected (so that the next connect is a reconnect). */
  boolean everConnected() {
    return everConnected;
  }

  /** Whether a connection that was up and is now lost is re-established. */
  boolean afterLoss() {
    return enabled;
  }

  /** Whether a connect attempt that failed with {@code error} is followed by another. */
  boolean afterFailure(ClientException error) {
    return everConnected
        && enabled
        && (error.kind() != ClientException.Kind.REFUSED || "INTERNAL".equals(error.code()));
  }

  /** Counts the next attempt and runs {@code attempt} after its backoff delay; returns which. */
  Attempt schedule(Runnable attempt) {
    attempts++;
    Attempt next = new Attempt(attempts, backoff.delay(attempts, random));
    cancel();
    timer = timers.apply(next.delay(), attempt);
    return next;
  }

  /** Attempts made since the last connect. */
  int attempts() {
    return attempts;
  }

  /** Drops the attempt scheduled, if any. */
  void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
