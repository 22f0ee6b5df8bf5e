package dev.chatctl.server.store;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The writer's queue. The server's own operations (connects, backlogs, delivery corrections,
 * session refreshes) wait in one FIFO and go first into each batch; each socket's operations wait
 * in its {@link StoreLane}, and a batch takes one from each lane in turn (round-robin) until it is
 * full, at most {@link #LANE_SHARE} from one lane. A flood from one socket fills its own lane only
 * (the application caps how many a socket has unanswered), so every other socket's next operation
 * is in the next batch, and that batch is no larger for the flood than a lane's share.
 *
 * <p>An operation that waited past its deadline is handed back as expired instead of stored: its
 * client was answered UNAVAILABLE meanwhile. Delivery corrections and session refreshes never
 * expire.
 */
final class FairQueue {
  record Entry(StoreOp op, long deadlineNanos) {}

  /**
   * Most operations of one lane in one batch: a socket that keeps this many unanswered (a bench
   * window, a client catching up) still fills batches, and a flooding one cannot make every batch
   * (and so everyone's wait for it) as large as the batch size.
   */
  static final int LANE_SHARE = 32;

  private final StoreLane common = new StoreLane();
  private final ArrayDeque<StoreLane> ring = new ArrayDeque<>();
  private int size;

  /** Queues an operation of a lane ({@code null}: the server's own). */
  synchronized void add(StoreLane lane, StoreOp op, long deadlineNanos) {
    StoreLane l = lane == null ? common : lane;
    l.ops.add(new Entry(op, deadlineNanos));
    size++;
    if (l != common && !l.ready) {
      l.ready = true;
      ring.add(l);
    }
    notifyAll();
  }

  synchronized int size() {
    return size;
  }

  /**
   * Waits up to {@code waitMillis} for operations, then moves up to {@code max} into {@code batch}
   * (and those past their deadline into {@code expired}, not counted).
   */
  synchronized void take(List<StoreOp> batch, List<StoreOp> expired, int max, long waitMillis)
      throws InterruptedException {
    if (size == 0 && waitMillis > 0) {
      wait(waitMillis);
    }
    long now = System.nanoTime();
    while (batch.size() < max && !common.ops.isEmpty()) {
      move(common.ops.poll(), batch, expired, now);
    }
    int lanes = ring.size();
    for (int round = 0; round < LANE_SHARE && batch.size() < max && !ring.isEmpty(); round++) {
      // one from each lane with operations, in turn; a lane emptied leaves the ring
      for (int i = 0; i < lanes && batch.size() < max && !ring.isEmpty(); i++) {
        StoreLane lane = ring.poll();
        move(lane.ops.poll(), batch, expired, now);
        if (lane.ops.isEmpty()) {
          lane.ready = false;
        } else {
          ring.add(lane);
        }
      }
      lanes = ring.size();
    }
  }

  private void move(Entry e, List<StoreOp> batch, List<StoreOp> expired, long now) {
    size--;
    boolean expires = !(e.op() instanceof StoreOp.Deliveries || e.op() instanceof StoreOp.Touch);
    (expires && now - e.deadlineNanos() > 0 ? expired : batch).add(e.op());
  }
}
