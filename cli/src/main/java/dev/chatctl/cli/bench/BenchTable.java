package dev.chatctl.cli.bench;

import java.util.Locale;
import java.util.Map;

/**
 * A run's result as people read it: labels instead of the JSON keys, the unit beside each value,
 * and one precision rule for every number (see {@link #number}). The JSON keeps its keys for
 * scripts.
 */
final class BenchTable {
  /** A key's label and unit ("" when it counts things). */
  private record Label(String text, String unit) {}

  private static final Map<String, Label> LABELS =
      Map.ofEntries(
          Map.entry("pairs", new Label("pairs", "")),
          Map.entry("window", new Label("window", "messages")),
          Map.entry("warmupS", new Label("warm-up", "s")),
          Map.entry("durationS", new Label("measured for", "s")),
          Map.entry("ratePerSec", new Label("offered rate", "msgs/s")),
          Map.entry("count", new Label("sockets", "")),
          Map.entry("perUser", new Label("per user", "")),
          Map.entry("concurrency", new Label("handshakes in flight", "")),
          Map.entry("sourceIps", new Label("source addresses", "")),
          Map.entry("observers", new Label("observers", "")),
          Map.entry("churnPerSec", new Label("newcomers", "/s")),
          Map.entry("lifetimeS", new Label("newcomer stays", "s")),
          Map.entry("deliveredPerSec", new Label("delivered", "msgs/s")),
          Map.entry("answeredPerSec", new Label("answered (message:sent)", "msgs/s")),
          Map.entry("offeredPerSec", new Label("offered", "msgs/s")),
          Map.entry("achievedPerSec", new Label("delivered", "msgs/s")),
          Map.entry("latencyMs", new Label("latency, send to receive", "ms")),
          Map.entry("messages", new Label("messages", "")),
          Map.entry("lost", new Label("lost", "messages")),
          Map.entry("undelivered", new Label("undelivered after the drain", "messages")),
          Map.entry("sendsLateOver1ms", new Label("sends late by over 1 ms", "")),
          Map.entry("handshakesPerSec", new Label("handshakes", "/s")),
          Map.entry("connect", new Label("connect phase", "")),
          Map.entry("handshakeMs", new Label("handshake", "ms")),
          Map.entry("connectSeconds", new Label("connect phase took", "s")),
          Map.entry("serverMemory", new Label("server resident memory", "")),
          Map.entry("rssBeforeMiB", new Label("before", "MiB")),
          Map.entry("rssHalfMiB", new Label("at half", "MiB")),
          Map.entry("rssAfterMiB", new Label("after", "MiB")),
          Map.entry("perSocketKiB", new Label("per socket", "KiB")),
          Map.entry("marginalPerSocketKiB", new Label("per socket, second half", "KiB")),
          Map.entry("openAfterSettle", new Label("still open after settling", "sockets")),
          Map.entry("newcomers", new Label("newcomers", "")),
          Map.entry("scheduled", new Label("scheduled", "")),
          Map.entry("onlineLatencyMs", new Label("user:online latency", "ms")),
          Map.entry("newcomerHandshakeMs", new Label("newcomer handshake", "ms")),
          Map.entry("onlineReceipts", new Label("user:online receipts", "")),
          Map.entry("offlineReceipts", new Label("user:offline receipts", "")),
          Map.entry("clampedAtOneHour", new Label("beyond one hour", "")));

  private BenchTable() {}

  static String render(BenchResult result) {
    StringBuilder out = new StringBuilder();
    out.append("chatctl bench ")
        .append(result.scenario)
        .append(" against ")
        .append(result.url)
        .append('\n');
    line(out, "parameters", inline(result.params));
    for (Map.Entry<String, Object> e : result.metrics.entrySet()) {
      line(out, label(e.getKey()).text(), value(e.getKey(), e.getValue()));
    }
    line(out, "CPU, % of one core", cpu(result.cpu));
    line(
        out,
        "errors",
        result.errors.isEmpty()
            ? "none"
            : number(result.errorCount()) + ": " + counts(result.errors));
    if (result.failure != null) {
      line(out, "FAILED", result.failure);
    }
    return out.toString();
  }

  private static Label label(String key) {
    return LABELS.getOrDefault(key, new Label(key, ""));
  }

  private static void line(StringBuilder out, String label, String value) {
    out.append("  ").append(String.format(Locale.ROOT, "%-28s", label)).append(value).append('\n');
  }

  /** One value with its unit; a latency summary as percentiles in one line; other maps inline. */
  private static String value(String key, Object value) {
    if (value instanceof Map<?, ?> map) {
      return map.containsKey("p50") ? latency(map, label(key).unit()) : inline(map);
    }
    if (value == null) {
      return "-";
    }
    String unit = label(key).unit();
    return number(value) + (unit.isEmpty() ? "" : " " + unit);
  }

  /**
   * "p50 1.23 p90 2.35 p99 7.02 p99.9 9.87 max 12.3 ms (mean 1.41, 12,345 samples)", or "no
   * samples".
   */
  private static String latency(Map<?, ?> summary, String unit) {
    if (!(summary.get("count") instanceof Number n) || n.longValue() == 0) {
      return "no samples";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<?, ?> e : summary.entrySet()) {
      String k = String.valueOf(e.getKey());
      if (k.startsWith("p") || k.equals("max")) {
        out.append(out.isEmpty() ? "" : "  ").append(k).append(' ').append(number(e.getValue()));
      }
    }
    out.append(' ')
        .append(unit)
        .append(" (mean ")
        .append(number(summary.get("mean")))
        .append(", ")
        .append(number(summary.get("count")))
        .append(" samples");
    if (summary.get("clampedAtOneHour") instanceof Number clamped) {
      out.append(", ").append(number(clamped)).append(" beyond one hour");
    }
    return out.append(')').toString();
  }

  private static String inline(Map<?, ?> map) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      out.append(out.isEmpty() ? "" : ", ")
          .append(label(key).text())
          .append(' ')
          .append(value(key, e.getValue()));
    }
    return out.toString();
  }

  /** The processes measured; PostgreSQL only when it did something (it may not be the store). */
  private static String cpu(Map<String, Object> cpu) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Object> e : cpu.entrySet()) {
      if (e.getKey().equals("postgres")
          && e.getValue() instanceof Number n
          && n.doubleValue() < 0.5) {
        continue;
      }
      out.append(out.isEmpty() ? "" : ", ")
          .append(e.getKey())
          .append(' ')
          .append(number(e.getValue()));
    }
    return out.isEmpty() ? "not measured" : out.toString();
  }

  private static String counts(Map<String, Long> errors) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Long> e : errors.entrySet()) {
      out.append(out.isEmpty() ? "" : "; ")
          .append(e.getKey())
          .append(" x")
          .append(number(e.getValue()));
    }
    return out.toString();
  }

  /**
   * The one precision rule: whole numbers with thousands separators; other numbers with three
   * significant digits below 100 (1.23, 12.3) and none from 100 on (1,234).
   */
  static String number(Object value) {
    if (value instanceof Long || value instanceof Integer) {
      return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d)) {
        return "-";
      }
      double abs = Math.abs(d);
      if (abs >= 100 || d == Math.rint(d)) {
        return String.format(Locale.ROOT, "%,.0f", d);
      }
      return String.format(Locale.ROOT, abs >= 10 ? "%.1f" : "%.2f", d);
    }
    return value == null ? "-" : String.valueOf(value);
  }
}
