package dev.chatctl.server.chat;

import dev.chatctl.util.Throwables;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Keeps one socket's answers in the order its events arrived, however long each took: an answer
 * is written when its work is done and every earlier answer has been written. Work that must see
 * the effects of earlier events (a history read after a send) starts only when they are done.
 */
final class Replies {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private CompletableFuture<Void> tail = DONE;

  /**
   * @param work starts the work (now, or after earlier events when {@code afterEarlier})
   * @param answer writes the answer (result or failure), in order
   */
  synchronized <T> void add(Supplier<CompletableFuture<T>> work, boolean afterEarlier, BiConsumer<T, Throwable> answer) {
    CompletableFuture<T> started = afterEarlier ? null : start(work);
    CompletableFuture<Void> previous = tail;
    tail =
        previous.thenCompose(
            ignored -> (started != null ? started : start(work))
                .handle((result, error) -> {
                  answer.accept(result, Throwables.unwrap(error));
                  return null;
                }));
  }

  private static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

}
