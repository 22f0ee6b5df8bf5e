package dev.chatctl.server.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * One socket's high-water mark over its user's dense per-recipient offsets: what the bus (lossy,
 * possibly reordered or repeated) and the database hand it goes to the socket exactly once, in
 * offset order. An offset at or below the mark is dropped; the next one is written at once; a
 * higher one is held for {@code holdMillis} (the missing ones may still be in flight), then the
 * missing range {@code [mark + 1, n - 1]} is asked of the {@link Filler} (the database) and written
 * in order, followed by what was held.
 *
 * <p>The filler must return every stored offset of the range it is asked for: offsets below one the
 * node has seen were committed before it, so an offset the filler does not return is taken as gone
 * for good (outside the recovery window) and skipped, counted in {@link #skipped()}. A tip learnt
 * elsewhere (the database's last offset, from the periodic safety net or after a bus outage) is
 * given by {@link #noteLatest}: offsets up to it are then filled the same way.
 *
 * <p>Not thread-safe: every method must be called on one thread or serial executor, {@code loop},
 * on which the timer and the filler's completions are run as well. At most {@code maxHeld} items
 * are held (beyond that they are dropped and later filled from the database) and one fill asks for
 * at most {@code maxFill} offsets.
 */
public final class OffsetSequencer<T> {
  /** Reads the stored items with offsets {@code from..to} (inclusive), in any order. */
  public interface Filler<T> {
    CompletionStage<List<T>> fill(long from, long to);
  }

  /** Runs a task on the sequencer's loop after a delay; the returned action cancels it. */
  public interface Timer {
    Runnable schedule(Runnable task, long delayMillis);

    /** A timer on a scheduler whose tasks hop to {@code loop}. */
    static Timer on(ScheduledExecutorService scheduler, Executor loop) {
      return (task, delayMillis) -> {
        ScheduledFuture<?> f =
            scheduler.schedule(() -> loop.execute(task), delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      };
    }
  }

  private final ToLongFunction<T> offsetOf;
  private final Consumer<T> sink;
  private final Filler<T> filler;
  private final Timer timer;
  private final Executor loop;
  private final long holdMillis;
  private final int maxHeld;
  private final int maxFill;

  private final TreeMap<Long, T> held = new TreeMap<>();
  private long mark;
  private long known; // the highest offset known to be stored
  private Runnable cancelTimer;
  private long timerId;
  private long fillId; // bumped by each fill and by reset: a stale completion is ignored
  private boolean filling;
  private long duplicates;
  private long filled;
  private long skipped;
  private long fillFailures;

  public OffsetSequencer(
      long mark,
      ToLongFunction<T> offsetOf,
      Consumer<T> sink,
      Filler<T> filler,
      Timer timer,
      Executor loop,
      long holdMillis,
      int maxHeld,
      int maxFill) {
    if (holdMillis < 0 || maxHeld < 1 || maxFill < 1) {
      throw new IllegalArgumentException("holdMillis >= 0, maxHeld >= 1 and maxFill >= 1");
    }
    this.mark = mark;
    this.known = mark;
    this.offsetOf = offsetOf;
    this.sink = sink;
    this.filler = filler;
    this.timer = timer;
    this.loop = loop;
    this.holdMillis = holdMillis;
    this.maxHeld = maxHeld;
    this.maxFill = maxFill;
  }

  /** An item from the bus (or anywhere): written now, held, or dropped as already written. */
  public void offer(T item) {
    long offset = offsetOf.applyAsLong(item);
    if (offset <= mark) {
      duplicates++;
      return;
    }
    known = Math.max(known, offset);
    if (offset == mark + 1) {
      emit(item, offset);
      drainHeld();
    } else if (held.size() < maxHeld || offset < held.lastKey()) {
      if (held.putIfAbsent(offset, item) != null) {
        duplicates++;
      } else if (held.size() > maxHeld) {
        held.pollLastEntry(); // keep the lowest: the highest is filled later (known covers it)
      }
    }
    schedule();
  }

  /** The database holds offsets up to {@code latest}: any not written yet are filled. */
  public void noteLatest(long latest) {
    if (latest > known) {
      known = latest;
      schedule();
    }
  }

  /**
   * Starts over from {@code newMark} (the socket wrote up to it another way); a fill under way is
   * ignored.
   */
  public void reset(long newMark) {
    mark = newMark;
    known = Math.max(known, newMark);
    fillId++;
    filling = false;
    cancelTimer();
    drainHeld();
    schedule();
  }

  /** The last offset written to the socket. */
  public long mark() {
    return mark;
  }

  /** Items waiting for a missing lower offset. */
  public int heldCount() {
    return held.size();
  }

  /** True while offsets above the mark are known but not yet written. */
  public boolean hasGap() {
    return known > mark;
  }

  /** Offers dropped because they were at or below the mark, or already held. */
  public long duplicates() {
    return duplicates;
  }

  /** Items written from the filler. */
  public long filled() {
    return filled;
  }

  /** Offsets the filler did not have (taken as gone). */
  public long skipped() {
    return skipped;
  }

  /** Fills that failed (retried after {@code holdMillis}). */
  public long fillFailures() {
    return fillFailures;
  }

  private void emit(T item, long offset) {
    mark = offset;
    sink.accept(item);
  }

  private void drainHeld() {
    while (!held.isEmpty() && held.firstKey() <= mark + 1) {
      var first = held.pollFirstEntry();
      if (first.getKey() == mark + 1) {
        emit(first.getValue(), first.getKey());
      }
    }
  }

  /** Arms the hold timer when there is a gap and nothing is being done about it yet. */
  private void schedule() {
    if (known <= mark) {
      cancelTimer();
      return;
    }
    if (filling || cancelTimer != null) {
      return;
    }
    long id = ++timerId;
    cancelTimer = timer.schedule(() -> onTimer(id), holdMillis);
  }

  private void cancelTimer() {
    if (cancelTimer != null) {
      cancelTimer.run();
      cancelTimer = null;
      timerId++;
    }
  }

  private void onTimer(long id) {
    if (id != timerId) {
      return; // cancelled after it was queued
    }
    cancelTimer = null;
    if (known > mark && !filling) {
      startFill();
    }
  }

  private void startFill() {
    long from = mark + 1;
    long target = held.isEmpty() ? known : held.firstKey() - 1;
    long to = Math.min(target, from + maxFill - 1);
    boolean more = to < target;
    filling = true;
    long id = ++fillId;
    CompletionStage<List<T>> stage;
    try {
      stage = filler.fill(from, to);
    } catch (RuntimeException e) {
      onFilled(id, to, false, null, e);
      return;
    }
    stage.whenCompleteAsync((items, error) -> onFilled(id, to, more, items, error), loop);
  }

  private void onFilled(long id, long to, boolean more, List<T> items, Throwable error) {
    if (id != fillId) {
      return;
    }
    filling = false;
    if (error != null || items == null) {
      fillFailures++;
      schedule();
      return;
    }
    List<T> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparingLong(offsetOf));
    for (T item : sorted) {
      long offset = offsetOf.applyAsLong(item);
      if (offset <= mark || offset > to) {
        continue;
      }
      skipped += offset - mark - 1;
      filled++;
      emit(item, offset);
    }
    if (mark < to) {
      skipped += to - mark;
      mark = to;
    }
    drainHeld();
    if (more && known > mark) {
      startFill(); // the range was longer than one fill: go on without waiting
    } else {
      schedule();
    }
  }
}
