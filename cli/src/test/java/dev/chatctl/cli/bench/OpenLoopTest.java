package dev.chatctl.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopTest {
  private static final long MS = 1_000_000;
  private static final long START = 5_000 * MS;

  @Test
  void sendsAreDueAtFixedIntervalsFromTheStart() {
    OpenLoop loop = new OpenLoop(START, 1000, 1000 * MS);
    assertEquals(1000, loop.total());
    assertEquals(START, loop.intendedAt(0));
    assertEquals(START + 7 * MS, loop.intendedAt(7));
    assertEquals(START + 999 * MS, loop.intendedAt(999));
  }

  @Test
  void nothingIsTakenBeforeItIsDueAndTheWaitSaysHowLong() {
    OpenLoop loop = new OpenLoop(START, 1000, 1000 * MS);
    assertEquals(-1, loop.takeDue(START - 1));
    assertEquals(1, loop.waitNanos(START - 1));
    assertEquals(0, loop.takeDue(START));
    assertEquals(-1, loop.takeDue(START + MS / 2));
    assertEquals(MS / 2, loop.waitNanos(START + MS / 2));
  }

  @Test
  void aSenderThatFellBehindTakesEveryOverdueSendEachWithItsOwnIntendedTime() {
    OpenLoop loop = new OpenLoop(START, 1000, 1000 * MS);
    long late = START + 5 * MS + MS / 2; // stalled 5.5 ms
    List<Long> taken = new ArrayList<>();
    long i;
    while ((i = loop.takeDue(late)) >= 0) {
      taken.add(i);
    }
    assertEquals(
        List.of(0L, 1L, 2L, 3L, 4L, 5L), taken); // none skipped: the stall shows as latency
    assertEquals(START + 5 * MS, loop.intendedAt(taken.getLast()));
    assertEquals(0, loop.waitNanos(START + 7 * MS));
  }

  @Test
  void theScheduleEndsWithTheDuration() {
    OpenLoop loop = new OpenLoop(START, 100, 50 * MS); // 5 sends in 50 ms
    long count = 0;
    while (loop.takeDue(START + 10_000 * MS) >= 0) {
      count++;
    }
    assertEquals(5, count);
    assertTrue(loop.done());
    assertEquals(-1, loop.waitNanos(START));
  }

  @Test
  void fractionalIntervalsDoNotDrift() {
    OpenLoop loop = new OpenLoop(0, 3, 10_000 * MS); // every 333.33 ms
    assertEquals(30, loop.total());
    assertEquals(1_000 * MS, loop.intendedAt(3));
    assertEquals(10_000 * MS, loop.intendedAt(30));
    assertFalse(loop.done());
  }

  @Test
  void aRateMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new OpenLoop(0, 0, MS));
    assertThrows(IllegalArgumentException.class, () -> new OpenLoop(0, Double.NaN, MS));
  }
}
