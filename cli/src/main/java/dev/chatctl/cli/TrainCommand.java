package dev.chatctl.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.chatctl.protocol.auth.TokenMinter;
import dev.chatctl.server.ChatServer;
import dev.chatctl.server.config.ServerConfig;
import dev.chatctl.util.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code chatctl train} (hidden): the training run of the launcher's start-up cache. It does once
 * what the commands do (their help, a token, a server on the embedded database, send, online,
 * listen), so that the JVM records the classes they load, and then stops.
 */
@Command(name = "train", hidden = true, description = "The training run of the start-up cache (the launcher runs it).")
public final class TrainCommand implements Callable<Integer> {
  private static final Writer NOWHERE = Writer.nullWriter();

  @Override
  public Integer call() throws IOException {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.chatctl").setLevel(Level.WARN);
    Main.bridgeJulToSlf4j();
    Path dir = Files.createTempDirectory("chatctl-train");
    String secret = "training-secret-of-the-start-up-cache";
    try {
      for (String command : new String[] {"serve", "send", "listen", "online", "token", "users", "bench"}) {
        quietly("help", command);
      }
      quietly("token", "--user", "train", "--secret", secret);
      Settings settings = Settings.of(
          Map.of("NEXTAUTH_SECRET", secret, "CHATCTL_DATA_DIR", dir.toString(), "WS_PORT", "0", "HOST", "127.0.0.1"), Map.of());
      try (ChatServer server = ChatServer.start(ServerConfig.from(settings))) {
        String url = "http://127.0.0.1:" + server.port();
        String token = new TokenMinter(secret).issue("train", null, null, null, Duration.ofMinutes(5));
        quietly("send", "--url", url, "--token", token, "--to", "train", "--text", "training");
        quietly("online", "--url", url, "--token", token);
        quietly("listen", "--url", url, "--token", token, "--timeout", "200ms", "--quiet");
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    return ExitCodes.OK;
  }

  private static void quietly(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(NOWHERE));
    cli.setErr(new PrintWriter(NOWHERE));
    cli.execute(args);
  }
}
