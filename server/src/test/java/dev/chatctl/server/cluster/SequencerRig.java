package dev.chatctl.server.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An {@link OffsetSequencer} over plain offsets, driven by hand: a timer whose tasks run when the
 * test says, a filler reading a "database" of the offsets {@code 1..stored} whose answers the test
 * completes (or fails) when it wants, and the socket's output as a list.
 */
final class SequencerRig {
  record Fill(long from, long to, CompletableFuture<List<Long>> answer) {}

  final List<Long> written = new ArrayList<>();
  final List<Runnable> timers = new ArrayList<>();
  final List<Fill> fills = new ArrayList<>();
  long stored;
  final OffsetSequencer<Long> sequencer;

  SequencerRig(long mark, long stored, long holdMillis, int maxHeld, int maxFill) {
    this.stored = stored;
    sequencer =
        new OffsetSequencer<>(
            mark,
            Long::longValue,
            written::add,
            this::fill,
            (task, delay) -> {
              timers.add(task);
              return () -> timers.remove(task);
            },
            Runnable::run,
            holdMillis,
            maxHeld,
            maxFill);
  }

  private CompletionStage<List<Long>> fill(long from, long to) {
    Fill f = new Fill(from, to, new CompletableFuture<>());
    fills.add(f);
    return f.answer();
  }

  /** Runs the timers due now (all of them: time is not modelled beyond "the hold is over"). */
  void fireTimers() {
    List<Runnable> due = new ArrayList<>(timers);
    timers.clear();
    due.forEach(Runnable::run);
  }

  /** Answers the oldest pending fill from the database. */
  void answerFill() {
    Fill f = fills.remove(0);
    List<Long> rows = new ArrayList<>();
    for (long o = f.from(); o <= Math.min(f.to(), stored); o++) {
      rows.add(o);
    }
    Collections.reverse(rows); // any order is allowed
    f.answer().complete(rows);
  }

  void failFill() {
    fills.remove(0).answer().completeExceptionally(new IllegalStateException("database down"));
  }

  /** Fires timers and answers fills until nothing is left to do. */
  void settle() {
    for (int i = 0; i < 10_000 && (!timers.isEmpty() || !fills.isEmpty()); i++) {
      if (!fills.isEmpty()) {
        answerFill();
      } else {
        fireTimers();
      }
    }
  }

  void offer(long... offsets) {
    for (long o : offsets) {
      sequencer.offer(o);
    }
  }
}
