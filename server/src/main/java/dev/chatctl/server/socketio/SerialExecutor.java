package dev.chatctl.server.socketio;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time in submission order, on the submitting thread when idle (so the common
 * case costs no thread hop). A task that submits to the same executor has its task run after it;
 * no lock is held while a task runs, so tasks may submit to other executors freely.
 */
final class SerialExecutor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();

  void execute(Runnable task) {
    tasks.add(task);
    while (!tasks.isEmpty() && running.compareAndSet(false, true)) {
      try {
        Runnable next;
        while ((next = tasks.poll()) != null) {
          try {
            next.run();
          } catch (RuntimeException e) {
            log.error("task failed", e);
          }
        }
      } finally {
        running.set(false);
      }
    }
  }
}
