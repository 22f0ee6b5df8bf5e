package dev.chatctl.cli;

import dev.chatctl.cli.Converters.AnyDuration;
import dev.chatctl.server.ChatServer;
import dev.chatctl.server.config.ServerConfig;
import dev.chatctl.util.Durations;
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
      "Runs the chat server: Socket.IO v5 / Engine.IO v4 on /socket.io/ (websocket and polling),",
      "with /healthz, /readyz and /metrics. Stops cleanly on Ctrl-C or SIGTERM (exit 0).",
      "Settings: flags > environment > ./.env (see the README's configuration table)."
    },
    footer = ExitCodes.FOOTER)
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin SettingsOptions settings;

  @Option(names = "--secret", paramLabel = "SECRET",
      description = "The app's NEXTAUTH_SECRET, which keys every token (else NEXTAUTH_SECRET, AUTH_SECRET, else a development secret made once).")
  String secret;

  @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Listen port (WS_PORT, default 3001).")
  Integer port;

  @Option(names = "--host", paramLabel = "HOST", description = "Interface to listen on (HOST, default 0.0.0.0).")
  String host;

  @Option(names = "--cors-origin", paramLabel = "ORIGIN", split = ",", description = "Allowed browser origin, repeatable (CORS_ORIGINS).")
  List<String> corsOrigins = List.of();

  @Option(names = "--nextauth-url", paramLabel = "URL", description = "The app's URL; its origin is allowed (NEXTAUTH_URL).")
  String nextAuthUrl;

  @Option(names = "--max-message-length", paramLabel = "N", description = "Longest message after trimming, UTF-16 units (MAX_MESSAGE_LENGTH, default 4000).")
  Integer maxMessageLength;

  @Option(names = "--recovery-window", paramLabel = "DURATION", converter = AnyDuration.class, description = "How long a dropped session can be recovered: 90s, 30m, 24h (RECOVERY_WINDOW, default 24h).")
  Duration recoveryWindow;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> flags = new HashMap<>();
    SettingsOptions.put(flags, "NEXTAUTH_SECRET", secret);
    SettingsOptions.put(flags, "WS_PORT", port);
    SettingsOptions.put(flags, "HOST", host);
    SettingsOptions.put(flags, "CORS_ORIGINS", corsOrigins);
    SettingsOptions.put(flags, "NEXTAUTH_URL", nextAuthUrl);
    SettingsOptions.put(flags, "MAX_MESSAGE_LENGTH", maxMessageLength);
    SettingsOptions.put(flags, "RECOVERY_WINDOW", recoveryWindow == null ? null : Durations.format(recoveryWindow));
    ServerConfig config = ServerConfig.from(settings.settings(flags));
    // the signal handlers come first: a stop asked for during the start happens right after it
    CountDownLatch stopRequested = new CountDownLatch(1);
    for (String signal : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(signal), s -> stopRequested.countDown());
    }
    ChatServer server = ChatServer.start(config);
    stopRequested.await();
    try {
      server.close();
    } catch (RuntimeException e) {
      log.error("error while stopping", e);
    }
    return ExitCodes.OK;
  }
}
