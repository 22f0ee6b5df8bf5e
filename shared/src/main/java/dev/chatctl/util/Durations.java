package dev.chatctl.util;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as settings write them: {@code 500ms}, {@code 90s}, {@code 30m}, {@code 24h}, {@code
 * 2d}, or seconds.
 */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("^(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?$");

  private Durations() {}

  public static Duration parse(String name, String text) {
    Matcher m = FORM.matcher(text.trim().toLowerCase());
    if (!m.matches()) {
      throw new ConfigException(
          name + " '" + text + "' is not a duration (like 90s, 30m, 24h, 2d, or seconds)");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis =
        amount
            * switch (unit) {
              case "ms" -> 1;
              case "s" -> 1_000;
              case "m" -> 60_000;
              case "h" -> 3_600_000;
              default -> 86_400_000;
            };
    return Duration.ofMillis(Math.round(millis));
  }

  /** A short human form: 24h, 30m, 90s, 500ms. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms >= 2 * 86_400_000) return ms / 86_400_000 + "d";
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1_000 == 0) return ms / 1_000 + "s";
    return ms + "ms";
  }
}
