package dev.chatctl.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A socket's high-water mark: in order, once, gaps filled from the database. */
class OffsetSequencerTest {
  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void inOrderOffersAreWrittenAtOnceWithoutTimersOrFills() {
    SequencerRig rig = new SequencerRig(0, 3, 50, 100, 100);
    rig.offer(1, 2, 3);
    assertEquals(range(1, 3), rig.written);
    assertTrue(rig.timers.isEmpty());
    assertTrue(rig.fills.isEmpty());
    assertFalse(rig.sequencer.hasGap());
  }

  @Test
  void repeatsAndOffersAtOrBelowTheMarkAreDropped() {
    SequencerRig rig = new SequencerRig(5, 8, 50, 100, 100);
    rig.offer(3, 5, 6, 6, 7, 6, 7, 8, 8);
    assertEquals(range(6, 8), rig.written);
    assertEquals(6, rig.sequencer.duplicates());
  }

  @Test
  void aLateLowerOfferReleasesWhatWasHeldWithoutAFill() {
    SequencerRig rig = new SequencerRig(0, 4, 50, 100, 100);
    rig.offer(1, 3, 4);
    assertEquals(range(1, 1), rig.written);
    assertEquals(2, rig.sequencer.heldCount());
    assertEquals(1, rig.timers.size(), "the hold timer is armed");
    rig.offer(2);
    assertEquals(range(1, 4), rig.written);
    assertTrue(rig.timers.isEmpty(), "the timer is cancelled once the gap closes");
    assertTrue(rig.fills.isEmpty());
  }

  @Test
  void aGapStillOpenAfterTheHoldIsFilledFromTheDatabaseThenTheHeldFollow() {
    SequencerRig rig = new SequencerRig(10, 20, 50, 100, 100);
    rig.offer(11, 15, 17, 16);
    assertEquals(range(11, 11), rig.written);
    rig.fireTimers();
    assertEquals(1, rig.fills.size());
    assertEquals(12, rig.fills.get(0).from());
    assertEquals(14, rig.fills.get(0).to(), "only the missing range is asked for");
    rig.answerFill();
    assertEquals(range(11, 17), rig.written);
    assertEquals(3, rig.sequencer.filled());
    assertFalse(rig.sequencer.hasGap());
  }

  @Test
  void aLiveOfferDuringAFillIsWrittenOnceAndTheFillSkipsIt() {
    SequencerRig rig = new SequencerRig(0, 5, 50, 100, 100);
    rig.offer(4);
    rig.fireTimers();
    assertEquals(1, rig.fills.size());
    rig.offer(1, 2); // the bus catches up while the database is read
    rig.answerFill(); // answers 1..3
    assertEquals(range(1, 4), rig.written);
    rig.offer(5, 3);
    assertEquals(range(1, 5), rig.written);
  }

  @Test
  void aFailedFillIsRetriedAfterTheHold() {
    SequencerRig rig = new SequencerRig(0, 3, 50, 100, 100);
    rig.offer(3);
    rig.fireTimers();
    rig.failFill();
    assertEquals(1, rig.sequencer.fillFailures());
    assertTrue(rig.written.isEmpty());
    assertEquals(1, rig.timers.size(), "a retry is armed");
    rig.fireTimers();
    rig.answerFill();
    assertEquals(range(1, 3), rig.written);
  }

  @Test
  void theTipFromTheDatabaseFillsMessagesTheBusLostAtTheEnd() {
    SequencerRig rig = new SequencerRig(0, 6, 50, 100, 100);
    rig.offer(1, 2);
    rig.sequencer.noteLatest(6); // the safety net read the user's last offset
    assertTrue(rig.sequencer.hasGap());
    rig.settle();
    assertEquals(range(1, 6), rig.written);
    rig.sequencer.noteLatest(4); // an older tip changes nothing
    assertTrue(rig.timers.isEmpty());
  }

  @Test
  void aLongGapIsFilledInChunksOneAfterAnotherWithoutWaiting() {
    SequencerRig rig = new SequencerRig(0, 25, 50, 100, 10);
    rig.offer(25);
    rig.fireTimers();
    rig.answerFill();
    assertEquals(1, rig.fills.size(), "the next chunk is asked for at once");
    assertEquals(11, rig.fills.get(0).from());
    rig.answerFill();
    rig.answerFill();
    assertEquals(range(1, 25), rig.written);
  }

  @Test
  void offsetsTheDatabaseNoLongerHasAreSkippedAndCounted() {
    SequencerRig rig = new SequencerRig(0, 10, 50, 100, 100);
    rig.offer(8);
    rig.fireTimers();
    rig.fills.remove(0).answer().complete(List.of(2L, 5L, 6L)); // 1, 3, 4, 7 expired
    assertEquals(List.of(2L, 5L, 6L, 8L), rig.written);
    assertEquals(4, rig.sequencer.skipped());
  }

  @Test
  void heldItemsAreBoundedAndTheOverflowIsFilledLater() {
    SequencerRig rig = new SequencerRig(0, 30, 50, 5, 100);
    for (long o = 30; o >= 2; o--) {
      rig.offer(o); // arrives backwards, without offset 1
    }
    assertEquals(5, rig.sequencer.heldCount(), "only the lowest five are kept");
    rig.settle();
    assertEquals(range(1, 30), rig.written);
  }

  @Test
  void resetMovesTheMarkAndIgnoresAFillUnderWay() {
    SequencerRig rig = new SequencerRig(0, 10, 50, 100, 100);
    rig.offer(3);
    rig.fireTimers();
    rig.sequencer.reset(5); // the socket wrote 1..5 from a recovery read
    rig.answerFill(); // stale: 1..2
    assertTrue(rig.written.isEmpty());
    assertEquals(5, rig.sequencer.mark());
    rig.offer(6);
    assertEquals(List.of(6L), rig.written);
  }
}
