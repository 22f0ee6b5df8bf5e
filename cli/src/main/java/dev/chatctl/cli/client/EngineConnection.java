package dev.chatctl.cli.client;

import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.engineio.EngineCodec;
import dev.chatctl.protocol.engineio.EnginePacket;
import dev.chatctl.protocol.engineio.Handshake;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO v4 connection over the websocket transport: the handshake (OPEN), the heartbeat
 * (the server's PING answered with PONG; no PING within pingInterval + pingTimeout means the
 * connection is dead), and MESSAGE packets in and out. Everything it reports runs on the owner's
 * event loop; a connection reports {@link Events#closed} at most once, and nothing after it.
 */
final class EngineConnection implements WebSocket.Listener {
  private static final Logger log = LoggerFactory.getLogger(EngineConnection.class);
  private static final long CLOSE_GRACE_MILLIS = 1_000;

  /** What a connection reports, on the event loop. */
  interface Events {
    void opened(EngineConnection connection, Handshake handshake);

    void message(EngineConnection connection, String text);

    void binary(EngineConnection connection, byte[] data);

    /** The connection ended without being asked to: reason as socket.io-client names it. */
    void closed(EngineConnection connection, String reason, Throwable cause);
  }

  private final Executor loop;
  private final ScheduledExecutorService scheduler;
  private final Events events;
  private final StringBuilder text = new StringBuilder();
  private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
  private final Object sendLock = new Object();
  private CompletableFuture<?> sendTail =
      CompletableFuture.completedFuture(null); // guarded by sendLock
  private volatile WebSocket ws;
  // event loop only
  private boolean closed;
  private ScheduledFuture<?> pingTimer;
  private long pingWindowMillis;

  EngineConnection(Executor loop, ScheduledExecutorService scheduler, Events events) {
    this.loop = loop;
    this.scheduler = scheduler;
    this.events = events;
  }

  /** Opens the websocket; the outcome comes as {@link Events#opened} or {@link Events#closed}. */
  void open(HttpClient http, URI uri, Duration timeout) {
    http.newWebSocketBuilder()
        .connectTimeout(timeout)
        .buildAsync(uri, this)
        .whenComplete(
            (socket, error) ->
                loop.execute(
                    () -> {
                      if (error != null) {
                        fail("transport error", error);
                      } else if (closed) {
                        socket.abort(); // given up on while the handshake ran
                      }
                    }));
  }

  // ------------------------------------------------------------------ WebSocket.Listener (any
  // thread)

  @Override
  public void onOpen(WebSocket webSocket) {
    ws = webSocket;
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      String frame = text.toString();
      text.setLength(0);
      loop.execute(() -> frame(frame));
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    binary.writeBytes(chunk);
    if (last) {
      byte[] frame = binary.toByteArray();
      binary.reset();
      loop.execute(
          () -> {
            if (!closed) {
              events.binary(this, frame);
            }
          });
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    loop.execute(() -> fail("transport close", null));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    loop.execute(() -> fail("transport error", error));
  }

  // ------------------------------------------------------------------ event loop

  private void frame(String frame) {
    if (closed) {
      return;
    }
    EnginePacket packet;
    try {
      packet = EngineCodec.decodeText(frame);
    } catch (ProtocolException e) {
      fail("parse error", e);
      return;
    }
    switch (packet.type()) {
      case OPEN -> {
        Handshake handshake;
        try {
          handshake = Json.convert(Json.read(packet.text()), Handshake.class);
        } catch (RuntimeException e) {
          fail("parse error", e);
          return;
        }
        pingWindowMillis = handshake.pingInterval() + handshake.pingTimeout();
        resetPingTimer();
        events.opened(this, handshake);
      }
      case PING -> {
        send(EngineCodec.encodeText(EnginePacket.PONG));
        resetPingTimer();
      }
      case MESSAGE -> events.message(this, packet.text());
      case CLOSE -> fail("transport close", null);
      case PONG, UPGRADE, NOOP -> {}
    }
  }

  private void resetPingTimer() {
    if (pingTimer != null) {
      pingTimer.cancel(false);
    }
    if (pingWindowMillis > 0) {
      try {
        pingTimer =
            scheduler.schedule(
                () -> loop.execute(() -> fail("ping timeout", null)),
                pingWindowMillis,
                TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException shutDown) {
        pingTimer = null; // the client is closing
      }
    }
  }

  /** Ends the connection from inside (error, close, timeout) and reports it once. */
  private void fail(String reason, Throwable cause) {
    if (closed) {
      return;
    }
    log.debug("connection closed: {}", reason, cause);
    shut(false);
    events.closed(this, reason, cause);
  }

  /** Ends the connection at its owner's request; nothing is reported. Event loop only. */
  void close(boolean graceful) {
    if (!closed) {
      shut(graceful);
    }
  }

  private void shut(boolean graceful) {
    closed = true;
    if (pingTimer != null) {
      pingTimer.cancel(false);
    }
    WebSocket socket = ws;
    if (socket == null) {
      return; // open() sees closed and aborts what it gets
    }
    if (!graceful) {
      socket.abort();
      return;
    }
    CompletableFuture<?> sent;
    synchronized (sendLock) {
      sendTail = sendTail.thenCompose(x -> socket.sendClose(WebSocket.NORMAL_CLOSURE, ""));
      sent = sendTail;
    }
    // the server answers the close; whatever it does, the connection is gone a moment later
    try {
      scheduler.schedule(socket::abort, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shutDown) {
      sent.whenComplete((x, e) -> socket.abort());
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Sends an Engine.IO MESSAGE with a Socket.IO packet's text. */
  void sendMessage(String socketPacketText) {
    send(EngineCodec.encodeText(EnginePacket.message(socketPacketText)));
  }

  /** Queues a text frame behind those already queued (the JDK allows one send at a time). */
  private void send(String frame) {
    WebSocket socket = ws;
    if (socket == null) {
      return;
    }
    CompletableFuture<?> sent;
    synchronized (sendLock) {
      sendTail = sendTail.thenCompose(x -> socket.sendText(frame, true));
      sent = sendTail;
    }
    sent.whenComplete(
        (x, error) -> {
          if (error != null) {
            loop.execute(() -> fail("transport error", error));
          }
        });
  }

  /** Waits (at most {@code millis}) until the frames queued so far have been written. */
  CompletableFuture<Void> flushed(long millis) {
    CompletableFuture<?> tail;
    synchronized (sendLock) {
      tail = sendTail;
    }
    return tail.handle((x, e) -> (Void) null)
        .completeOnTimeout(null, millis, TimeUnit.MILLISECONDS);
  }
}
