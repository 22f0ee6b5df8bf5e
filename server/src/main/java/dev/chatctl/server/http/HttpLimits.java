package dev.chatctl.server.http;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;

/**
 * How long an HTTP connection may take over a request and how many may be open: what keeps
 * slowloris-style and idle connections from holding the server's sockets and file descriptors. None
 * of these apply to an upgraded WebSocket or to a long-poll GET that is waiting for its answer
 * (both are past their headers and have no body); Engine.IO's heartbeat ends those.
 *
 * @param headersTimeout how long a request may take from its first byte to the end of its headers
 *     (Node's {@code headersTimeout}: 60 s)
 * @param idleTimeout how long a connection may stay open without a request: before its first one,
 *     and between keep-alive requests (Node's {@code keepAliveTimeout}: 5 s)
 * @param requestTimeout how long a request's body may take to arrive once its headers have (Node's
 *     {@code requestTimeout}, counted from the first byte: 300 s)
 * @param maxConnections open connections at most; more are refused
 * @param maxConnectionsPerIp open connections from one client address at most (0: no limit);
 *     loopback clients (a reverse proxy on the same host, local tools) are counted only when {@code
 *     limitLoopback}
 * @param limitLoopback whether the per-address cap applies to loopback clients too
 */
public record HttpLimits(
    Duration headersTimeout,
    Duration idleTimeout,
    Duration requestTimeout,
    int maxConnections,
    int maxConnectionsPerIp,
    boolean limitLoopback) {

  /**
   * Half of Node's: headers come in one packet from every real client, and a shorter limit halves
   * how long a slowloris connection holds its place.
   */
  public static final Duration DEFAULT_HEADERS_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Longer than Node's 5 s keep-alive, so that a polling client's POST connection is reused between
   * messages, and short enough that a connection that never sends anything goes in half a minute
   * (Node: 60 s).
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** The largest body allowed (1 MB, maxPayload) still fits at about 70 kbit/s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);

  /** Room for an office behind one NAT address; a single address cannot take every slot. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 1000;

  /** Used when the open-file limit cannot be read (not a Unix JVM). */
  static final int FALLBACK_MAX_CONNECTIONS = 10_000;

  public static HttpLimits defaults() {
    return new HttpLimits(
        DEFAULT_HEADERS_TIMEOUT,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT,
        defaultMaxConnections(),
        DEFAULT_MAX_CONNECTIONS_PER_IP,
        false);
  }

  /**
   * 90% of this process's open-file limit (the rest is for the database, logs, jars and the I/O
   * threads' selectors), so a flood of connections is refused before {@code accept} fails.
   */
  public static int defaultMaxConnections() {
    long limit = openFileLimit();
    if (limit <= 0) {
      return FALLBACK_MAX_CONNECTIONS;
    }
    return (int) Math.max(16, Math.min(Integer.MAX_VALUE, Math.min(limit - 128, limit * 9 / 10)));
  }

  /** The process's open-file (soft) limit, or -1 when unknown. */
  public static long openFileLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
  }

  public HttpLimits withMaxConnections(int total, int perIp, boolean limitLoopback) {
    return new HttpLimits(headersTimeout, idleTimeout, requestTimeout, total, perIp, limitLoopback);
  }

  public HttpLimits withTimeouts(Duration headers, Duration idle, Duration request) {
    return new HttpLimits(
        headers, idle, request, maxConnections, maxConnectionsPerIp, limitLoopback);
  }
}
