package dev.chatctl.server.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** {@code /healthz}, {@code /readyz} and {@code /metrics}. */
public final class HealthHandlers {
  private HealthHandlers() {}

  /** 200 while the process serves. */
  public static HttpHandler health() {
    return exchange -> json(exchange, 200, "{\"status\":\"ok\"}");
  }

  /** 200 when the database answers, else 503; the check runs off the I/O thread. */
  public static HttpHandler ready(BooleanSupplier databaseAnswers) {
    return exchange -> {
      if (exchange.isInIoThread()) {
        exchange.dispatch(
            exchange.getConnection().getWorker(),
            () -> {
              boolean up = databaseAnswers.getAsBoolean();
              json(
                  exchange,
                  up ? 200 : 503,
                  up ? "{\"status\":\"ready\"}" : "{\"status\":\"unavailable\"}");
            });
      }
    };
  }

  /** The Prometheus text format. */
  public static HttpHandler metrics(PrometheusMeterRegistry registry) {
    return exchange -> {
      exchange
          .getResponseHeaders()
          .put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
      exchange.getResponseSender().send(registry.scrape(), StandardCharsets.UTF_8);
    };
  }

  /** 404 for every other path. */
  public static HttpHandler notFound() {
    return exchange -> json(exchange, 404, "{\"error\":\"not found\"}");
  }

  static void json(HttpServerExchange exchange, int status, String body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
  }
}
