package dev.chatctl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void readsEveryUnitAndBareSeconds() {
    assertEquals(Duration.ofMillis(500), Durations.parse("X", "500ms"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("X", "90s"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("X", "90"));
    assertEquals(Duration.ofMinutes(30), Durations.parse("X", "30m"));
    assertEquals(Duration.ofHours(24), Durations.parse("X", " 24H "));
    assertEquals(Duration.ofDays(2), Durations.parse("X", "2d"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("X", "1.5s"));
  }

  @Test
  void aBadValueNamesTheSettingAndTheForms() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> Durations.parse("RECOVERY_WINDOW", "soon"));
    assertEquals(
        "RECOVERY_WINDOW 'soon' is not a duration (like 90s, 30m, 24h, 2d, or seconds)",
        e.getMessage());
  }

  @Property
  void formatReadsBackAsTheSameDuration(
      @ForAll @LongRange(min = 0, max = 400L * 86_400_000) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertEquals(d, Durations.parse("X", Durations.format(d)));
  }
}
