package dev.chatctl.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever the bus does to a dense run of offsets (drops, repeats, reorders) and whenever the
 * timers fire and the database answers (or fails), the socket gets every offset once, in order.
 */
class OffsetSequencerPropertiesTest {
  @Property(tries = 300)
  void everyOffsetIsWrittenOnceInOrder(
      @ForAll @IntRange(min = 1, max = 400) int count,
      @ForAll @IntRange(min = 0, max = 100) int dropPercent,
      @ForAll @IntRange(min = 0, max = 60) int repeatPercent,
      @ForAll @IntRange(min = 0, max = 50) int reorderWindow,
      @ForAll @IntRange(min = 1, max = 40) int maxHeld,
      @ForAll @IntRange(min = 1, max = 64) int maxFill,
      @ForAll long seed) {
    Random random = new Random(seed);
    SequencerRig rig = new SequencerRig(0, count, 50, maxHeld, maxFill);

    // what the bus delivers: some offsets lost, some repeated, shuffled within a window
    List<Long> bus = new ArrayList<>();
    for (long o = 1; o <= count; o++) {
      if (random.nextInt(100) >= dropPercent) {
        bus.add(o);
        while (random.nextInt(100) < repeatPercent) {
          bus.add(o);
        }
      }
    }
    for (int i = 0; i < bus.size(); i++) {
      int j = Math.min(bus.size() - 1, i + random.nextInt(reorderWindow + 1));
      Collections.swap(bus, i, j);
    }

    for (long offset : bus) {
      rig.sequencer.offer(offset);
      assertInOrderPrefix(rig.written);
      int chance = random.nextInt(10);
      if (chance == 0) {
        rig.fireTimers();
      } else if (chance == 1 && !rig.fills.isEmpty()) {
        if (random.nextInt(4) == 0) {
          rig.failFill();
        } else {
          rig.answerFill();
        }
      }
      assertInOrderPrefix(rig.written);
    }
    rig.sequencer.noteLatest(count); // the safety net learns the tip
    rig.settle();

    assertEquals(LongStream.rangeClosed(1, count).boxed().toList(), rig.written);
    assertEquals(0, rig.sequencer.skipped());
  }

  private static void assertInOrderPrefix(List<Long> written) {
    for (int i = 0; i < written.size(); i++) {
      if (written.get(i) != i + 1) {
        throw new AssertionError("written out of order or twice: " + written);
      }
    }
  }
}
