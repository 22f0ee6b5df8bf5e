package dev.chatctl.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latencies of a run in an HdrHistogram (microsecond resolution, 3 significant digits, up to one
 * hour), reported in milliseconds. Recorded on one thread (the loop); read when the run is over.
 */
final class LatencyStats {
  static final double[] PERCENTILES = {50, 90, 99, 99.9};
  private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

  private final Histogram histogram = new Histogram(MAX_MICROS, 3);

  /** Values above the histogram's range (clamped into it), reported so none is hidden. */
  private long clamped;

  void recordNanos(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    if (micros > MAX_MICROS) {
      clamped++;
      micros = MAX_MICROS;
    }
    histogram.recordValue(micros);
  }

  long count() {
    return histogram.getTotalCount();
  }

  long clamped() {
    return clamped;
  }

  /** The value at a percentile, in milliseconds (NaN when nothing was recorded). */
  double percentileMillis(double percentile) {
    return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxMillis() {
    return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
  }

  double meanMillis() {
    return count() == 0 ? Double.NaN : histogram.getMean() / 1000.0;
  }

  /**
   * {@code p50, p90, p99, p99.9, max, mean} in milliseconds, rounded to microseconds, the count,
   * and how many values were beyond the range when any were.
   */
  Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (double p : PERCENTILES) {
      out.put(label(p), round(percentileMillis(p)));
    }
    out.put("max", round(maxMillis()));
    out.put("mean", round(meanMillis()));
    out.put("count", count());
    if (clamped > 0) {
      out.put("clampedAtOneHour", clamped);
    }
    return out;
  }

  static String label(double percentile) {
    return "p"
        + (percentile == Math.rint(percentile)
            ? String.valueOf((long) percentile)
            : String.valueOf(percentile));
  }

  static Double round(double millis) {
    return Double.isNaN(millis) ? null : Math.round(millis * 1000) / 1000.0;
  }
}
