package dev.chatctl.cli.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Where and as whom a client connects, and how patiently.
 *
 * @param url the server, as socket.io-client takes it: {@code http://host:port} (also https, ws,
 *     wss); the websocket URL is derived from it ({@link #websocketUri()})
 * @param token asked at every connect and reconnect (so a fresh token can be minted); a null answer
 *     connects without one
 * @param connectTimeout how long one connect attempt may take: websocket handshake, Engine.IO OPEN
 *     and the Socket.IO CONNECT answer
 * @param requestTimeout how long a request waits for its acknowledgement
 * @param reconnect whether a dropped connection is re-established
 * @param backoff the delays between reconnect attempts
 * @param httpClient the HTTP client to open websockets with; null: the client makes its own (and
 *     closes it); share one across many clients
 * @param scheduler runs the client's event loop and timers; null: the client makes a one-thread
 *     scheduler of its own (and shuts it down); share one across many clients
 */
public record ClientOptions(
    URI url,
    Supplier<String> token,
    Duration connectTimeout,
    Duration requestTimeout,
    boolean reconnect,
    Backoff backoff,
    HttpClient httpClient,
    ScheduledExecutorService scheduler) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  public ClientOptions {
    websocketUri(url); // fails early on a URL it cannot use
    token = token == null ? () -> null : token;
  }

  /** Defaults: 10 s timeouts, reconnection with socket.io-client's backoff. */
  public static ClientOptions of(String url, String token) {
    return new ClientOptions(
        URI.create(url),
        () -> token,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT,
        true,
        Backoff.DEFAULT,
        null,
        null);
  }

  public ClientOptions withToken(Supplier<String> token) {
    return new ClientOptions(
        url, token, connectTimeout, requestTimeout, reconnect, backoff, httpClient, scheduler);
  }

  public ClientOptions withConnectTimeout(Duration connectTimeout) {
    return new ClientOptions(
        url, token, connectTimeout, requestTimeout, reconnect, backoff, httpClient, scheduler);
  }

  public ClientOptions withRequestTimeout(Duration requestTimeout) {
    return new ClientOptions(
        url, token, connectTimeout, requestTimeout, reconnect, backoff, httpClient, scheduler);
  }

  public ClientOptions withReconnect(boolean reconnect) {
    return new ClientOptions(
        url, token, connectTimeout, requestTimeout, reconnect, backoff, httpClient, scheduler);
  }

  public ClientOptions withBackoff(Backoff backoff) {
    return new ClientOptions(
        url, token, connectTimeout, requestTimeout, reconnect, backoff, httpClient, scheduler);
  }

  public ClientOptions withHttpClient(HttpClient httpClient) {
    return new ClientOptions(
        url, token, connectTimeout, requestTimeout, reconnect, backoff, httpClient, scheduler);
  }

  public ClientOptions withScheduler(ScheduledExecutorService scheduler) {
    return new ClientOptions(
        url, token, connectTimeout, requestTimeout, reconnect, backoff, httpClient, scheduler);
  }

  /**
   * The websocket URL of {@link #url()}: {@code
   * ws(s)://host[:port]/socket.io/?EIO=4&transport=websocket}.
   */
  public URI websocketUri() {
    return websocketUri(url);
  }

  /**
   * The websocket URL of a server URL; throws IllegalArgumentException for a URL that is not http,
   * https, ws or wss with a host. Like socket.io-client, the path is not the Socket.IO path (that
   * is always /socket.io/); only the main namespace "/" is used.
   */
  public static URI websocketUri(URI url) {
    if (url == null || url.getScheme() == null || url.getHost() == null) {
      throw new IllegalArgumentException("not a server URL (like http://localhost:3001): " + url);
    }
    String scheme =
        switch (url.getScheme().toLowerCase(Locale.ROOT)) {
          case "http", "ws" -> "ws";
          case "https", "wss" -> "wss";
          default -> throw new IllegalArgumentException("not an http(s) or ws(s) URL: " + url);
        };
    try {
      return new URI(
          scheme,
          null,
          url.getHost(),
          url.getPort(),
          "/socket.io/",
          "EIO=4&transport=websocket",
          null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a server URL: " + url, e);
    }
  }
}
