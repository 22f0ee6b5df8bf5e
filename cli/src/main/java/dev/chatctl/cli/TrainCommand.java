package dev.chatctl.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.chatctl.protocol.auth.TokenMinter;
import dev.chatctl.server.ChatServer;
import dev.chatctl.server.config.ServerConfig;
import dev.chatctl.util.Settings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code chatctl train serve|client} (hidden): the training runs of the launcher's start-up caches,
 * one for the server and one for the client commands, so that neither loads the other's classes at
 * start. Each does once what its commands do, with the other side in a child process of the same
 * jar: {@code serve} serves while a child sends; {@code client} runs token, send, online and listen
 * in this JVM against a child server.
 */
@Command(
    name = "train",
    hidden = true,
    description = "The training runs of the start-up caches (the launcher runs them).")
public final class TrainCommand implements Callable<Integer> {
  private static final String SECRET = "training-secret-of-the-start-up-cache";
  private static final Pattern LISTENING =
      Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

  /** Which cache a run trains. */
  enum Side {
    serve,
    client
  }

  @Parameters(paramLabel = "SIDE", description = "${COMPLETION-CANDIDATES}")
  Side side;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("chatctl-train");
    try {
      if (side == Side.serve) {
        serve(dir);
      } else {
        client(dir);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    return ExitCodes.OK;
  }

  private static void serve(Path dir) throws Exception {
    ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger("dev.chatctl")
        .setLevel(Level.WARN);
    Main.bridgeJulToSlf4j();
    Settings settings =
        Settings.of(
            Map.of(
                "NEXTAUTH_SECRET",
                SECRET,
                "CHATCTL_DATA_DIR",
                dir.toString(),
                "WS_PORT",
                "0",
                "HOST",
                "127.0.0.1"),
            Map.of());
    try (ChatServer server = ChatServer.start(ServerConfig.from(settings))) {
      String url = server.url();
      String token =
          new TokenMinter(SECRET).issue("train", null, null, null, Duration.ofMinutes(5));
      child("send", "--url", url, "--token", token, "--to", "train", "--text", "training")
          .waitFor(60, TimeUnit.SECONDS);
      child("online", "--url", url, "--token", token).waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static void client(Path dir) throws Exception {
    for (String command : Main.COMMANDS.keySet()) {
      quietly(command, "--help");
    }
    quietly("token", "--user", "train", "--secret", SECRET);
    Process server =
        child(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--data-dir",
            dir.toString(),
            "--secret",
            SECRET);
    try (BufferedReader log =
        new BufferedReader(
            new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8))) {
      String url = null;
      for (String line = log.readLine(); line != null && url == null; line = log.readLine()) {
        Matcher m = LISTENING.matcher(line);
        url = m.find() ? m.group(1) : null;
      }
      if (url == null) {
        return;
      }
      quietly(
          "send",
          "--url",
          url,
          "--user",
          "train",
          "--secret",
          SECRET,
          "--to",
          "train",
          "--text",
          "training");
      quietly("online", "--url", url, "--user", "train", "--secret", SECRET);
      quietly(
          "listen",
          "--url",
          url,
          "--user",
          "train",
          "--secret",
          SECRET,
          "--timeout",
          "200ms",
          "--quiet");
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** This jar run as a child process, with the same java. */
  private static Process child(String... args) throws IOException, URISyntaxException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(
        Path.of(TrainCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static void quietly(String... args) {
    CommandLine cli = Main.commandLine(args[0]);
    cli.setOut(new PrintWriter(Writer.nullWriter()));
    cli.setErr(new PrintWriter(Writer.nullWriter()));
    cli.execute(args);
  }
}
