package dev.chatctl.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.engineio.Handshake;
import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.util.Durations;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * One Socket.IO connection to namespace "/" over one {@link EngineConnection}, from the attempt to
 * its end: opens the transport, sends CONNECT with the auth payload {@code {token, pid?, offset?}}
 * once Engine.IO is open, gives the attempt {@code connectTimeout} to be answered, and decodes the
 * packets. It reports to {@link Events} on the client's event loop: either {@link Events#failed}
 * (the attempt did not connect), or {@link Events#connected} followed by packets and one end
 * ({@link Events#serverDisconnect} or {@link Events#lost}); nothing after the end or after {@link
 * #close}.
 */
final class SocketConnection implements EngineConnection.Events {
  private static final String MAIN = SocketPacket.MAIN_NAMESPACE;

  /** What a connection reports, on the event loop. */
  interface Events {
    /** The CONNECT answer {@code {sid, pid}}. */
    void connected(SocketConnection c, JsonNode answer);

    /** The attempt ended without a CONNECT answer: unreachable, timed out, refused, no token. */
    void failed(SocketConnection c, ClientException error);

    /** An EVENT or ACK packet of the connected socket. */
    void packet(SocketConnection c, SocketPacket packet);

    /** The server's DISCONNECT. */
    void serverDisconnect(SocketConnection c);

    /** The connected socket's transport ended: reason as socket.io-client names it. */
    void lost(SocketConnection c, String reason, Throwable cause);
  }

  private final URI uri;
  private final Supplier<String> token;
  private final Recovery recovery;
  private final Events events;
  private final EngineConnection engine;
  private final SocketCodec.Decoder decoder = new SocketCodec.Decoder();
  // event loop only
  private ScheduledFuture<?> attemptTimer;
  private boolean connected;
  private boolean ended;

  SocketConnection(
      URI uri,
      Supplier<String> token,
      Recovery recovery,
      Executor loop,
      ScheduledExecutorService scheduler,
      Events events) {
    this.uri = uri;
    this.token = token;
    this.recovery = recovery;
    this.events = events;
    this.engine = new EngineConnection(loop, scheduler, this);
  }

  /** Starts the attempt; {@code timers} runs a task on the event loop after a delay. */
  void open(
      HttpClient http,
      Duration timeout,
      BiFunction<Duration, Runnable, ScheduledFuture<?>> timers) {
    attemptTimer =
        timers.apply(
            timeout,
            () -> {
              if (!connected && !ended) {
                fail(
                    new ClientException(
                        ClientException.Kind.TIMEOUT,
                        "no answer from " + uri + " within " + Durations.format(timeout)));
              }
            });
    engine.open(http, uri, timeout);
  }

  /** Sends an encoded Socket.IO packet. */
  void send(String packet) {
    engine.sendMessage(packet);
  }

  /** Leaves: DISCONNECT, then a websocket close. Nothing is reported after it. */
  void leave() {
    send(
        SocketCodec.encode(
                new SocketPacket(SocketPacket.Type.DISCONNECT, MAIN, SocketPacket.NO_ACK, null))
            .text());
    close(true);
  }

  /**
   * Ends the connection ({@code graceful}: a websocket close after what is queued, else at once).
   */
  void close(boolean graceful) {
    ended = true;
    Outbound.cancel(attemptTimer);
    engine.close(graceful);
  }

  /** Completes when what was sent has left, or after {@code millis}. */
  CompletableFuture<Void> flushed(long millis) {
    return engine.flushed(millis);
  }

  // ------------------------------------------------------------------ from the Engine.IO
  // connection

  @Override
  public void opened(EngineConnection c, Handshake handshake) {
    if (ended) {
      return;
    }
    ObjectNode auth = JsonNodeFactory.instance.objectNode();
    String t;
    try {
      t = token.get();
    } catch (RuntimeException e) {
      fail(
          new ClientException(ClientException.Kind.CLOSED, null, "no token: " + e.getMessage(), e));
      return;
    }
    if (t != null) {
      auth.put("token", t);
    }
    recovery.addTo(auth);
    send(
        SocketCodec.encode(
                new SocketPacket(SocketPacket.Type.CONNECT, MAIN, SocketPacket.NO_ACK, auth))
            .text());
  }

  @Override
  public void message(EngineConnection c, String text) {
    received(() -> decoder.decode(text));
  }

  @Override
  public void binary(EngineConnection c, byte[] data) {
    received(() -> decoder.decode(data));
  }

  @Override
  public void closed(EngineConnection c, String reason, Throwable cause) {
    end(reason, cause);
  }

  /** A frame through the decoder: a whole packet, or null until one is. */
  private void received(Supplier<SocketPacket> decode) {
    if (ended) {
      return;
    }
    SocketPacket packet;
    try {
      packet = decode.get();
    } catch (ProtocolException e) {
      engine.close(false);
      end("parse error", e);
      return;
    }
    if (packet != null && MAIN.equals(packet.namespace())) {
      onPacket(packet);
    }
  }

  private void onPacket(SocketPacket packet) {
    switch (packet.type()) {
      case CONNECT -> {
        if (!connected && packet.data() != null) {
          connected = true;
          Outbound.cancel(attemptTimer);
          events.connected(this, packet.data());
        }
      }
      case CONNECT_ERROR -> {
        JsonNode data = packet.data();
        String message =
            data.isTextual() ? data.textValue() : data.path("message").asText("connect error");
        JsonNode code = data.path("data").path("code");
        engine.close(true);
        if (connected) {
          end("io server disconnect", null);
        } else {
          fail(ClientException.refused(code.isTextual() ? code.textValue() : null, message));
        }
      }
      case EVENT, BINARY_EVENT, ACK, BINARY_ACK -> {
        if (connected) {
          events.packet(this, packet);
        }
      }
      case DISCONNECT -> {
        if (connected) {
          close(true);
          events.serverDisconnect(this);
        }
      }
    }
  }

  private void fail(ClientException error) {
    close(false);
    events.failed(this, error);
  }

  /** The transport ended without being asked to. */
  private void end(String reason, Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    Outbound.cancel(attemptTimer);
    if (connected) {
      events.lost(this, reason, cause);
    } else {
      events.failed(this, ClientException.unreachable(uri, reason, cause));
    }
  }

  /**
   * An EVENT packet's text, asking for ack {@code ackId} (or none: {@link SocketPacket#NO_ACK}).
   */
  static String encodeEvent(String event, long ackId, Object[] args) {
    ArrayNode data = JsonNodeFactory.instance.arrayNode();
    data.add(event);
    for (Object arg : args) {
      data.add(arg instanceof JsonNode node ? node : Json.MAPPER.valueToTree(arg));
    }
    SocketCodec.Encoded encoded =
        SocketCodec.encode(new SocketPacket(SocketPacket.Type.EVENT, MAIN, ackId, data));
    if (encoded.hasAttachments()) {
      throw new IllegalArgumentException("binary arguments are not supported by this client");
    }
    return encoded.text();
  }
}
