package dev.chatctl.server.auth;

import dev.chatctl.util.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;

/**
 * Refused connects at INFO without a line each: the first refusal is logged at once, later ones are
 * counted by code and reason and summed up in one line at most every {@code interval} (when
 * refusals keep coming). An operator sees a client with the wrong secret ("TOKEN_INVALID: bad
 * signature") without turning on DEBUG; a flood of refusals stays one line a minute. At most {@link
 * #MAX_REASONS} distinct reasons are kept per line, the rest are counted as "other".
 */
public final class RefusedConnects {
  static final int MAX_REASONS = 16;

  private final Logger log;
  private final long intervalNanos;
  private final Map<String, Long> reasons = new LinkedHashMap<>();
  private long other;
  private long total;
  private long since;
  private boolean started;

  public RefusedConnects(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /** Counts one refusal; logs the summary when it is due. */
  public synchronized void record(String code, String reason) {
    String key = code + (reason == null || reason.isBlank() ? "" : ": " + reason);
    if (reasons.containsKey(key) || reasons.size() < MAX_REASONS) {
      reasons.merge(key, 1L, Long::sum);
    } else {
      other++;
    }
    total++;
    long now = System.nanoTime();
    if (!started || now - since >= intervalNanos) {
      StringJoiner kinds = new StringJoiner(", ");
      reasons.forEach((k, n) -> kinds.add(n + " " + k));
      if (other > 0) {
        kinds.add(other + " other");
      }
      Duration elapsed = Duration.ofNanos(now - since);
      elapsed =
          elapsed.toSeconds() > 0
              ? Duration.ofSeconds(elapsed.toSeconds())
              : Duration.ofMillis(elapsed.toMillis());
      log.info(
          "refused {} connect{}{}: {} (DEBUG logs each)",
          total,
          total == 1 ? "" : "s",
          started ? " in the last " + Durations.format(elapsed) : "",
          kinds);
      reasons.clear();
      other = 0;
      total = 0;
      since = now;
      started = true;
    }
  }
}
