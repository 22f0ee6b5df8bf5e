package dev.chatctl.server.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small future helpers of the cluster classes. */
final class Futures {
  private Futures() {}

  /** Completes {@code future} with a value or an error, as a whenComplete callback gets them. */
  static <T> void complete(CompletableFuture<T> future, T value, Throwable error) {
    if (error != null) {
      future.completeExceptionally(error);
    } else {
      future.complete(value);
    }
  }

  /** Waits for Redis during start and stop (at most 10 s). */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Redis", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Redis did not answer: " + e.getMessage(), e);
    }
  }
}
