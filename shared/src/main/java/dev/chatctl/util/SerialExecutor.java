package dev.chatctl.util;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time in submission order. With {@link #direct} they run on the submitting
 * thread when the executor is idle (the common case costs no thread hop; a server socket's events);
 * with {@link #on} they run on a shared executor, at most {@value #BATCH} per turn so one busy
 * queue cannot hold a pool thread forever (a client's event loop). A task that submits to the same
 * executor has its task run after it; no lock is held while a task runs, so tasks may submit to
 * other executors freely. A task that throws is reported to {@code onFailure} and the next one
 * runs.
 */
public final class SerialExecutor implements Executor {
  static final int BATCH = 256;

  private final Executor delegate; // null: run on the submitting thread
  private final Consumer<Throwable> onFailure;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile Thread runner;

  private SerialExecutor(Executor delegate, Consumer<Throwable> onFailure) {
    this.delegate = delegate;
    this.onFailure = onFailure;
  }

  /** Tasks run on the thread that submits to an idle executor. */
  public static SerialExecutor direct(Consumer<Throwable> onFailure) {
    return new SerialExecutor(null, onFailure);
  }

  /** Tasks run on {@code delegate}, in turns of at most {@value #BATCH}. */
  public static SerialExecutor on(Executor delegate, Consumer<Throwable> onFailure) {
    return new SerialExecutor(delegate, onFailure);
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (delegate == null) {
      // whoever finds the queue non-empty and the executor idle drains it
      while (!tasks.isEmpty() && running.compareAndSet(false, true)) {
        drain(Integer.MAX_VALUE);
      }
    } else {
      schedule();
    }
  }

  /** True on the thread running this executor's tasks right now. */
  public boolean inLoop() {
    return runner == Thread.currentThread();
  }

  private void schedule() {
    if (running.compareAndSet(false, true)) {
      try {
        delegate.execute(this::turn);
      } catch (RejectedExecutionException e) {
        running.set(false); // the pool is shut down: the tasks are dropped
        tasks.clear();
      }
    }
  }

  private void turn() {
    drain(BATCH);
    if (!tasks.isEmpty()) {
      schedule();
    }
  }

  /** Runs up to {@code limit} tasks, then marks the executor idle. */
  private void drain(int limit) {
    runner = Thread.currentThread();
    try {
      for (int i = 0; i < limit; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        try {
          task.run();
        } catch (Throwable t) {
          onFailure.accept(t);
        }
      }
    } finally {
      runner = null;
      running.set(false);
    }
  }
}
