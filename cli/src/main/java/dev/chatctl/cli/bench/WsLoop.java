package dev.chatctl.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The load generator's event loop: one thread, one selector, every {@link WsConn} of a run. Reads,
 * timers and tasks run on this thread, so scenario code that runs here needs no locks; only {@link
 * WsConn#sendText} may also be called from another thread (an open-loop sender).
 *
 * <p>One thread on purpose: on a small machine the load generator competes with the server for
 * cores, and a single loop costs the least CPU per message.
 */
final class WsLoop implements AutoCloseable {
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();

  /** Shared by every connection: a read lands here, and only what a frame leaves over is copied. */
  final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);

  private volatile boolean running = true;
  private long timerSeq;

  private record Timer(long at, long seq, Runnable task) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  WsLoop() {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = Thread.ofPlatform().name("bench-io").daemon().unstarted(this::run);
    thread.start();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs a task on the loop (now, when called from the loop). */
  void execute(Runnable task) {
    if (inLoop()) {
      task.run();
    } else {
      tasks.add(task);
      selector.wakeup();
    }
  }

  /** Runs a task on the loop and waits for its result. */
  <T> T call(Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    execute(
        () -> {
          try {
            result.complete(task.get());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    try {
      return result.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the load generator's loop did not answer", e);
    }
  }

  /** Runs a task on the loop at a System.nanoTime() instant (must be called on the loop). */
  void at(long nanoTime, Runnable task) {
    timers.add(new Timer(nanoTime, timerSeq++, task));
  }

  Selector selector() {
    return selector;
  }

  /** Asks the selector to look at interest changes made from another thread. */
  void wakeup() {
    selector.wakeup();
  }

  private void run() {
    while (running) {
      try {
        long timeoutMillis = 0;
        Timer next = timers.peek();
        if (next != null) {
          long wait = next.at - System.nanoTime();
          timeoutMillis = wait <= 0 ? -1 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait));
        } else if (!tasks.isEmpty()) {
          timeoutMillis = -1;
        }
        if (timeoutMillis < 0) {
          selector.selectNow();
        } else {
          selector.select(timeoutMillis);
        }
        for (SelectionKey key : selector.selectedKeys()) {
          ((WsConn) key.attachment()).ready(key);
        }
        selector.selectedKeys().clear();
        Runnable task;
        while ((task = tasks.poll()) != null) {
          runSafely(task);
        }
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().at <= now) {
          runSafely(timers.poll().task);
        }
      } catch (IOException e) {
        if (running) {
          System.err.println("chatctl bench: selector failed: " + e);
        }
      }
    }
  }

  private static void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      System.err.println("chatctl bench: internal error in the load generator: " + e);
      e.printStackTrace();
    }
  }

  @Override
  public void close() {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    execute(
        () -> {
          for (SelectionKey key : selector.keys()) {
            ((WsConn) key.attachment()).abort("load generator closed");
          }
          closed.complete(null);
        });
    try {
      closed.get(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    running = false;
    selector.wakeup();
    try {
      thread.join(5_000);
      selector.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }
}
