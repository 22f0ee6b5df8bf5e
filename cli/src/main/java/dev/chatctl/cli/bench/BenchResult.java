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

  /** The table people read (labels, units, one precision rule): {@link BenchTable}. */
  String toTable() {
    return BenchTable.render(this);
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
