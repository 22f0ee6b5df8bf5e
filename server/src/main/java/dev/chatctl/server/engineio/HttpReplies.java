package dev.chatctl.server.engineio;

import dev.chatctl.protocol.Json;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the Engine.IO endpoint answers HTTP requests: bodies, errors, and polls held open. */
final class HttpReplies {
  static final String TEXT_PLAIN = "text/plain; charset=UTF-8";
  static final String TEXT_HTML = "text/html";
  private static final String JSON = "application/json";

  private HttpReplies() {}

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

  /** Answers with engine.io's error body, status 400. */
  static void error(HttpServerExchange exchange, EngineError error) {
    error(exchange, 400, error, error.message);
  }

  /** Answers with engine.io's error body {@code {"code":N,"message":"..."}}. */
  static void error(HttpServerExchange exchange, int status, EngineError error, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", error.code);
    body.put("message", message);
    respond(exchange, status, JSON, Json.write(body));
  }

  private static void write(
      HttpServerExchange exchange, int status, String contentType, String body) {
    if (exchange.isResponseStarted()) {
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
  }
}
