package dev.chatctl.cli.client;

// Over 350 lines since formatting at 100 columns: its parts (one connection, reconnection, outbound
// buffer, recovery, threads) are classes of their own; what remains is the client's public API and
// its state across connections.

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.util.Durations;
import dev.chatctl.util.SerialExecutor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Socket.IO v5 client for namespace "/" over Engine.IO v4's websocket transport, as
 * socket.io-client 4 behaves: {@link #connect()} opens {@code
 * ws(s)://host/socket.io/?EIO=4&transport=websocket} and sends CONNECT with the auth payload {@code
 * {token, pid?, offset?}}; the answer {@code {sid, pid}} connects, CONNECT_ERROR {@code {message,
 * data: {code}}} refuses. Events go both ways; {@link #emitWithAck} waits for its acknowledgement;
 * what is emitted while not connected is sent on the next connect. A dropped connection is
 * re-established (not after the server's DISCONNECT, a refused connect or {@link #disconnect()})
 * and its session recovered when the server can ({@link Connected#recovered()}).
 *
 * <p>This class is the client's state across connections and its API; {@link SocketConnection} is
 * one connection's life (attempt, CONNECT, packets, end; {@link EngineConnection} below it keeps
 * the heartbeat), {@link Reconnection} decides about the next one, {@link Outbound} keeps the
 * buffer and the acknowledgements awaited, {@link Recovery} the session to recover.
 *
 * <p>Callbacks of the {@link Listener} run on the client's event loop, one at a time, in arrival
 * order; they must not block. The first connect is not retried: it succeeds or fails.
 */
public final class SocketClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocketClient.class);

  /** The answer to a CONNECT. {@code reconnect}: not the first connect of this client. */
  public record Connected(String sid, String pid, boolean recovered, boolean reconnect) {}

  /** Where a client stands. */
  public enum State {
    IDLE,
    CONNECTING,
    CONNECTED,
    RECONNECTING,
    CLOSED
  }

  /** What happens to a client; every method runs on its event loop. */
  public interface Listener {
    /** Connected (the first time, or again after a drop). */
    default void onConnect(Connected connected) {}

    /** A connect attempt failed; {@code willRetry}: another attempt follows (after a delay). */
    default void onConnectError(ClientException error, boolean willRetry) {}

    /**
     * The connection ended: "io server disconnect", "io client disconnect", "ping timeout",
     * "transport close", "transport error", "parse error".
     */
    default void onDisconnect(String reason, boolean willReconnect) {}

    /** Reconnect attempt {@code attempt} starts after {@code delay}. */
    default void onReconnecting(int attempt, Duration delay) {}

    /** An event from the server, its arguments without the name. */
    default void onEvent(String event, List<JsonNode> args) {}
  }

  private final ClientOptions options;
  private final Listener listener;
  private final URI uri;
  private final ClientThreads threads;
  private final SerialExecutor loop;
  private final CompletableFuture<Connected> firstConnect = new CompletableFuture<>();
  private final CompletableFuture<ClientException> terminated = new CompletableFuture<>();
  private final ConnectionEvents connectionEvents = new ConnectionEvents();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Recovery recovery = new Recovery();
  // event loop only
  private final Reconnection reconnection;
  private final Outbound outbound = new Outbound();
  private SocketConnection connection;

  private volatile State state = State.IDLE;
  private volatile String sid;

  public SocketClient(ClientOptions options, Listener listener) {
    this.options = options;
    this.listener = listener;
    this.uri = options.websocketUri();
    this.threads = new ClientThreads(options);
    this.loop = threads.loop;
    this.reconnection =
        new Reconnection(options.reconnect(), options.backoff(), new Random(), threads::schedule);
  }

  // ------------------------------------------------------------------ API (any thread)

  /**
   * Connects (once; later calls return the same outcome). Fails with a {@link ClientException}:
   * REFUSED with the server's code, UNAVAILABLE when the server cannot be reached, TIMEOUT.
   */
  public CompletableFuture<Connected> connect() {
    loop.execute(
        () -> {
          if (state == State.IDLE) {
            state = State.CONNECTING;
            attempt();
          }
        });
    return firstConnect.copy();
  }

  /** Emits an event; buffered while not connected, dropped once the client is closed. */
  public void emit(String event, Object... args) {
    String text = SocketConnection.encodeEvent(event, SocketPacket.NO_ACK, args);
    onLoop(
        () -> {
          if (state != State.CLOSED) {
            outbound.emit(text, SocketPacket.NO_ACK, state == State.CONNECTED ? connection : null);
          }
        });
  }

  /**
   * Emits an event asking for an acknowledgement; completes with the ack's arguments. Fails with
   * TIMEOUT after {@code timeout}, UNAVAILABLE when the connection it went out on is lost first,
   * CLOSED when the client stops. Buffered while not connected.
   */
  public CompletableFuture<List<JsonNode>> emitWithAck(
      Duration timeout, String event, Object... args) {
    CompletableFuture<List<JsonNode>> future = new CompletableFuture<>();
    onLoop(
        () -> {
          if (state == State.CLOSED) {
            future.completeExceptionally(
                new ClientException(ClientException.Kind.CLOSED, "the client is closed"));
            return;
          }
          long id =
              outbound.expect(
                  future,
                  ackId ->
                      threads.schedule(
                          timeout,
                          () ->
                              outbound.timeOut(
                                  ackId,
                                  new ClientException(
                                      ClientException.Kind.TIMEOUT,
                                      "no answer to "
                                          + event
                                          + " within "
                                          + Durations.format(timeout)))));
          outbound.emit(
              SocketConnection.encodeEvent(event, id, args),
              id,
              state == State.CONNECTED ? connection : null);
        });
    return future;
  }

  /** Leaves: sends DISCONNECT, closes the connection, stops reconnecting. */
  public void disconnect() {
    loop.execute(this::disconnectNow);
  }

  /**
   * Disconnects, waits a moment for the close to leave (unless called from a callback), and
   * releases the threads the client made.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(
        () -> {
          SocketConnection c = connection;
          disconnectNow();
          (c != null ? c.flushed(500) : CompletableFuture.<Void>completedFuture(null))
              .whenComplete((x, e) -> done.complete(null));
        });
    threads.release(done);
  }

  /** Runs a task on the client's event loop (where callbacks run), after those queued. */
  public void execute(Runnable task) {
    loop.execute(task);
  }

  /** True when called from the client's event loop (a callback). */
  public boolean inEventLoop() {
    return loop.inLoop();
  }

  /** Runs at once when on the event loop (so a callback's emits keep their place), else queues. */
  private void onLoop(Runnable task) {
    if (loop.inLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /** Completes when the client stops for good, with why (CLOSED after {@link #disconnect()}). */
  public CompletableFuture<ClientException> terminated() {
    return terminated.copy();
  }

  public State state() {
    return state;
  }

  public boolean connected() {
    return state == State.CONNECTED;
  }

  /** The Socket.IO id of the current connection, or null. */
  public String sid() {
    return sid;
  }

  /** The recovery session id of the last CONNECT answer, or null. */
  public String pid() {
    return recovery.pid();
  }

  /** The offset of the last event received in this recovery session, or null. */
  public String offset() {
    return recovery.offset();
  }

  public URI websocketUri() {
    return uri;
  }

  public ClientOptions options() {
    return options;
  }

  // ------------------------------------------------------------------ event loop

  private void attempt() {
    SocketConnection c =
        new SocketConnection(
            uri, options.token(), recovery, loop, threads.scheduler, connectionEvents);
    connection = c;
    c.open(threads.http, options.connectTimeout(), threads::schedule);
  }

  private final class ConnectionEvents implements SocketConnection.Events {
    @Override
    public void connected(SocketConnection c, JsonNode answer) {
      if (c == connection) {
        onConnected(answer);
      }
    }

    @Override
    public void failed(SocketConnection c, ClientException error) {
      if (c == connection) {
        connection = null;
        if (state == State.CONNECTING) {
          attemptFailed(error);
        }
      }
    }

    @Override
    public void packet(SocketConnection c, SocketPacket packet) {
      if (c != connection || state != State.CONNECTED) {
        return;
      }
      List<JsonNode> args = new ArrayList<>(packet.data().size());
      packet.data().forEach(args::add);
      if (packet.type() == SocketPacket.Type.ACK || packet.type() == SocketPacket.Type.BINARY_ACK) {
        outbound.answer(packet.ackId(), args);
        return;
      }
      String event = args.remove(0).asText();
      recovery.event(args);
      listener.onEvent(event, args);
    }

    @Override
    public void serverDisconnect(SocketConnection c) {
      if (c == connection && state == State.CONNECTED) {
        dropped(
            "io server disconnect",
            false,
            ClientException.Kind.CLOSED,
            "the server ended the connection");
      }
    }

    @Override
    public void lost(SocketConnection c, String reason, Throwable cause) {
      if (c == connection && state == State.CONNECTED) {
        boolean retry = reconnection.afterLoss();
        dropped(
            reason, retry, ClientException.Kind.UNAVAILABLE, "connection lost (" + reason + ")");
      }
    }
  }

  /** The connected socket ended without being asked to: reconnect, or stop for good. */
  private void dropped(String reason, boolean retry, ClientException.Kind kind, String why) {
    connection = null;
    sid = null;
    outbound.failSent(
        new ClientException(
            kind, why + (kind == ClientException.Kind.UNAVAILABLE ? " before the answer" : "")));
    listener.onDisconnect(reason, retry);
    if (retry) {
      scheduleReconnect();
    } else {
      terminate(new ClientException(kind, why));
    }
  }

  private void onConnected(JsonNode data) {
    if (state != State.CONNECTING) {
      return;
    }
    boolean recovered = recovery.connected(data);
    sid = data.path("sid").asText(null);
    boolean reconnect = reconnection.everConnected();
    reconnection.connected();
    state = State.CONNECTED;
    outbound.flush(connection::send);
    Connected connected = new Connected(sid, recovery.pid(), recovered, reconnect);
    log.debug("connected {}", connected);
    listener.onConnect(connected);
    firstConnect.complete(connected);
  }

  private void attemptFailed(ClientException error) {
    boolean retry = reconnection.afterFailure(error);
    listener.onConnectError(error, retry);
    if (retry) {
      scheduleReconnect();
    } else {
      terminate(error);
    }
  }

  private void scheduleReconnect() {
    state = State.RECONNECTING;
    Reconnection.Attempt next =
        reconnection.schedule(
            () -> {
              if (state == State.RECONNECTING) {
                state = State.CONNECTING;
                attempt();
              }
            });
    listener.onReconnecting(next.number(), next.delay());
  }

  private void disconnectNow() {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasConnected = state == State.CONNECTED;
    SocketConnection c = connection;
    connection = null;
    if (c != null) {
      if (wasConnected) {
        c.leave();
      } else {
        c.close(false);
      }
    }
    ClientException closed =
        new ClientException(ClientException.Kind.CLOSED, "the client was closed");
    if (wasConnected) {
      listener.onDisconnect("io client disconnect", false);
    }
    terminate(closed);
  }

  /** Stops for good: nothing pending will be answered. */
  private void terminate(ClientException why) {
    state = State.CLOSED;
    reconnection.cancel();
    if (connection != null) {
      connection.close(false);
      connection = null;
    }
    outbound.failAll(why);
    firstConnect.completeExceptionally(why);
    terminated.complete(why);
  }
}
