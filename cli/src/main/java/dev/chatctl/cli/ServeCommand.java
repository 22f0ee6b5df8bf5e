package dev.chatctl.cli;

import dev.chatctl.cli.Converters.AnyDuration;
import dev.chatctl.server.ChatServer;
import dev.chatctl.server.config.DatabaseUrl;
import dev.chatctl.server.config.ServerConfig;
import dev.chatctl.util.Secret;
import dev.chatctl.util.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code chatctl serve}. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the chat server: Socket.IO v5 / Engine.IO v4 on /socket.io/ (WebSocket and long-polling), "
          + "with /healthz, /readyz and /metrics. Stops cleanly on Ctrl-C or SIGTERM (exit 0).",
      "Settings: flags, else the environment, else ./.env (the README's configuration table lists them all)."
    },
    footer = {
      "%nExamples:",
      "  chatctl serve --port 3301                                 # the embedded database in ./data",
      "  DATABASE_URL=postgresql://chat@127.0.0.1/chat NEXTAUTH_SECRET=... chatctl serve --log-format json",
      "  ./chatctl serve --dev                                     # rebuilds and restarts on source changes",
      ExitCodes.FOOTER
    })
public final class ServeCommand implements Callable<Integer> {

  @Mixin SettingsOptions settings;

  @Mixin LogOptions logging;

