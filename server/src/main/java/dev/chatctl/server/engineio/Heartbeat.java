package dev.chatctl.server.engineio;

/**
 * The ping/pong clock of one session (Engine.IO v4: the server pings every pingInterval, and a
 * client that leaves a ping unanswered for pingTimeout is gone). Times are {@link System#nanoTime}
 * values; the deadline counts from when the ping was due, since the server's heartbeat thread may
 * come round a little later. Thread-safe.
 */
final class Heartbeat {

  /** What a tick asks the session to do. */
  enum Step {
    WAIT,
    PING,
    TIMED_OUT
  }

  private final long intervalNanos;
  private final long timeoutNanos;
  private long pingDue;
  private boolean awaitingPong;

  /** The application holds back reading the client; and whether it did since the last tick. */
  private boolean readingPaused;

  private boolean pausedSinceTick;

  Heartbeat(EngineOptions options) {
    this.intervalNanos = options.pingInterval().toNanos();
    this.timeoutNanos = options.pingTimeout().toNanos();
    this.pingDue = System.nanoTime() + intervalNanos; // the first ping one interval after opening
  }

  synchronized Step tick(long now) {
    Step step = Step.WAIT;
    if (overdue(now)) {
      if (readingPaused || pausedSinceTick) {
        pingDue = now; // its pong may wait unread behind what the server held back: excused
      } else {
        step = Step.TIMED_OUT;
      }
    } else if (!awaitingPong && now - pingDue >= 0) {
      awaitingPong = true;
      step = Step.PING;
    }
    pausedSinceTick = readingPaused;
    return step;
  }

  /** The application stops or restarts reading the client (backpressure): no timeout meanwhile. */
  synchronized void readingPaused(boolean paused) {
    readingPaused = paused;
    if (paused) {
      pausedSinceTick = true;
    }
  }

  /** True when a ping went unanswered past its deadline. */
  synchronized boolean overdue(long now) {
    return awaitingPong && now - (pingDue + timeoutNanos) >= 0;
  }

  synchronized void pong(long now) {
    if (awaitingPong) {
      awaitingPong = false;
      pingDue = now + intervalNanos;
    }
  }
}
