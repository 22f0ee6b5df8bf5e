package dev.chatctl.cli.bench;

/**
 * The schedule of an open-loop run: send {@code i} is due at {@code start + i / rate}, whatever
 * happened to the sends before it. Latency is measured from that intended instant, not from when
 * the send went out, so a stalled server (or load generator) cannot hide its stall by slowing the
 * offered load (no coordinated omission).
 */
final class OpenLoop {
  private final long startNanos;
  private final double intervalNanos;
  private final long endIndex;
  private long next;

  /**
   * @param startNanos the first send's instant (a System.nanoTime() value)
   * @param ratePerSecond offered sends per second, more than 0
   * @param durationNanos how long to offer them: sends due before {@code start + duration}
   */
  OpenLoop(long startNanos, double ratePerSecond, long durationNanos) {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("the rate must be more than 0");
    }
    this.startNanos = startNanos;
    this.intervalNanos = 1e9 / ratePerSecond;
    // sends due before the end; the small term keeps 10 s at 3/s from counting a 31st by rounding
    this.endIndex = (long) Math.ceil(durationNanos * ratePerSecond / 1e9 - 1e-9);
  }

  /** When send {@code i} is due. */
  long intendedAt(long i) {
    return startNanos + Math.round(i * intervalNanos);
  }

  /** How many sends the schedule holds in all. */
  long total() {
    return endIndex;
  }

  /** The index of the next send not yet taken. */
  long next() {
    return next;
  }

  /** True when every send of the schedule has been taken. */
  boolean done() {
    return next >= endIndex;
  }

  /**
   * Takes the next send if it is due at {@code now}: returns its index, else -1. A sender that fell
   * behind takes every overdue send at once, each with its own intended instant.
   */
  long takeDue(long now) {
    if (next >= endIndex || intendedAt(next) > now) {
      return -1;
    }
    return next++;
  }

  /** Nanoseconds from {@code now} until the next send is due (0 when overdue, -1 when done). */
  long waitNanos(long now) {
    if (done()) {
      return -1;
    }
    return Math.max(0, intendedAt(next) - now);
  }
}
