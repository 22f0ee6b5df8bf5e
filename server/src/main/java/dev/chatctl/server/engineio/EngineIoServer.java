package dev.chatctl.server.engineio;

import dev.chatctl.util.RandomIds;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.engineio.EngineCodec;
import dev.chatctl.protocol.engineio.EnginePacket;
import dev.chatctl.protocol.engineio.Handshake;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.server.HttpUpgradeListener;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * The Engine.IO v4 endpoint ({@code /socket.io/}): opens sessions over HTTP long-polling or
 * WebSocket, routes polls and posts to their session, and upgrades polling sessions to WebSocket.
 * Errors are answered as engine.io does: HTTP 400 with {@code {"code":N,"message":"..."}}.
 */
public final class EngineIoServer implements HttpHandler {

  static final String TEXT_PLAIN = "text/plain; charset=UTF-8";
  static final String TEXT_HTML = "text/html";
  private static final String JSON = "application/json";

  private static final AttachmentKey<Target> TARGET = AttachmentKey.create(Target.class);

  private final EngineOptions options;
  private final EngineListener listener;
  private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
  private final WebSocketProtocolHandshakeHandler webSocketHandshake;

  private final java.util.concurrent.ScheduledExecutorService heartbeat;

  public EngineIoServer(EngineOptions options, EngineListener listener) {
    this.options = options;
    this.listener = listener;
    this.webSocketHandshake = new WebSocketProtocolHandshakeHandler(new Upgrades());
    // one heartbeat for every session, ticking at a twentieth of the smaller ping setting
    long tick = Math.clamp(Math.min(options.pingInterval().toMillis(), options.pingTimeout().toMillis()) / 20, 5, 1000);
    this.heartbeat =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("chatctl-heartbeat").daemon(true).unstarted(r));
    heartbeat.scheduleAtFixedRate(this::beat, tick, tick, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void beat() {
    long now = System.nanoTime();
    for (EngineSession session : sessions.values()) {
      try {
        session.heartbeat(now);
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(EngineIoServer.class).error("heartbeat of {} failed", session.sid(), e);
      }
    }
  }

  public EngineOptions options() {
    return options;
  }

  /** Sessions open now. */
  public int sessionCount() {
    return sessions.size();
  }

  /** Closes every session and stops the heartbeat (server shutdown). */
  public void closeAll() {
    heartbeat.shutdownNow();
    for (EngineSession session : List.copyOf(sessions.values())) {
      session.close(EngineSession.SERVER_SHUTTING_DOWN, false);
    }
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    Map<String, Deque<String>> query = exchange.getQueryParameters();
    String transport = first(query, "transport");
    String sid = first(query, "sid");
    if (!"polling".equals(transport) && !"websocket".equals(transport)) {
      error(exchange, 400, 0, "Transport unknown");
      return;
    }
    if (!"4".equals(first(query, "EIO"))) {
      error(exchange, 400, 5, "Unsupported protocol version");
      return;
    }
    EngineSession session = null;
    if (sid != null) {
      session = sessions.get(sid);
      if (session == null) {
        error(exchange, 400, 1, "Session ID unknown");
        return;
      }
    }
    if (transport.equals("websocket")) {
      HeaderValues upgrade = exchange.getRequestHeaders().get(Headers.UPGRADE);
      if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade.getFirst())) {
        error(exchange, 400, 3, "Bad request");
        return;
      }
      exchange.putAttachment(TARGET, new Target(session, handshakeRequest(exchange)));
      try {
        webSocketHandshake.handleRequest(exchange);
      } catch (Exception e) {
        error(exchange, 400, 3, "Bad request");
      }
      return;
    }
    if (session == null) {
      if (!exchange.getRequestMethod().equals(Methods.GET)) {
        error(exchange, 400, 2, "Bad handshake method");
        return;
      }
      EngineSession opened = open(handshakeRequest(exchange), exchange.getIoThread());
      String body = EnginePacket.Type.OPEN.digit + Json.write(handshake(opened, List.of("websocket")));
      respond(exchange, 200, TEXT_PLAIN, body);
      return;
    }
    if (exchange.getRequestMethod().equals(Methods.GET)) {
      session.onPoll(exchange);
    } else if (exchange.getRequestMethod().equals(Methods.POST)) {
      receivePost(session, exchange);
    } else {
      error(exchange, 400, 3, "Bad request");
    }
  }

  private void receivePost(EngineSession session, HttpServerExchange exchange) {
    long length = exchange.getRequestContentLength();
    if (length > options.maxPayload()) {
      error(exchange, 413, 3, "Payload too large");
      session.close(EngineSession.TRANSPORT_ERROR, false);
      return;
    }
    exchange.setMaxEntitySize(options.maxPayload());
    exchange
        .getRequestReceiver()
        .receiveFullString(
            (ex, body) -> session.onPostBody(ex, body),
            (ex, e) -> {
              error(ex, 413, 3, "Payload too large");
              session.close(EngineSession.TRANSPORT_ERROR, false);
            },
            StandardCharsets.UTF_8);
  }

  private EngineSession open(HandshakeRequest request, org.xnio.XnioIoThread timerThread) {
    EngineSession session = new EngineSession(this, newSid(), request, timerThread);
    sessions.put(session.sid(), session);
    session.setHandler(listener.onOpen(session));
    return session;
  }

  private Handshake handshake(EngineSession session, List<String> upgrades) {
    return new Handshake(
        session.sid(),
        upgrades,
        options.pingInterval().toMillis(),
        options.pingTimeout().toMillis(),
        options.maxPayload());
  }

  void remove(EngineSession session) {
    sessions.remove(session.sid(), session);
  }

  private record Target(EngineSession session, HandshakeRequest request) {}

  /** WebSockets that completed their HTTP handshake (Undertow's), framed by {@link WsConnection}. */
  private final class Upgrades implements HttpUpgradeListener {
    @Override
    public void handleUpgrade(StreamConnection connection, HttpServerExchange exchange) {
      Target target = exchange.getAttachment(TARGET);
      if (target == null) {
        IoUtils.safeClose(connection);
        return;
      }
      WsConnection ws = WsConnection.over(connection, options.maxPayload(), options.maxBufferedBytes());
      if (target.session() != null) {
        target.session().attachProbe(ws);
        return;
      }
      EngineSession session = new EngineSession(EngineIoServer.this, newSid(), target.request(), ws.ioThread());
      sessions.put(session.sid(), session);
      ws.sendText(EnginePacket.Type.OPEN.digit + Json.write(handshake(session, List.of())));
      session.useWebSocket(ws);
      session.setHandler(listener.onOpen(session));
      }
  }

  // ------------------------------------------------------------------ helpers

  private static String newSid() {
    return RandomIds.urlSafe(15);
  }

  private static HandshakeRequest handshakeRequest(HttpServerExchange exchange) {
    Map<String, String> query = new HashMap<>(4);
    exchange.getQueryParameters().forEach((name, values) -> {
      if (!ENGINE_PARAMETERS.contains(name)) { // Engine.IO's own are no use to the application
        query.put(name, values.getFirst());
      }
    });
    Map<String, String> headers = new HashMap<>(4);
    for (String name : HandshakeRequest.KEPT_HEADERS) {
      String value = exchange.getRequestHeaders().getFirst(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    String address =
        exchange.getSourceAddress() == null ? null : exchange.getSourceAddress().getAddress().getHostAddress();
    return new HandshakeRequest(Map.copyOf(query), Map.copyOf(headers), address);
  }

  private static final java.util.Set<String> ENGINE_PARAMETERS = java.util.Set.of("EIO", "transport", "sid", "t", "b64");

  private static String first(Map<String, Deque<String>> query, String name) {
    Deque<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  /** Keeps an exchange open after its handler returns, to be answered later. */
  static void hold(HttpServerExchange exchange) {
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {});
  }

  /** Answers an exchange; safe from any thread. */
  static void respond(HttpServerExchange exchange, int status, String contentType, String body) {
    if (exchange.isInIoThread()) {
      write(exchange, status, contentType, body);
    } else {
      exchange.getIoThread().execute(() -> write(exchange, status, contentType, body));
    }
  }

  private static void write(HttpServerExchange exchange, int status, String contentType, String body) {
    if (exchange.isResponseStarted()) {
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
  }

  static void error(HttpServerExchange exchange, int status, int code, String message) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("code", code);
    body.put("message", message);
    respond(exchange, status, JSON, Json.write(body));
  }
}
