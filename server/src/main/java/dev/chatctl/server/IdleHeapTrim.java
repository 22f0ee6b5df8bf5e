package dev.chatctl.server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory back once a burst is over. The serial collector (the launcher's choice for serve)
 * shrinks its heap only at a full collection, and a server that has gone quiet collects nothing, so
 * after a burst its resident size stayed at the burst's peak (243 → 685 MB, BENCHMARKS.md). Run
 * every {@link #PERIOD_SECONDS} s: when no collection has run since the last look (the server is
 * quiet) and more than half the heap is free (and over 64 MB), it asks for a full collection. The
 * collector gives back part of the excess each time (a tenth, then more), so a few looks bring the
 * heap down to its idle size; a busy server, which collects its young generation every few seconds,
 * is left alone.
 */
final class IdleHeapTrim implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(IdleHeapTrim.class);

  static final long PERIOD_SECONDS = 10;
  private static final long MIN_FREE_BYTES = 64L << 20;

  private long collectionsSeen = -1;

  @Override
  public void run() {
    long collections = collections();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    boolean quiet = collections == collectionsSeen;
    if (shouldCollect(quiet, heap.getUsed(), heap.getCommitted())) {
      log.debug(
          "idle with {} MB of {} MB heap in use: collecting to give memory back",
          heap.getUsed() >> 20,
          heap.getCommitted() >> 20);
      System.gc();
      collections = collections();
    }
    collectionsSeen = collections;
  }

  /** Quiet, and more than half of the committed heap (and more than 64 MB) is free. */
  static boolean shouldCollect(boolean quiet, long used, long committed) {
    long free = committed - used;
    return quiet && free > used && free > MIN_FREE_BYTES;
  }

  private static long collections() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionCount());
    }
    return total;
  }
}
