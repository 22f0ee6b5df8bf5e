package dev.chatctl.server;

import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.server.auth.TokenVerifier;
import dev.chatctl.server.chat.ChatService;
import dev.chatctl.server.config.ChatLimits;
import dev.chatctl.server.config.ServerConfig;
import dev.chatctl.server.engineio.EngineIoServer;
import dev.chatctl.server.http.HealthHandlers;
import dev.chatctl.server.http.HttpListener;
import dev.chatctl.server.http.OriginGate;
import dev.chatctl.server.socketio.LocalAdapter;
import dev.chatctl.server.socketio.SocketIoServer;
import dev.chatctl.server.store.Database;
import dev.chatctl.server.store.LiveInboxes;
import dev.chatctl.server.store.StoreWriter;
import dev.chatctl.util.BuildInfo;
import dev.chatctl.util.Durations;
import dev.chatctl.util.Throwables;
import dev.chatctl.util.UnavailableException;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import java.net.BindException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chatctl serve}: the chat server assembled from its parts (PROTOCOL.md over Undertow), and
 * its orderly stop: no new connections, in-flight stores finished and answered, sockets closed.
 */
public final class ChatServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);

  private final ServerConfig config;
  private final PrometheusMeterRegistry metrics;
  private final Database database;
  private final StoreWriter writer;
  private final ExecutorService readers;
  private final ScheduledExecutorService housekeeping;
  private final ChatService chat;
  private final EngineIoServer engine;
  private final HttpListener http;
  private final int port;
  private volatile boolean closed;
  private volatile boolean draining;

  private ChatServer(ServerConfig config, Database database, Clock clock) {
    this.config = config;
    this.database = database;
    this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    new UptimeMetrics().bindTo(metrics);
    LocalAdapter sockets = new LocalAdapter(SocketPacket.MAIN_NAMESPACE);
    LiveInboxes live = new LiveInboxes();
    // a batch's answers and deliveries leave together: one flush per connection per batch
    this.writer =
        new StoreWriter(
                database,
                live,
                clock,
                config.storeBatchSize(),
                config.recoveryWindow(),
                config.limits().storeTimeout(),
                metrics)
            .completingWithin(sockets::batch)
            .start();
    this.readers =
        Executors.newFixedThreadPool(Math.max(2, config.poolSize() / 2), named("chatctl-reader"));
    this.chat =
        new ChatService(
            new ChatService.Parts(
                new TokenVerifier(config.secret(), clock),
                writer,
                live,
                database,
                sockets,
                readers),
            clock,
            config.maxMessageLength(),
            config.limits(),
            metrics);
    this.engine =
        new EngineIoServer(
            config.engine(),
            new SocketIoServer(SocketIoServer.DEFAULT_CONNECT_TIMEOUT).mount(chat));
    metrics.gauge("chatctl.engine.sessions", engine, EngineIoServer::sessionCount);
    PathHandler routes =
        Handlers.path(HealthHandlers.notFound())
            .addPrefixPath("/socket.io/", new OriginGate(config.allowedOrigins(), engine))
            .addExactPath("/healthz", HealthHandlers.health())
            .addExactPath("/readyz", HealthHandlers.ready(database::ping))
            .addExactPath("/metrics", HealthHandlers.metrics(metrics));
    HttpHandler root =
        exchange -> {
          if (draining) {
            exchange.setStatusCode(503);
            exchange.getResponseHeaders().put(io.undertow.util.Headers.CONNECTION, "close");
            exchange.getResponseSender().send("{\"status\":\"stopping\"}");
          } else {
            routes.handleRequest(exchange);
          }
        };
    try {
      this.http =
          HttpListener.start(
              config.host(),
              config.port(),
              config.http(),
              Math.max(4, Runtime.getRuntime().availableProcessors() * 2),
              root);
    } catch (RuntimeException e) {
      writer.close();
      readers.shutdownNow();
      chat.stop();
      if (Throwables.has(e, BindException.class)) {
        throw new UnavailableException(
            "port "
                + config.port()
                + " on "
                + config.host()
                + " is already in use (set WS_PORT or --port)",
            e);
      }
      throw e;
    }
    this.port = http.port();
    http.bindTo(metrics);
    long refresh = Math.max(1_000, Math.min(60_000, config.recoveryWindow().toMillis() / 4));
    this.housekeeping = Executors.newSingleThreadScheduledExecutor(named("chatctl-housekeeping"));
    housekeeping.scheduleAtFixedRate(
        guarded(chat::refreshSessions), refresh, refresh, TimeUnit.MILLISECONDS);
    housekeeping.scheduleAtFixedRate(
        guarded(chat::sweepDeadlines),
        ChatService.DEADLINE_SWEEP_MILLIS,
        ChatService.DEADLINE_SWEEP_MILLIS,
        TimeUnit.MILLISECONDS);
    housekeeping.scheduleAtFixedRate(
        guarded(chat::sweepRates),
        ChatService.RATE_SWEEP_MILLIS,
        ChatService.RATE_SWEEP_MILLIS,
        TimeUnit.MILLISECONDS);
    housekeeping.scheduleAtFixedRate(
        guarded(chat::expireTokens),
        ChatService.EXPIRY_SWEEP_MILLIS,
        ChatService.EXPIRY_SWEEP_MILLIS,
        TimeUnit.MILLISECONDS);
    housekeeping.scheduleAtFixedRate(
        guarded(new IdleHeapTrim()),
        IdleHeapTrim.PERIOD_SECONDS,
        IdleHeapTrim.PERIOD_SECONDS,
        TimeUnit.SECONDS);
  }

  /** Opens and migrates the database, then serves. */
  public static ChatServer start(ServerConfig config) {
    return start(config, Clock.systemUTC());
  }

  public static ChatServer start(ServerConfig config, Clock clock) {
    Database database = Database.openAndMigrate(config.database(), config.poolSize());
    try {
      ChatServer server = new ChatServer(config, database, clock);
      server.announce();
      return server;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  private void announce() {
    // one first line with what an operator checks: version, URL, database, secret source
    boolean everywhere = config.host().equals("0.0.0.0") || config.host().equals("::");
    log.info(
        "chatctl {} listening on {}{}; database: {}; tokens keyed by {}",
        BuildInfo.version(),
        url(),
        everywhere ? " (every interface)" : "",
        database.url().display(),
        config.secretSource());
    if (config.secretSource().startsWith("development secret")) {
      log.warn(
          "that is a development secret: fine for trying chatctl out; set NEXTAUTH_SECRET to your app's secret");
    }
    if (config.allowedOrigins().isEmpty()) {
      log.warn("NEXTAUTH_URL and CORS_ORIGINS are unset: every browser origin is allowed");
    } else {
      log.info("allowed browser origins: {}", String.join(", ", config.allowedOrigins()));
    }
    log.info("{}", http.summary());
    log.info(
        "max message length {}, recovery window {}",
        config.maxMessageLength(),
        Durations.format(config.recoveryWindow()));
    ChatLimits limits = config.limits();
    log.info(
        "message rate limit {}, {} requests in flight per socket, store timeout {}",
        limits.messageRate() > 0
            ? (int) limits.messageRate() + "/s per user (burst " + limits.messageBurst() + ")"
            : "off",
        limits.maxInFlight(),
        Durations.format(limits.storeTimeout()));
  }

  public int port() {
    return port;
  }

  /** The URL to open: http://HOST:PORT, with a wildcard host shown as localhost. */
  public String url() {
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "localhost";
    }
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public ServerConfig config() {
    return config;
  }

  public Database database() {
    return database;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /**
   * Stops in order: stores what is in flight (and answers it), closes every socket, then the rest.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info(
        "stopping: no new connections; finishing in-flight stores, then closing {} sockets",
        chat.connectedSockets());
    // new requests get 503 (Undertow's ListenerInfo.suspend would also close the open connections)
    draining = true;
    housekeeping.shutdownNow();
    chat.drain();
    writer.close();
    sleepQuietly(100); // requests already on the wire are read and refused before the sockets close
    engine.closeAll();
    sleepQuietly(200); // let the close frames leave
    http.close();
    readers.shutdownNow();
    chat.stop();
    database.close();
    log.info("stopped");
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A periodic task that survives its own failures (a scheduled executor drops a task that throws).
   */
  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("housekeeping task failed", e);
      }
    };
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
