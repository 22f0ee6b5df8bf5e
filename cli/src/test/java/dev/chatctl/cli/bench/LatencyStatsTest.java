package dev.chatctl.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {
  @Test
  void percentilesOfAKnownSpreadAreReportedInMillisecondsWithinThreeDigits() {
    LatencyStats stats = new LatencyStats();
    for (int ms = 1; ms <= 1000; ms++) {
      stats.recordNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }
    assertEquals(1000, stats.count());
    assertEquals(500, stats.percentileMillis(50), 500 * 0.001 + 0.001);
    assertEquals(990, stats.percentileMillis(99), 990 * 0.001 + 0.001);
    assertEquals(999, stats.percentileMillis(99.9), 999 * 0.001 + 0.001);
    assertEquals(1000, stats.maxMillis(), 1000 * 0.001 + 0.001);
    assertEquals(500.5, stats.meanMillis(), 1);
  }

  @Test
  void subMillisecondLatenciesKeepMicrosecondResolution() {
    LatencyStats stats = new LatencyStats();
    stats.recordNanos(250_000); // 0.25 ms
    stats.recordNanos(1_750_000); // 1.75 ms
    assertEquals(0.25, stats.percentileMillis(50), 0.001);
    assertEquals(1.75, stats.maxMillis(), 0.002);
  }

  @Test
  void nothingRecordedGivesEmptyValuesNotZeros() {
    Map<String, Object> summary = new LatencyStats().summary();
    assertNull(summary.get("p50"));
    assertNull(summary.get("max"));
    assertEquals(0L, summary.get("count"));
  }

  @Test
  void valuesBeyondAnHourAreClampedAndCountedNotLost() {
    LatencyStats stats = new LatencyStats();
    stats.recordNanos(TimeUnit.HOURS.toNanos(2));
    stats.recordNanos(-5); // a clock oddity counts as 0, not as an error
    assertEquals(2, stats.count());
    assertEquals(1, stats.clamped());
    assertEquals(1L, stats.summary().get("clampedAtOneHour"));
    assertTrue(stats.maxMillis() >= TimeUnit.HOURS.toMillis(1) * 0.999);
  }

  @Test
  void percentileLabels() {
    assertEquals("p50", LatencyStats.label(50));
    assertEquals("p99.9", LatencyStats.label(99.9));
  }
}
