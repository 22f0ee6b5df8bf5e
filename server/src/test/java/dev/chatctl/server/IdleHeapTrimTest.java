package dev.chatctl.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When the idle trim asks for a collection (its effect on resident memory is in BENCHMARKS.md). */
class IdleHeapTrimTest {
  private static final long MB = 1 << 20;

  @Test
  void collectsOnlyAQuietServerWhoseHeapIsMostlyFree() {
    assertTrue(
        IdleHeapTrim.shouldCollect(true, 11 * MB, 490 * MB),
        "quiet after a burst: 11 of 490 MB used");
    assertFalse(
        IdleHeapTrim.shouldCollect(false, 11 * MB, 490 * MB),
        "collections ran since the last look: busy");
    assertFalse(
        IdleHeapTrim.shouldCollect(true, 60 * MB, 100 * MB),
        "less than half free: the heap is its right size");
    assertFalse(
        IdleHeapTrim.shouldCollect(true, 10 * MB, 64 * MB), "under 64 MB free: not worth a pause");
  }
}
