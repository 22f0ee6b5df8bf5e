package dev.chatctl.server.engineio;

/**
 * The ping/pong clock of one session (Engine.IO v4: the server pings every pingInterval, and a
 * client that leaves a ping unanswered for pingTimeout is gone). Times are {@link System#nanoTime}
 * values; the deadline counts from when the ping was due, since the server's heartbeat thread may
 * come round a little later. Thread-safe.
 */
final class Heartbeat {

  /** What a tick asks the session to do. */
  enum Step { WAIT, PING, TIMED_OUT }

  private final long intervalNanos;
  private final long timeoutNanos;
  private long pingDue;
  private boolean awaitingPong;

  Heartbeat(EngineOptions options) {
    this.intervalNanos = options.pingInterval().toNanos();
    this.timeoutNanos = options.pingTimeout().toNanos();
    this.pingDue = System.nanoTime() + intervalNanos; // the first ping one interval after opening
  }

  synchronized Step tick(long now) {
    if (overdue(now)) {
      return Step.TIMED_OUT;
    }
    if (!awaitingPong && now - pingDue >= 0) {
      awaitingPong = true;
      return Step.PING;
    }
    return Step.WAIT;
  }

  /** True when a ping went unanswered past its deadline. */
  synchronized boolean overdue(long now) {
    return awaitingPong && now - (pingDue + timeoutNanos) >= 0;
  }

  /**
   * The client could not be heard (the server held back reading its connection, and its pong with
   * it): an outstanding ping's deadline counts again from now.
   */
  synchronized void excuse(long now) {
    if (awaitingPong) {
      pingDue = now;
    }
  }

  synchronized void pong(long now) {
    if (awaitingPong) {
      awaitingPong = false;
      pingDue = now + intervalNanos;
    }
  }
}