  @Option(
      names = "--secret",
      paramLabel = "SECRET",
      description =
          "The app's NEXTAUTH_SECRET, which keys every token (else NEXTAUTH_SECRET, AUTH_SECRET, else the development secret).")
  String secret;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "Listen port (WS_PORT, default 3001).")
  Integer port;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Interface to listen on (HOST, default 0.0.0.0).")
  String host;

  @Option(
      names = "--cors-origin",
      paramLabel = "ORIGIN",
      split = ",",
      description = "Allowed browser origin, repeatable (CORS_ORIGINS).")
  List<String> corsOrigins = List.of();

  @Option(
      names = "--nextauth-url",
      paramLabel = "URL",
      description = "The app's URL; its origin is allowed (NEXTAUTH_URL).")
  String nextAuthUrl;

  @Option(
      names = "--max-message-length",
      paramLabel = "N",
      description =
          "Longest message after trimming, in UTF-16 units (MAX_MESSAGE_LENGTH, default 4000).")
  Integer maxMessageLength;

  @Option(
      names = "--recovery-window",
      paramLabel = "DURATION",
      converter = AnyDuration.class,
      description =
          "How long a dropped session can be recovered: 90s, 30m, 24h (RECOVERY_WINDOW, default 24h).")
  Duration recoveryWindow;

  @Option(
      names = "--dev",
      description =
          "Development mode, through the ./chatctl launcher: rebuilds and restarts when a source changes, human logs.")
  boolean dev;

  @Option(
      names = "--headers-timeout",
      paramLabel = "DURATION",
      converter = AnyDuration.class,
      description =
          "Time for a request's headers, from its first byte (HEADERS_TIMEOUT, default 30s).")
  Duration headersTimeout;

  @Option(
      names = "--idle-connection-timeout",
      paramLabel = "DURATION",
      converter = AnyDuration.class,
      description =
          "Time a connection may stay open without a request (IDLE_CONNECTION_TIMEOUT, default 30s).")
  Duration idleConnectionTimeout;

  @Option(
      names = "--request-timeout",
      paramLabel = "DURATION",
      converter = AnyDuration.class,
      description =
          "Time for a request's body once its headers are in (REQUEST_TIMEOUT, default 120s).")
  Duration requestTimeout;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description =
          "Open connections at most (MAX_CONNECTIONS, default 90%% of the open-file limit).")
  Integer maxConnections;

  @Option(
      names = "--max-connections-per-ip",
      paramLabel = "N",
      description =
          "Open connections from one client address at most, 0: no limit; loopback is exempt (MAX_CONNECTIONS_PER_IP, default 1000).")
  Integer maxConnectionsPerIp;

  @Option(
      names = "--max-heap",
      paramLabel = "SIZE",
      description =
          "Heap ceiling: 256m, 2g (CHATCTL_MAX_HEAP, default 512m); applied by the ./chatctl launcher, which starts the JVM.")
  String maxHeap;

  @Option(
      names = "--message-rate-limit",
      paramLabel = "N",
      description =
          "message:send per second per user, 0 for no limit (MESSAGE_RATE_LIMIT, default 20).")
  Integer messageRateLimit;

  @Option(
      names = "--message-rate-burst",
      paramLabel = "N",
      description =
          "Sends a user may make at once before the rate applies (MESSAGE_RATE_BURST, default 100).")
  Integer messageRateBurst;

  @Option(
      names = "--max-in-flight",
      paramLabel = "N",
      description =
          "Requests a socket may have unanswered before it is not read (MAX_IN_FLIGHT, default 64).")
  Integer maxInFlight;

  @Option(
      names = "--store-timeout",
      paramLabel = "DURATION",
      converter = AnyDuration.class,
      description =
          "How long a request waits for the database before UNAVAILABLE (STORE_TIMEOUT, default 5s).")
  Duration storeTimeout;

  @Override
  public Integer call() throws InterruptedException {
    if (dev) {
      throw new CommandFailure(
          ExitCodes.USAGE,
          "--dev rebuilds from the sources: run it as ./chatctl serve --dev from the repository");
    }
    logging.apply();
    Main.bridgeJulToSlf4j();
    Logger log = LoggerFactory.getLogger(ServeCommand.class);
    Map<String, String> flags = new HashMap<>();
    SettingsOptions.put(flags, "NEXTAUTH_SECRET", secret);
    SettingsOptions.put(flags, "WS_PORT", port);
    SettingsOptions.put(flags, "HOST", host);
    SettingsOptions.put(flags, "CORS_ORIGINS", corsOrigins);
    SettingsOptions.put(flags, "NEXTAUTH_URL", nextAuthUrl);
    SettingsOptions.put(flags, "MAX_MESSAGE_LENGTH", maxMessageLength);
    SettingsOptions.put(flags, "RECOVERY_WINDOW", recoveryWindow);
    SettingsOptions.put(flags, "HEADERS_TIMEOUT", headersTimeout);
    SettingsOptions.put(flags, "IDLE_CONNECTION_TIMEOUT", idleConnectionTimeout);
    SettingsOptions.put(flags, "REQUEST_TIMEOUT", requestTimeout);
    SettingsOptions.put(flags, "MAX_CONNECTIONS", maxConnections);
    SettingsOptions.put(flags, "MAX_CONNECTIONS_PER_IP", maxConnectionsPerIp);
    SettingsOptions.put(flags, "MESSAGE_RATE_LIMIT", messageRateLimit);
    SettingsOptions.put(flags, "MESSAGE_RATE_BURST", messageRateBurst);
    SettingsOptions.put(flags, "MAX_IN_FLIGHT", maxInFlight);
    SettingsOptions.put(flags, "STORE_TIMEOUT", storeTimeout);
    Settings all = settings.settings(flags);
    ServerConfig config = ServerConfig.from(all);
    String weak = Secret.resolve(all, false).warning();
    if (weak != null) {
      log.warn(weak);
    }
    // the signal handlers come first: a stop asked for during the start happens right after it
    CountDownLatch stopRequested = new CountDownLatch(1);
    for (String signal : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(signal), s -> stopRequested.countDown());
    }
    DataDirectory held =
        config.database().kind() == DatabaseUrl.Kind.H2 && all.get("DATABASE_URL") == null
            ? DataDirectory.lock(config.dataDirectory())
            : null;
    try {
      ChatServer server = ChatServer.start(config);
      log.info("heap ceiling {} MB (CHATCTL_MAX_HEAP)", Runtime.getRuntime().maxMemory() >> 20);
      if (held != null) {
        held.describe("pid " + ProcessHandle.current().pid() + ", port " + server.port());
      }
      stopRequested.await();
      try {
        server.close();
      } catch (RuntimeException e) {
        log.error("error while stopping", e);
      }
      return ExitCodes.OK;
    } finally {
      if (held != null) {
        held.close();
      }
    }
  }
}
