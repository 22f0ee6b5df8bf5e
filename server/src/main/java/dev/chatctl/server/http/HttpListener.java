package dev.chatctl.server.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioExecutor;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The HTTP/1.1 listener under chatctl's handlers: Undertow's protocol on an XNIO worker, set up as
 * {@link Undertow#start} does, plus the connection hygiene its builder has no place for ({@link
 * HttpLimits}). Each accepted connection passes a {@link ConnectionGate}; one over a cap gets a 503
 * and is closed at once, so a flood is refused well before file descriptors run out. Headers get
 * {@code headersTimeout} (Undertow's request parse timeout), a connection without a request {@code
 * idleTimeout}, a request body {@code requestTimeout} ({@link RequestDeadline}). An accept that
 * fails (EMFILE) is retried by XNIO after a back-off, so accepting resumes by itself once
 * descriptors are free.
 */
public final class HttpListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpListener.class);

  /** Undertow's own choice for heaps of 128 MB and more: a 16 KB write fits in one buffer. */
  private static final int BUFFER_SIZE = 16 * 1024 - 20;

  private static final long SWEEP_MILLIS = 1_000;
  private static final long REFUSAL_WARNING_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final String REFUSAL_BODY = "{\"error\":\"too many connections\"}";
  private static final byte[] REFUSAL =
      ("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + REFUSAL_BODY.length()
              + "\r\n\r\n"
              + REFUSAL_BODY)
          .getBytes(StandardCharsets.US_ASCII);

  private final HttpLimits limits;
  private final ConnectionGate gate;
  private final HttpOpenListener protocol;
  private final XnioWorker worker;
  private final AcceptingChannel<StreamConnection> server;
  private final XnioExecutor.Key sweeper;
  private final String summary;
  private final AtomicLong refused = new AtomicLong();
  private volatile long lastRefusalWarning = System.nanoTime() - REFUSAL_WARNING_NANOS;

  private HttpListener(
      String host, int port, HttpLimits limits, int workerThreads, HttpHandler handler)
      throws IOException {
    this.limits = limits;
    this.gate = new ConnectionGate(limits);
    Xnio xnio = Xnio.getInstance(Undertow.class.getClassLoader());
    this.worker =
        xnio.createWorker(
            OptionMap.builder()
                .set(
                    Options.WORKER_IO_THREADS,
                    Math.max(Runtime.getRuntime().availableProcessors(), 2))
                .set(Options.WORKER_TASK_CORE_THREADS, workerThreads)
                .set(Options.WORKER_TASK_MAX_THREADS, workerThreads)
                .set(Options.TCP_NODELAY, true)
                .set(Options.CORK, true)
                .getMap());
    try {
      OptionMap protocolOptions =
          OptionMap.builder()
              .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
              .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) limits.headersTimeout().toMillis())
              .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) limits.idleTimeout().toMillis())
              .getMap();
      this.protocol =
          new HttpOpenListener(
              new DefaultByteBufferPool(true, BUFFER_SIZE, -1, 4), protocolOptions);
      protocol.setRootHandler(new RequestDeadline(limits.requestTimeout(), handler));
      OptionMap socketOptions =
          OptionMap.builder()
              .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
              .set(Options.TCP_NODELAY, true)
              .set(Options.REUSE_ADDRESSES, true)
              .set(Options.BALANCING_TOKENS, 1)
              .set(Options.BALANCING_CONNECTIONS, 2)
              .set(Options.BACKLOG, 8192)
              .getMap();
      this.server =
          worker.createStreamConnectionServer(
              new InetSocketAddress(InetAddress.getByName(host), port),
              this::accept,
              socketOptions);
      this.sweeper =
          worker.getIoThread().executeAtInterval(gate::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
      server.resumeAccepts();
    } catch (IOException | RuntimeException e) {
      worker.shutdownNow();
      throw e;
    }
    this.summary =
        String.format(
            "connections: at most %d (%s per client address%s), open-file limit %d; headers within %d s, idle %d s, request body %d s",
            limits.maxConnections(),
            limits.maxConnectionsPerIp() == 0 ? "no limit" : limits.maxConnectionsPerIp(),
            limits.limitLoopback() ? "" : ", loopback not limited",
            HttpLimits.openFileLimit(),
            limits.headersTimeout().toSeconds(),
            limits.idleTimeout().toSeconds(),
            limits.requestTimeout().toSeconds());
  }

  /**
   * Listens on {@code host:port} (0: a free port); a port in use is an {@link
   * UncheckedIOException}.
   */
  public static HttpListener start(
      String host, int port, HttpLimits limits, int workerThreads, HttpHandler handler) {
    try {
      return new HttpListener(host, port, limits, workerThreads, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The limits in force, in one line for the log. */
  public String summary() {
    return summary;
  }

  public int port() {
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  /** Connections open (as of the last sweep, at most a second old). */
  public int openConnections() {
    return gate.open();
  }

  /** Connections refused by a cap since the start. */
  public long refusedConnections() {
    return refused.get();
  }

  /** {@code chatctl_http_connections} (open) and {@code chatctl_http_refused_total} in /metrics. */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("chatctl.http.connections", this, HttpListener::openConnections)
        .description("open HTTP/WebSocket connections (as of the last sweep)")
        .register(registry);
    FunctionCounter.builder("chatctl.http.refused", this, HttpListener::refusedConnections)
        .description("connections refused by MAX_CONNECTIONS or MAX_CONNECTIONS_PER_IP")
        .register(registry);
  }

  private void accept(AcceptingChannel<StreamConnection> channel) {
    StreamConnection connection;
    try {
      connection = channel.accept(); // null also after a failed accept, which XNIO backs off from
    } catch (IOException e) {
      log.warn("accept failed: {}", e.toString());
      return;
    }
    if (connection == null) {
      return;
    }
    InetSocketAddress peer = connection.getPeerAddress(InetSocketAddress.class);
    ConnectionGate.Verdict verdict =
        peer == null ? ConnectionGate.Verdict.ADMITTED : gate.admit(peer.getAddress(), connection);
    if (verdict == ConnectionGate.Verdict.ADMITTED) {
      protocol.handleEvent(connection);
    } else {
      refuse(connection, peer, verdict);
    }
  }

  /** One non-blocking write of a 503 (a fresh socket's send buffer takes it), then close. */
  private void refuse(
      StreamConnection connection, InetSocketAddress peer, ConnectionGate.Verdict verdict) {
    refused.incrementAndGet();
    try {
      connection.getSinkChannel().write(ByteBuffer.wrap(REFUSAL));
      connection.getSinkChannel().flush();
    } catch (IOException e) {
      // it is being refused anyway
    } finally {
      IoUtils.safeClose(connection);
    }
    String why =
        verdict == ConnectionGate.Verdict.TOO_MANY
            ? limits.maxConnections() + " connections open (MAX_CONNECTIONS)"
            : limits.maxConnectionsPerIp()
                + " connections open from "
                + peer.getAddress().getHostAddress()
                + " (MAX_CONNECTIONS_PER_IP)";
    log.debug("refused a connection from {}: {}", peer, why);
    long now = System.nanoTime();
    if (now - lastRefusalWarning >= REFUSAL_WARNING_NANOS) {
      lastRefusalWarning = now;
      log.warn("refusing connections: {} ({} refused so far)", why, refused.get());
    }
  }

  /** Stops accepting and closes every connection (the worker's). */
  @Override
  public void close() {
    sweeper.remove();
    IoUtils.safeClose(server);
    worker.shutdownNow();
  }
}
