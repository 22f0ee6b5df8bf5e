package dev.chatctl.cli;

import dev.chatctl.util.ConfigException;
import dev.chatctl.util.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for the option types the commands share, so that no command parses a String
 * option by hand: picocli names the option in the error and exits with the usage code.
 */
public final class Converters {
  private Converters() {}

  /**
   * A duration as the settings write it ({@code 500ms}, {@code 90s}, {@code 30m}, ...), zero
   * allowed.
   */
  public static final class AnyDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        return Durations.parse("", text);
      } catch (ConfigException e) {
        throw new TypeConversionException(
            "'" + text + "' is not a duration (like 500ms, 90s, 30m, 24h, 2d, or seconds)");
      }
    }
  }

  /** A duration longer than zero. */
  public static final class PositiveDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      Duration d = new AnyDuration().convert(text);
      if (d.isZero()) {
        throw new TypeConversionException("'" + text + "' must be longer than zero");
      }
      return d;
    }
  }

  /** A rate per second: {@code 100}, {@code 100/s} or {@code 6000/min}. */
  public static final class Rate implements ITypeConverter<Double> {
    @Override
    public Double convert(String text) {
      String t = text.trim().toLowerCase();
      double per = 1;
      if (t.endsWith("/s")) {
        t = t.substring(0, t.length() - 2);
      } else if (t.endsWith("/min")) {
        t = t.substring(0, t.length() - 4);
        per = 60;
      }
      try {
        double value = Double.parseDouble(t) / per;
        if (value > 0 && Double.isFinite(value)) {
          return value;
        }
      } catch (NumberFormatException ignored) {
        // below
      }
      throw new TypeConversionException("'" + text + "' is not a rate (like 100/s or 6000/min)");
    }
  }
}
