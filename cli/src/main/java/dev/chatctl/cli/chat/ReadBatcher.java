package dev.chatctl.cli.chat;

import dev.chatctl.cli.client.ChatClient;
import dev.chatctl.cli.client.ClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Marks messages read in batches: ids shown on screen are collected for a moment and sent as one
 * {@code message:read}. Ids whose batch was lost with the connection are tried again.
 */
final class ReadBatcher {
  static final int MAX_BATCH = 500;

  private final Supplier<ChatClient> client;
  private final Executor later;
  private final Set<String> ids = new LinkedHashSet<>();
  private boolean scheduled;

  /**
   * @param client the client of the connection now (it changes after a /reconnect)
   */
  ReadBatcher(Supplier<ChatClient> client, Duration delay) {
    this.client = client;
    this.later = CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  void add(Collection<String> more) {
    boolean now;
    synchronized (this) {
      ids.addAll(more);
      if (ids.isEmpty()) {
        return;
      }
      now = ids.size() >= MAX_BATCH;
      if (!now && !scheduled) {
        scheduled = true;
        later.execute(this::flush);
      }
    }
    if (now) {
      flush();
    }
  }

  /** Sends what is collected now; completes with the ids the server newly marked. */
  CompletableFuture<List<String>> flush() {
    List<String> batch;
    synchronized (this) {
      scheduled = false;
      batch = new ArrayList<>(ids).subList(0, Math.min(ids.size(), MAX_BATCH));
      batch = List.copyOf(batch);
      batch.forEach(ids::remove);
      if (!ids.isEmpty()) {
        scheduled = true;
        later.execute(this::flush);
      }
    }
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<String> sent = batch;
    return client
        .get()
        .markRead(batch)
        .exceptionally(
            error -> {
              ClientException e = ClientException.of(error);
              if (e.kind() == ClientException.Kind.UNAVAILABLE
                  || e.kind() == ClientException.Kind.TIMEOUT) {
                add(sent); // the connection went away: again when it is back
              }
              return List.of();
            });
  }
}
