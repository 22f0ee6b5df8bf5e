package dev.chatctl.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * What a {@link SocketClient} emitted and is not done with: events buffered until the next connect
 * (as socket.io-client's {@code sendBuffer}), and the acknowledgements awaited, by id. Not
 * thread-safe: the client's event loop owns it.
 */
final class Outbound {
  private static final class Waiting {
    final CompletableFuture<List<JsonNode>> future;
    ScheduledFuture<?> timer;
    boolean sent;

    Waiting(CompletableFuture<List<JsonNode>> future) {
      this.future = future;
    }
  }

  private record Buffered(String text, Waiting ack) {}

  private final Map<Long, Waiting> acks = new LinkedHashMap<>();
  private final List<Buffered> buffer = new ArrayList<>();
  private long nextAckId;

  /**
   * Awaits an acknowledgement for {@code future}; returns its id. {@code timer} arms the timeout
   * for that id (see {@link #timeOut}).
   */
  long expect(CompletableFuture<List<JsonNode>> future, LongFunction<ScheduledFuture<?>> timer) {
    long id = nextAckId++;
    Waiting waiting = new Waiting(future);
    acks.put(id, waiting);
    waiting.timer = timer.apply(id);
    return id;
  }

  /**
   * Sends a packet (asking for ack {@code id}, or none: negative) on {@code connection}, or keeps
   * it for the next connect when there is none.
   */
  void emit(String text, long id, SocketConnection connection) {
    Waiting waiting = id < 0 ? null : acks.get(id);
    if (connection == null) {
      buffer.add(new Buffered(text, waiting));
      return;
    }
    connection.send(text);
    if (waiting != null) {
      waiting.sent = true;
    }
  }

  /** Sends what was buffered, in order, skipping requests that timed out meanwhile. */
  void flush(Consumer<String> send) {
    List<Buffered> queued = new ArrayList<>(buffer);
    buffer.clear();
    for (Buffered b : queued) {
      if (b.ack() != null && b.ack().future.isDone()) {
        continue;
      }
      send.accept(b.text());
      if (b.ack() != null) {
        b.ack().sent = true;
      }
    }
  }

  /** The ACK packet of {@code id} arrived. */
  void answer(long id, List<JsonNode> args) {
    Waiting waiting = acks.remove(id);
    if (waiting != null) {
      cancel(waiting.timer);
      waiting.future.complete(args);
    }
  }

  /** Ack {@code id} is given up on (its timeout). */
  void timeOut(long id, ClientException why) {
    Waiting waiting = acks.remove(id);
    if (waiting != null) {
      waiting.future.completeExceptionally(why);
    }
  }

  /** The connection is gone: the requests sent on it will not be answered. */
  void failSent(ClientException why) {
    for (Iterator<Waiting> it = acks.values().iterator(); it.hasNext(); ) {
      Waiting waiting = it.next();
      if (waiting.sent) {
        it.remove();
        cancel(waiting.timer);
        waiting.future.completeExceptionally(why);
      }
    }
  }

  /** The client stops: nothing pending will be answered or sent. */
  void failAll(ClientException why) {
    for (Waiting waiting : acks.values()) {
      cancel(waiting.timer);
      waiting.future.completeExceptionally(why);
    }
    acks.clear();
    buffer.clear();
  }

  static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
