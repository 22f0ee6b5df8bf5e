package dev.chatctl.cli.client;

import dev.chatctl.util.SerialExecutor;
import java.nio.channels.UnresolvedAddressException;
import java.net.http.WebSocketHandshakeException;
import java.net.http.HttpTimeoutException;
import java.net.SocketTimeoutException;
import java.net.ConnectException;
import dev.chatctl.util.Throwables;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Socket.IO v5 client for namespace "/" over Engine.IO v4's websocket transport, as
 * socket.io-client 4 behaves:
 *
 * <ul>
 *   <li>{@link #connect()} opens {@code ws(s)://host/socket.io/?EIO=4&transport=websocket} and
 *       sends CONNECT with the auth payload {@code {token, pid?, offset?}}; the answer {@code
 *       {sid, pid}} connects, CONNECT_ERROR {@code {message, data: {code}}} refuses.
 *   <li>Events both ways; {@link #emitWithAck} numbers its acknowledgements and waits for them.
 *       What is emitted while not connected is buffered and sent on the next connect.
 *   <li>The server's pings are answered; no ping within pingInterval + pingTimeout drops the
 *       connection ("ping timeout").
 *   <li>A dropped connection is re-established with {@link Backoff} (not after the server's
 *       DISCONNECT, a refused connect or {@link #disconnect()}).
 *   <li>Connection-state recovery: the {@code pid} of the CONNECT answer and the last event's
 *       extra string argument (its offset, which {@code message:receive} carries) are sent back
 *       on reconnect; {@link Connected#recovered()} is true when the answer has the same pid.
 * </ul>
 *
 * <p>Callbacks of the {@link Listener} run on the client's event loop, one at a time, in arrival
 * order; they must not block. The first connect is not retried: it succeeds or fails.
 */
public final class SocketClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocketClient.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final String MAIN = SocketPacket.MAIN_NAMESPACE;

  /** The answer to a CONNECT. {@code reconnect}: not the first connect of this client. */
  public record Connected(String sid, String pid, boolean recovered, boolean reconnect) {}

  /** Where a client stands. */
  public enum State { IDLE, CONNECTING, CONNECTED, RECONNECTING, CLOSED }

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
  private final HttpClient http;
  private final boolean ownHttp;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private final SerialExecutor loop;
  private final RandomGenerator random = new java.util.Random();
  private final CompletableFuture<Connected> firstConnect = new CompletableFuture<>();
  private final CompletableFuture<ClientException> terminated = new CompletableFuture<>();
  private final EngineEvents engineEvents = new EngineEvents();
  private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

  private volatile State state = State.IDLE;
  private volatile String sid;
  private volatile String pid;
  private volatile String offset;
  // event loop only
  private EngineConnection connection;
  private SocketCodec.Decoder decoder;
  private boolean everConnected;
  private int attempts;
  private ScheduledFuture<?> attemptTimer;
  private ScheduledFuture<?> reconnectTimer;
  private final List<Buffered> buffer = new ArrayList<>();
  private final Map<Long, PendingAck> acks = new LinkedHashMap<>();
  private long nextAckId;

  private record Buffered(String text, PendingAck ack) {}

  private static final class PendingAck {
    final CompletableFuture<List<JsonNode>> future;
    ScheduledFuture<?> timer;
    boolean sent;

    PendingAck(CompletableFuture<List<JsonNode>> future) {
      this.future = future;
    }
  }

  public SocketClient(ClientOptions options, Listener listener) {
    this.options = options;
    this.listener = listener;
    this.uri = options.websocketUri();
    this.ownHttp = options.httpClient() == null;
    this.http = ownHttp ? HttpClient.newBuilder().connectTimeout(options.connectTimeout()).build() : options.httpClient();
    this.ownScheduler = options.scheduler() == null;
    this.scheduler =
        ownScheduler
            ? Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "chatctl-client-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              })
            : options.scheduler();
    this.loop = SerialExecutor.on(scheduler, e -> log.warn("a client callback failed", e));
  }

  // ------------------------------------------------------------------ API (any thread)

  /**
   * Connects (once; later calls return the same outcome). Fails with a {@link ClientException}:
   * REFUSED with the server's code, UNAVAILABLE when the server cannot be reached, TIMEOUT.
   */
  public CompletableFuture<Connected> connect() {
    loop.execute(() -> {
      if (state == State.IDLE) {
        state = State.CONNECTING;
        attempt();
      }
    });
    return firstConnect.copy();
  }

  /** Emits an event; buffered while not connected, dropped once the client is closed. */
  public void emit(String event, Object... args) {
    String text = encodeEvent(event, SocketPacket.NO_ACK, args);
    onLoop(() -> {
      if (state == State.CONNECTED) {
        connection.sendMessage(text);
      } else if (state != State.CLOSED) {
        buffer.add(new Buffered(text, null));
      }
    });
  }

  /**
   * Emits an event asking for an acknowledgement; completes with the ack's arguments. Fails with
   * TIMEOUT after {@code timeout}, UNAVAILABLE when the connection it went out on is lost first,
   * CLOSED when the client stops. Buffered while not connected.
   */
  public CompletableFuture<List<JsonNode>> emitWithAck(Duration timeout, String event, Object... args) {
    CompletableFuture<List<JsonNode>> future = new CompletableFuture<>();
    onLoop(() -> {
      if (state == State.CLOSED) {
        future.completeExceptionally(new ClientException(ClientException.Kind.CLOSED, "the client is closed"));
        return;
      }
      long id = nextAckId++;
      PendingAck ack = new PendingAck(future);
      acks.put(id, ack);
      ack.timer = schedule(timeout, () -> {
        if (acks.remove(id) != null) {
          future.completeExceptionally(
              new ClientException(ClientException.Kind.TIMEOUT, "no answer to " + event + " within " + Durations.format(timeout)));
        }
      });
      String text = encodeEvent(event, id, args);
      if (state == State.CONNECTED) {
        connection.sendMessage(text);
        ack.sent = true;
      } else {
        buffer.add(new Buffered(text, ack));
      }
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
    loop.execute(() -> {
      EngineConnection c = connection;
      disconnectNow();
      (c != null ? c.flushed(500) : CompletableFuture.<Void>completedFuture(null)).whenComplete((x, e) -> done.complete(null));
    });
    if (!loop.inLoop()) {
      try {
        done.get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (ownScheduler) {
      try {
        scheduler.schedule(scheduler::shutdown, 100, TimeUnit.MILLISECONDS); // after the last callbacks
      } catch (RejectedExecutionException alreadyDown) {
        // nothing left to run
      }
    }
    if (ownHttp) {
      http.shutdownNow();
    }
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
    return pid;
  }

  /** The offset of the last event received in this recovery session, or null. */
  public String offset() {
    return offset;
  }

  public URI websocketUri() {
    return uri;
  }

  public ClientOptions options() {
    return options;
  }

  // ------------------------------------------------------------------ event loop

  private void attempt() {
    decoder = new SocketCodec.Decoder();
    EngineConnection c = new EngineConnection(loop, scheduler, engineEvents);
    connection = c;
    Duration timeout = options.connectTimeout();
    attemptTimer = schedule(timeout, () -> {
      if (connection == c && state == State.CONNECTING) {
        c.close(false);
        connection = null;
        attemptFailed(new ClientException(ClientException.Kind.TIMEOUT, "no answer from " + uri + " within " + Durations.format(timeout)));
      }
    });
    c.open(http, uri, timeout);
  }

  private final class EngineEvents implements EngineConnection.Events {
    @Override
    public void opened(EngineConnection c, Handshake handshake) {
      if (c != connection) {
        return;
      }
      ObjectNode auth = JsonNodeFactory.instance.objectNode();
      String token;
      try {
        token = options.token().get();
      } catch (RuntimeException e) {
        c.close(false);
        connection = null;
        attemptFailed(new ClientException(ClientException.Kind.CLOSED, null, "no token: " + e.getMessage(), e));
        return;
      }
      if (token != null) {
        auth.put("token", token);
      }
      if (pid != null) {
        auth.put("pid", pid);
        if (offset != null) {
          auth.put("offset", offset);
        }
      }
      c.sendMessage(SocketCodec.encode(new SocketPacket(SocketPacket.Type.CONNECT, MAIN, SocketPacket.NO_ACK, auth)).text());
    }

    @Override
    public void message(EngineConnection c, String text) {
      received(c, () -> decoder.decode(text));
    }

    @Override
    public void binary(EngineConnection c, byte[] data) {
      received(c, () -> decoder.decode(data));
    }

    /** A frame of the current connection, through the decoder: a whole packet, or null until one is. */
    private void received(EngineConnection c, java.util.function.Supplier<SocketPacket> decode) {
      if (c != connection) {
        return;
      }
      SocketPacket packet;
      try {
        packet = decode.get();
      } catch (ProtocolException e) {
        c.close(false);
        lost("parse error", e);
        return;
      }
      if (packet != null) {
        onPacket(c, packet);
      }
    }

    @Override
    public void closed(EngineConnection c, String reason, Throwable cause) {
      if (c == connection) {
        lost(reason, cause);
      }
    }
  }

  /** The current connection ended without being asked to. */
  private void lost(String reason, Throwable cause) {
    connection = null;
    if (state == State.CONNECTING) {
      String why = cause == null ? reason : rootMessage(cause);
      ClientException.Kind kind = timedOut(cause) ? ClientException.Kind.TIMEOUT : ClientException.Kind.UNAVAILABLE;
      attemptFailed(new ClientException(kind, null, "cannot connect to " + uri + ": " + why, cause));
    } else if (state == State.CONNECTED) {
      sid = null;
      failSentAcks(new ClientException(ClientException.Kind.UNAVAILABLE, "connection lost (" + reason + ") before the answer"));
      boolean retry = options.reconnect();
      listener.onDisconnect(reason, retry);
      if (retry) {
        scheduleReconnect();
      } else {
        terminate(new ClientException(ClientException.Kind.UNAVAILABLE, "connection lost (" + reason + ")"));
      }
    }
  }

  private void onPacket(EngineConnection c, SocketPacket packet) {
    if (!MAIN.equals(packet.namespace())) {
      return;
    }
    switch (packet.type()) {
      case CONNECT -> onConnected(packet.data());
      case CONNECT_ERROR -> {
        JsonNode data = packet.data();
        String message = data.isTextual() ? data.textValue() : data.path("message").asText("connect error");
        JsonNode code = data.path("data").path("code");
        c.close(true);
        connection = null;
        ClientException refused = ClientException.refused(code.isTextual() ? code.textValue() : null, message);
        if (state == State.CONNECTING) {
          attemptFailed(refused);
        }
      }
      case EVENT, BINARY_EVENT -> onEventPacket(packet);
      case ACK, BINARY_ACK -> {
        PendingAck ack = acks.remove(packet.ackId());
        if (ack != null) {
          cancel(ack.timer);
          List<JsonNode> args = new ArrayList<>(packet.data().size());
          packet.data().forEach(args::add);
          ack.future.complete(args);
        }
      }
      case DISCONNECT -> {
        if (state == State.CONNECTED) {
          c.close(true);
          connection = null;
          sid = null;
          failSentAcks(new ClientException(ClientException.Kind.CLOSED, "the server ended the connection"));
          listener.onDisconnect("io server disconnect", false);
          terminate(new ClientException(ClientException.Kind.CLOSED, "the server ended the connection"));
        }
      }
    }
  }

  private void onConnected(JsonNode data) {
    if (state != State.CONNECTING || data == null) {
      return;
    }
    cancel(attemptTimer);
    JsonNode pidNode = data.path("pid");
    String newPid = pidNode.isTextual() ? pidNode.textValue() : null;
    boolean recovered = newPid != null && newPid.equals(pid);
    pid = newPid;
    if (!recovered) {
      offset = null; // a new session: its offsets start over
    }
    sid = data.path("sid").asText(null);
    boolean reconnect = everConnected;
    everConnected = true;
    attempts = 0;
    state = State.CONNECTED;
    List<Buffered> queued = new ArrayList<>(buffer);
    buffer.clear();
    for (Buffered b : queued) {
      if (b.ack() != null && b.ack().future.isDone()) {
        continue; // timed out meanwhile
      }
      connection.sendMessage(b.text());
      if (b.ack() != null) {
        b.ack().sent = true;
      }
    }
    Connected connected = new Connected(sid, pid, recovered, reconnect);
    log.debug("connected {}", connected);
    listener.onConnect(connected);
    firstConnect.complete(connected);
  }

  private void onEventPacket(SocketPacket packet) {
    if (state != State.CONNECTED) {
      return;
    }
    List<JsonNode> args = new ArrayList<>(packet.data().size());
    packet.data().forEach(args::add);
    String event = args.remove(0).asText();
    // as socket.io-client: with a recovery session, an event's last string argument is its offset
    if (pid != null && !args.isEmpty() && args.get(args.size() - 1).isTextual()) {
      offset = args.get(args.size() - 1).textValue();
    }
    listener.onEvent(event, args);
  }

  private void attemptFailed(ClientException error) {
    cancel(attemptTimer);
    boolean retry =
        everConnected
            && options.reconnect()
            && (error.kind() != ClientException.Kind.REFUSED || "INTERNAL".equals(error.code()));
    listener.onConnectError(error, retry);
    if (retry) {
      scheduleReconnect();
    } else {
      terminate(error);
    }
  }

  private void scheduleReconnect() {
    attempts++;
    Duration delay = options.backoff().delay(attempts, random);
    state = State.RECONNECTING;
    listener.onReconnecting(attempts, delay);
    reconnectTimer = schedule(delay, () -> {
      if (state == State.RECONNECTING) {
        state = State.CONNECTING;
        attempt();
      }
    });
  }

  private void disconnectNow() {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasConnected = state == State.CONNECTED;
    EngineConnection c = connection;
    connection = null;
    if (c != null) {
      if (wasConnected) {
        c.sendMessage(SocketCodec.encode(new SocketPacket(SocketPacket.Type.DISCONNECT, MAIN, SocketPacket.NO_ACK, null)).text());
        c.close(true);
      } else {
        c.close(false);
      }
    }
    ClientException closed = new ClientException(ClientException.Kind.CLOSED, "the client was closed");
    if (wasConnected) {
      listener.onDisconnect("io client disconnect", false);
    }
    terminate(closed);
  }

  /** Stops for good: nothing pending will be answered. */
  private void terminate(ClientException why) {
    state = State.CLOSED;
    cancel(attemptTimer);
    cancel(reconnectTimer);
    if (connection != null) {
      connection.close(false);
      connection = null;
    }
    for (PendingAck ack : acks.values()) {
      cancel(ack.timer);
      ack.future.completeExceptionally(why);
    }
    acks.clear();
    buffer.clear();
    firstConnect.completeExceptionally(why);
    terminated.complete(why);
  }

  private void failSentAcks(ClientException why) {
    for (var it = acks.values().iterator(); it.hasNext(); ) {
      PendingAck ack = it.next();
      if (ack.sent) {
        it.remove();
        cancel(ack.timer);
        ack.future.completeExceptionally(why);
      }
    }
  }

  private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    try {
      return scheduler.schedule(() -> loop.execute(task), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shutDown) {
      return null;
    }
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private static String encodeEvent(String event, long ackId, Object[] args) {
    ArrayNode data = JsonNodeFactory.instance.arrayNode();
    data.add(event);
    for (Object arg : args) {
      data.add(arg instanceof JsonNode node ? node : Json.MAPPER.valueToTree(arg));
    }
    SocketCodec.Encoded encoded = SocketCodec.encode(new SocketPacket(SocketPacket.Type.EVENT, MAIN, ackId, data));
    if (encoded.hasAttachments()) {
      throw new IllegalArgumentException("binary arguments are not supported by this client");
    }
    return encoded.text();
  }

  private static boolean timedOut(Throwable t) {
    return Throwables.has(t, HttpTimeoutException.class, SocketTimeoutException.class);
  }

  private static String rootMessage(Throwable t) {
    WebSocketHandshakeException handshake = Throwables.find(t, WebSocketHandshakeException.class);
    if (handshake != null) {
      return "the websocket handshake was refused (HTTP " + handshake.getResponse().statusCode() + ")";
    }
    Throwable root = Throwables.root(t);
    String message = root.getMessage();
    if (root instanceof ConnectException) {
      return message == null || message.isBlank() ? "connection refused" : message;
    }
    if (root instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (root instanceof UnresolvedAddressException) {
      return "unknown host";
    }
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
