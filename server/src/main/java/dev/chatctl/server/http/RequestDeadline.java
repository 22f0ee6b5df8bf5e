package dev.chatctl.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Closes the connection of a request whose body has not fully arrived within {@code requestTimeout}
 * of its headers (a client trickling a POST body a byte at a time). Requests without a body (every
 * GET: long-polls, WebSocket upgrades) are complete once their headers are read, and get no timer.
 */
final class RequestDeadline implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

  private final long timeoutMillis;
  private final HttpHandler next;

  RequestDeadline(Duration timeout, HttpHandler next) {
    this.timeoutMillis = timeout.toMillis();
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!exchange.isRequestComplete()) {
      XnioExecutor.Key timer =
          exchange
              .getIoThread()
              .executeAfter(() -> expire(exchange), timeoutMillis, TimeUnit.MILLISECONDS);
      exchange.addExchangeCompleteListener(
          (ex, nextListener) -> {
            timer.remove();
            nextListener.proceed();
          });
    }
    next.handleRequest(exchange);
  }

  private static void expire(HttpServerExchange exchange) {
    if (!exchange.isRequestComplete()) {
      log.debug(
          "closing the connection from {}: its request body did not arrive in time",
          exchange.getSourceAddress());
      IoUtils.safeClose(exchange.getConnection());
    }
  }
}
