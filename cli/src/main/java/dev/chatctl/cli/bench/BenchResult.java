package dev.chatctl.cli.bench;

import dev.chatctl.protocol.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run's outcome: its scenario, parameters, measurements, CPU and errors. Printed as a table for
 * people and as one JSON object per run ({@code --json}) for scripts.
 */
final class BenchResult {
  final String scenario;
  final String url;
  final Map<String, Object> params = new LinkedHashMap<>();
  final Map<String, Object> metrics = new LinkedHashMap<>();
  final Map<String, Object> cpu = new LinkedHashMap<>();
  final Map<String, Long> errors = new TreeMap<>();
  /** Set when the run could not do what it was asked (nothing connected, timed out, ...). */
  String failure;

  BenchResult(String scenario, String url) {
    this.scenario = scenario;
    this.url = url;
  }

  long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scenario", scenario);
    out.put("url", url);
    out.put("params", params);
    out.putAll(metrics);
    out.put("cpuPercent", cpu);
    out.put("errorCount", errorCount());
    out.put("errors", errors);
    if (failure != null) {
      out.put("failure", failure);
    }
    return out;
  }

  String toJson() {
    return Json.write(toMap());
  }

  /** A table: one line per measurement, nested values on one line. */
  String toTable() {
    StringBuilder out = new StringBuilder();
    out.append("chatctl bench ").append(scenario).append(" against ").append(url).append('\n');
    line(out, "parameters", inline(params));
    for (Map.Entry<String, Object> e : metrics.entrySet()) {
      line(out, e.getKey(), e.getValue() instanceof Map<?, ?> m ? inline(m) : format(e.getValue()));
    }
    line(out, "CPU % of a core", cpu.isEmpty() ? "(not measured)" : inline(cpu));
    line(out, "errors", errors.isEmpty() ? "0" : errorCount() + " " + inline(errors));
    if (failure != null) {
      line(out, "FAILED", failure);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String key, String value) {
    out.append("  ").append(String.format("%-22s", key)).append(value).append('\n');
  }

  private static String inline(Map<?, ?> map) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!out.isEmpty()) {
        out.append("  ");
      }
      out.append(e.getKey()).append(' ').append(e.getValue() instanceof Map<?, ?> m ? "{" + inline(m) + "}" : format(e.getValue()));
    }
    return out.toString();
  }

  static String format(Object value) {
    if (value instanceof Double d) {
      if (d.isNaN()) {
        return "-";
      }
      return Math.abs(d) >= 100 ? String.format("%,.0f", d) : String.format("%.3f", d).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    if (value instanceof Long || value instanceof Integer) {
      return String.format("%,d", ((Number) value).longValue());
    }
    return String.valueOf(value);
  }

  /** Reads a result back from its JSON line (for scripts and tests). */
  static Map<String, Object> parse(String json) {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = Json.MAPPER.convertValue(Json.read(json), LinkedHashMap.class);
    return map;
  }

  @Override
  public String toString() {
    return toTable();
  }
}
