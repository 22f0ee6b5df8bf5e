package dev.chatctl.server.engineio;

import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.engineio.EnginePacket;
import dev.chatctl.protocol.engineio.Handshake;
import dev.chatctl.server.http.HandshakeRequest;
import dev.chatctl.util.RandomIds;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.HttpUpgradeListener;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;

/**
 * The Engine.IO v4 endpoint ({@code /socket.io/}): opens sessions over HTTP long-polling or
 * WebSocket, routes polls and posts to their session, and upgrades polling sessions to WebSocket.
 * Errors are answered as engine.io does: HTTP 400 with {@code {"code":N,"message":"..."}}.
 */
public final class EngineIoServer implements HttpHandler {

  /** The only WebSocket version there is (RFC 6455). */
  private static final String WEBSOCKET_VERSION = "13";

  private static final AttachmentKey<Target> TARGET = AttachmentKey.create(Target.class);
  private static final Logger log = LoggerFactory.getLogger(EngineIoServer.class);

  private final EngineOptions options;
  private final EngineListener listener;
  private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
  private final WebSocketProtocolHandshakeHandler webSocketHandshake;

  private final ScheduledExecutorService heartbeat;

  public EngineIoServer(EngineOptions options, EngineListener listener) {
    this.options = options;
    this.listener = listener;
    this.webSocketHandshake =
        new WebSocketProtocolHandshakeHandler(
            List.of(new Hybi13Handshake()),
            new Upgrades(),
            ex -> HttpReplies.error(ex, EngineError.BAD_REQUEST));
    // one heartbeat for every session, ticking at a twentieth of the smaller ping setting
    long tick =
        Math.clamp(
            Math.min(options.pingInterval().toMillis(), options.pingTimeout().toMillis()) / 20,
            5,
            1000);
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("chatctl-heartbeat").daemon(true).unstarted(r));
    heartbeat.scheduleAtFixedRate(this::beat, tick, tick, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    long now = System.nanoTime();
    for (EngineSession session : sessions.values()) {
      try {
        session.heartbeat(now);
      } catch (RuntimeException e) {
        log.error("heartbeat of {} failed", session.sid(), e);
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
      session.close(CloseReason.SERVER_SHUTTING_DOWN);
    }
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    Map<String, Deque<String>> query = exchange.getQueryParameters();
    String transport = first(query, "transport");
    String sid = first(query, "sid");
    if (!"polling".equals(transport) && !"websocket".equals(transport)) {
      HttpReplies.error(exchange, EngineError.UNKNOWN_TRANSPORT);
      return;
    }
    if (!"4".equals(first(query, "EIO"))) {
      HttpReplies.error(exchange, EngineError.UNSUPPORTED_PROTOCOL_VERSION);
      return;
    }
    EngineSession session = null;
    if (sid != null) {
      session = sessions.get(sid);
      if (session == null) {
        HttpReplies.error(exchange, EngineError.UNKNOWN_SID);
        return;
      }
    }
    if (transport.equals("websocket")) {
      if (refusedUpgrade(exchange)) {
        return;
      }
      exchange.putAttachment(TARGET, new Target(session, handshakeRequest(exchange)));
      try {
        webSocketHandshake.handleRequest(exchange);
      } catch (Exception e) {
        HttpReplies.error(exchange, EngineError.BAD_REQUEST);
      }
      return;
    }
    if (session == null) {
      if (!exchange.getRequestMethod().equals(Methods.GET)) {
        HttpReplies.error(exchange, EngineError.BAD_HANDSHAKE_METHOD);
        return;
      }
      EngineSession opened = open(handshakeRequest(exchange), exchange.getIoThread(), null);
      String body =
          EnginePacket.Type.OPEN.digit + Json.write(handshake(opened, List.of("websocket")));
      register(opened);
      HttpReplies.respond(exchange, 200, HttpReplies.TEXT_PLAIN, body);
      return;
    }
    PollingTransport polling = session.polling();
    if (polling == null) {
      HttpReplies.error(exchange, EngineError.BAD_REQUEST); // a WebSocket session
    } else if (exchange.getRequestMethod().equals(Methods.GET)) {
      polling.onPoll(exchange);
    } else if (exchange.getRequestMethod().equals(Methods.POST)) {
      receivePost(session, polling, exchange);
    } else {
      HttpReplies.error(exchange, EngineError.BAD_REQUEST);
    }
  }

  /**
   * Refuses a WebSocket upgrade that RFC 6455 (section 4.2.1) does not allow: not an upgrade to
   * "websocket", a version other than 13 (426, naming 13), or no valid 16-byte key.
   */
  private static boolean refusedUpgrade(HttpServerExchange exchange) {
    HeaderMap headers = exchange.getRequestHeaders();
    if (!"websocket".equalsIgnoreCase(headers.getFirst(Headers.UPGRADE))
        || !exchange.getRequestMethod().equals(Methods.GET)) {
      HttpReplies.error(exchange, EngineError.BAD_REQUEST);
      return true;
    }
    if (!WEBSOCKET_VERSION.equals(headers.getFirst(Headers.SEC_WEB_SOCKET_VERSION))) {
      exchange.getResponseHeaders().put(Headers.SEC_WEB_SOCKET_VERSION, WEBSOCKET_VERSION);
      HttpReplies.error(exchange, 426, EngineError.BAD_REQUEST, "Unsupported WebSocket version");
      return true;
    }
    if (!validKey(headers.getFirst(Headers.SEC_WEB_SOCKET_KEY))) {
      HttpReplies.error(
          exchange, 400, EngineError.BAD_REQUEST, "Missing or invalid Sec-WebSocket-Key");
      return true;
    }
    return false;
  }

  private static boolean validKey(String key) {
    try {
      return key != null && Base64.getDecoder().decode(key.trim()).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void receivePost(
      EngineSession session, PollingTransport polling, HttpServerExchange exchange) {
    if (exchange.getRequestContentLength() > options.maxPayload()) {
      refuseTooLarge(exchange, session);
      return;
    }
    exchange
        .getRequestReceiver()
        .receivePartialBytes(
            new PostBody(session, polling), (ex, e) -> refuseTooLarge(ex, session));
  }

  private static void refuseTooLarge(HttpServerExchange exchange, EngineSession session) {
    exchange.setPersistent(false); // the rest of the body is not read
    HttpReplies.error(exchange, 413, EngineError.BAD_REQUEST, "Payload too large");
    session.close(CloseReason.TRANSPORT_ERROR);
  }

  /**
   * A polling POST's body, gathered as it arrives and refused as soon as it passes maxPayload,
   * chunked or not: none of it is processed then.
   */
  private final class PostBody implements Receiver.PartialBytesCallback {
    private final EngineSession session;
    private final PollingTransport polling;
    private ByteArrayOutputStream body = new ByteArrayOutputStream();

    PostBody(EngineSession session, PollingTransport polling) {
      this.session = session;
      this.polling = polling;
    }

    @Override
    public void handle(HttpServerExchange exchange, byte[] chunk, boolean last) {
      if (body == null) {
        return; // refused already
      }
      if (body.size() + chunk.length > options.maxPayload()) {
        body = null;
        refuseTooLarge(exchange, session);
        return;
      }
      body.write(chunk, 0, chunk.length);
      if (last) {
        String text = body.toString(StandardCharsets.UTF_8);
        body = null;
        polling.onPost(exchange, text);
      }
    }
  }

  /**
   * A new session over polling, or over {@code ws} when not null; the caller registers it once its
   * OPEN packet is on its way, and starts reading its WebSocket.
   */
  private EngineSession open(HandshakeRequest request, XnioIoThread timerThread, WsConnection ws) {
    EngineSession session = new EngineSession(this, newSid(), request, timerThread, ws);
    session.setHandler(listener.onOpen(session));
    return session;
  }

  /** Makes a session reachable by its sid and by the heartbeat. */
  private void register(EngineSession session) {
    sessions.put(session.sid(), session);
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

  /**
   * WebSockets that completed their HTTP handshake (Undertow's), framed by {@link WsConnection}.
   */
  private final class Upgrades implements HttpUpgradeListener {
    @Override
    public void handleUpgrade(StreamConnection connection, HttpServerExchange exchange) {
      Target target = exchange.getAttachment(TARGET);
      if (target == null) {
        IoUtils.safeClose(connection);
        return;
      }
      WsConnection ws =
          WsConnection.over(connection, options.maxPayload(), options.maxBufferedBytes());
      if (target.session() != null) {
        target.session().attachProbe(ws);
        return;
      }
      EngineSession session = open(target.request(), ws.ioThread(), ws);
      ws.sendText(EnginePacket.Type.OPEN.digit + Json.write(handshake(session, List.of())));
      register(session); // after the OPEN: the heartbeat's first ping goes after it
      session.startReading();
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String newSid() {
    return RandomIds.urlSafe(15);
  }

  private static HandshakeRequest handshakeRequest(HttpServerExchange exchange) {
    Map<String, String> query = new HashMap<>(4);
    exchange
        .getQueryParameters()
        .forEach(
            (name, values) -> {
              if (!ENGINE_PARAMETERS.contains(
                  name)) { // Engine.IO's own are no use to the application
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
        exchange.getSourceAddress() == null
            ? null
            : exchange.getSourceAddress().getAddress().getHostAddress();
    return new HandshakeRequest(Map.copyOf(query), Map.copyOf(headers), address);
  }

  private static final Set<String> ENGINE_PARAMETERS =
      Set.of("EIO", "transport", "sid", "t", "b64");

  private static String first(Map<String, Deque<String>> query, String name) {
    Deque<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }
}
