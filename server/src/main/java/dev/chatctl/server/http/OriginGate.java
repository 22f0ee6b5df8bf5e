package dev.chatctl.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Browser origins in front of {@code /socket.io/} (PROTOCOL.md, HTTP): an allowed origin is echoed
 * with credentials, and preflights are answered; a request, preflight or WebSocket upgrade from any
 * other origin gets 403 and no {@code Access-Control-Allow-*} header. Requests without an Origin
 * (non-browser clients) always pass. An empty allow-list allows every origin.
 */
public final class OriginGate implements HttpHandler {
  private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
  private static final HttpString ALLOW_CREDENTIALS =
      new HttpString("Access-Control-Allow-Credentials");
  private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
  private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
  private static final HttpString REQUEST_HEADERS =
      new HttpString("Access-Control-Request-Headers");

  private final Set<String> allowed;
  private final HttpHandler next;

  public OriginGate(Set<String> allowed, HttpHandler next) {
    this.allowed = Set.copyOf(allowed);
    this.next = next;
  }

  public boolean allows(String origin) {
    return origin == null || allowed.isEmpty() || allowed.contains(origin);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    if (!allows(origin)) {
      exchange.setStatusCode(403);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
      exchange
          .getResponseSender()
          .send("{\"code\":4,\"message\":\"Forbidden\"}", StandardCharsets.UTF_8);
      return;
    }
    if (origin != null) {
      exchange.getResponseHeaders().put(ALLOW_ORIGIN, origin);
      exchange.getResponseHeaders().put(ALLOW_CREDENTIALS, "true");
      exchange.getResponseHeaders().add(Headers.VARY, "Origin");
    }
    if (exchange.getRequestMethod().equals(Methods.OPTIONS)) {
      exchange.getResponseHeaders().put(ALLOW_METHODS, "GET,HEAD,PUT,PATCH,POST,DELETE");
      String requested = exchange.getRequestHeaders().getFirst(REQUEST_HEADERS);
      if (requested != null) {
        exchange.getResponseHeaders().put(ALLOW_HEADERS, requested);
        exchange.getResponseHeaders().add(Headers.VARY, "Access-Control-Request-Headers");
      }
      exchange.setStatusCode(204);
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, "0");
      exchange.endExchange();
      return;
    }
    next.handleRequest(exchange);
  }
}
