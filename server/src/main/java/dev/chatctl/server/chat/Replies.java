package dev.chatctl.server.chat;

import dev.chatctl.util.Throwables;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps one socket's answers in the order its events arrived, however long each took: an answer is
 * written when its work is done and every earlier answer has been written. Work that must see the
 * effects of earlier events (a history read after a send) starts only when they are done.
 *
 * <p>Bounds: work not done within its {@link Deadlines} timeout is answered with a {@link
 * java.util.concurrent.TimeoutException} (the work itself goes on); with {@code pauseAt} answers
 * outstanding, {@code pause} is told to stop reading the socket, and to read again when half of
 * them are written.
 */
final class Replies {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private final Deadlines deadlines;
  private final int pauseAt;
  private volatile Consumer<Boolean> pause = paused -> {};
  // guarded by this
  private CompletableFuture<Void> tail = DONE;
  private int outstanding;
  private boolean paused;
  private boolean released;

  /**
   * @param deadlines how long a piece of work may take ({@link Deadlines#NONE}: as long as it
   *     takes)
   * @param pauseAt answers outstanding at which reading pauses
   */
  Replies(Deadlines deadlines, int pauseAt) {
    this.deadlines = deadlines;
    this.pauseAt = Math.max(1, pauseAt);
  }

  /** Where to say that reading should pause ({@code true}) or resume. */
  void onBackpressure(Consumer<Boolean> pause) {
    this.pause = pause;
  }

  /**
   * @param work starts the work (now, or after earlier events when {@code afterEarlier})
   * @param answer writes the answer (result or failure), in order
   */
  synchronized <T> void add(
      Supplier<CompletableFuture<T>> work, boolean afterEarlier, BiConsumer<T, Throwable> answer) {
    if (++outstanding >= pauseAt && !paused && !released) {
      paused = true;
      pause.accept(true);
    }
    CompletableFuture<T> started = afterEarlier ? null : start(work);
    CompletableFuture<Void> previous = tail;
    tail =
        previous.thenCompose(
            ignored ->
                (started != null ? started : start(work))
                    .handle(
                        (result, error) -> {
                          try {
                            answer.accept(result, Throwables.unwrap(error));
                          } finally {
                            answered();
                          }
                          return null;
                        }));
  }

  /**
   * Reads on without pausing from now on (the server is stopping: what the client sent is read and
   * answered, refused, rather than left unread when the connection closes).
   */
  synchronized void release() {
    released = true;
    if (paused) {
      paused = false;
      pause.accept(false);
    }
  }

  /** Answers added and not yet written. */
  synchronized int outstanding() {
    return outstanding;
  }

  private synchronized void answered() {
    outstanding--;
    if (paused && outstanding <= pauseAt / 2) {
      paused = false;
      pause.accept(false);
    }
  }

  private <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> work) {
    try {
      CompletableFuture<T> f = work.get();
      return deadlines.bound(f);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
