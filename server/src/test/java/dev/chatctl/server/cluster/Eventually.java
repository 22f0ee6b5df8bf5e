package dev.chatctl.server.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition the cluster reaches asynchronously. */
final class Eventually {
  private Eventually() {}

  static void within(Duration limit, String what, BooleanSupplier condition) {
    within(limit, () -> what, condition);
  }

  static void within(Duration limit, Supplier<String> what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
