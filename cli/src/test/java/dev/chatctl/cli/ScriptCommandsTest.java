package dev.chatctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.cli.client.ChatClient;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.cli.client.Ports;
import dev.chatctl.cli.client.Recorder;
import dev.chatctl.protocol.Json;
import dev.chatctl.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code send}, {@code listen} and {@code online} as scripts run them, against a server in-process.
 */
class ScriptCommandsTest {
  private static final AtomicInteger USERS = new AtomicInteger();

  @TempDir static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.h2(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String user(String name) {
    return name + "-s" + USERS.incrementAndGet();
  }

  /** Output lines of a command, which a test can wait for. */
  static final class Lines extends Writer {
    private final StringBuilder partial = new StringBuilder();
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        char c = buf[i];
        if (c == '\n') {
          lines.add(partial.toString());
          partial.setLength(0);
          notifyAll();
        } else if (c != '\r') {
          partial.append(c);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    synchronized List<String> lines() {
      return List.copyOf(lines);
    }

    synchronized String await(String text) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (true) {
        for (String line : lines) {
          if (line.contains(text)) {
            return line;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }

    @Override
    public synchronized String toString() {
      return String.join("\n", lines) + (partial.isEmpty() ? "" : "\n" + partial);
    }
  }

  /** One command line run in-process. */
  record Run(int exit, Lines out, Lines err) {
    JsonNode json(int line) {
      return Json.read(out.lines().get(line));
    }
  }

  static Run run(String... args) {
    Lines out = new Lines();
    Lines err = new Lines();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out, err);
  }

  /** A command run in the background; its output can be awaited while it runs. */
  static final class Background {
    final Lines out = new Lines();
    final Lines err = new Lines();
    final CompletableFuture<Integer> exit;

    Background(String... args) {
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      exit =
          CompletableFuture.supplyAsync(
              () -> cli.execute(args), r -> Thread.ofPlatform().daemon().start(r));
    }

    int await() throws Exception {
      return exit.get(30, TimeUnit.SECONDS);
    }
  }

  static String[] with(String[] first, String... more) {
    String[] all = new String[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  String[] as(String command, String userId) {
    return new String[] {command, "--url", server.url(), "--token", server.token(userId)};
  }

  // ------------------------------------------------------------------ ok

  @Test
  void listenPrintsWhatSendSends() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Background listen = new Background(with(as("listen", bob), "--count", "1", "--timeout", "20s"));
    assertNotNull(listen.err.await("listening as " + bob), listen.err::toString);

    Run send = run(with(as("send", alice), "--to", bob, "--text", "hi bob", "--session", "s1"));
    assertEquals(0, send.exit(), send.err()::toString);
    JsonNode stored = send.json(0);
    assertEquals(alice, stored.get("senderId").asText());
    assertEquals("hi bob", stored.get("content").asText());
    assertEquals("s1", stored.get("sessionId").asText());

    assertEquals(0, listen.await(), listen.err::toString);
    assertEquals(1, listen.out.lines().size(), listen.out::toString);
    JsonNode line = Json.read(listen.out.lines().get(0));
    assertEquals("message:receive", line.get("event").asText());
    assertEquals(stored, line.get("data"));
  }

  @Test
  void listenFiltersEventsAndGetsOfflineMessagesFirst() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    run(with(as("online", bob))); // bob is in the directory now
    Run offline = run(with(as("send", alice), "--to", bob, "--text", "while you were away"));
    assertEquals(0, offline.exit(), offline.err()::toString);

    Background listen =
        new Background(
            with(
                as("listen", bob),
                "--count",
                "3",
                "--events",
                "message:receive,user:online,user:offline"));
    assertNotNull(listen.err.await("listening as " + bob), listen.err::toString);
    try (ChatClient a =
        new ChatClient(ClientOptions.of(server.url(), server.token(alice)), new Recorder(alice))) {
      a.connect().get(10, TimeUnit.SECONDS);
    }
    assertEquals(0, listen.await(), listen.err::toString);
    List<String> events =
        listen.out.lines().stream().map(l -> Json.read(l).get("event").asText()).toList();
    assertEquals(List.of("message:receive", "user:online", "user:offline"), events);
    assertEquals(
        "while you were away",
        Json.read(listen.out.lines().get(0)).get("data").get("content").asText());
  }

  @Test
  void onlinePrintsTheOnlineIds() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    try (ChatClient b =
        new ChatClient(ClientOptions.of(server.url(), server.token(bob)), new Recorder(bob))) {
      b.connect().get(10, TimeUnit.SECONDS);
      Run online = run(as("online", alice));
      assertEquals(0, online.exit(), online.err()::toString);
      assertTrue(online.out().lines().containsAll(List.of(alice, bob)), online.out()::toString);
      assertEquals(online.out().lines().stream().sorted().toList(), online.out().lines(), "sorted");

      Run json = run(with(as("online", alice), "--json"));
      List<String> ids = new ArrayList<>();
      json.json(0).forEach(id -> ids.add(id.asText()));
      assertTrue(ids.containsAll(List.of(alice, bob)), ids.toString());
    }
  }

  @Test
  void userMintsATokenWithTheConfiguredSecret() {
    String alice = user("alice");
    Run send =
        run(
            "send",
            "--url",
            server.url(),
            "--user",
            alice,
            "--secret",
            TestServer.SECRET,
            "--to",
            alice,
            "--text",
            "note");
    assertEquals(0, send.exit(), send.err()::toString);
    assertEquals(alice, send.json(0).get("senderId").asText());

    Run wrongSecret =
        run(
            "send",
            "--url",
            server.url(),
            "--user",
            alice,
            "--secret",
            "not the server's",
            "--to",
            alice,
            "--text",
            "x");
    assertEquals(ExitCodes.REFUSED, wrongSecret.exit());
    assertEquals(
        "chatctl: refused: TOKEN_INVALID: Authentication error (the token was signed with NEXTAUTH_SECRET (--secret);"
            + " if the server uses another secret, pass it with --secret or NEXTAUTH_SECRET)",
        wrongSecret.err().toString(),
        "one line: which secret the client used, and how to use the server's");
  }

  @Test
  void theUrlComesFromChatctlUrlElseFromWsPortAsServeReadsIt(@TempDir Path work) throws Exception {
    String alice = user("alice");
    String port = server.url().substring(server.url().lastIndexOf(':') + 1);
    for (Map<String, String> env :
        List.of(
            Map.of("CHATCTL_URL", server.url()),
            Map.of("WS_PORT", port),
            Map.of("WS_PORT", port, "HOST", "0.0.0.0"))) {
      try (ChatctlProcess online =
          ChatctlProcess.start(work, env, "online", "--token", server.token(alice))) {
        assertEquals(0, online.waitFor(60), () -> env + ": " + online.stderr());
        assertTrue(online.stdout().contains(alice), () -> env + ": " + online.stdout());
      }
    }
    java.nio.file.Files.writeString(work.resolve(".env"), "WS_PORT=" + port + "\n");
    try (ChatctlProcess online =
        ChatctlProcess.start(work, Map.of(), "online", "--token", server.token(alice))) {
      assertEquals(0, online.waitFor(60), () -> ".env: " + online.stderr());
    }
  }

  @Test
  void listenWithoutCountStopsAtItsTimeoutWithZero() {
    Run listen = run(with(as("listen", user("quiet")), "--timeout", "300ms", "--quiet"));
    assertEquals(0, listen.exit(), listen.err()::toString);
    assertEquals(List.of(), listen.err().lines());
  }

  @Test
  void tokenFromTheEnvironmentInAProcessOfItsOwn(@TempDir Path work) throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    try (ChatctlProcess listen =
        ChatctlProcess.start(
            work,
            Map.of("CHATCTL_TOKEN", server.token(bob)),
            "listen",
            "--url",
            server.url(),
            "--count",
            "1",
            "--timeout",
            "30s")) {
      assertNotNull(
          listen.awaitErrLine("listening as " + bob, 60), () -> String.join("\n", listen.stderr()));
      Run send = run(with(as("send", alice), "--to", bob, "--text", "over the process line"));
      assertEquals(0, send.exit(), send.err()::toString);
      assertEquals(0, listen.waitFor(30), () -> String.join("\n", listen.stderr()));
      assertEquals(
          "over the process line",
          Json.read(listen.stdout().get(0)).get("data").get("content").asText());
    }
  }

  // ------------------------------------------------------------------ exit codes

  @Test
  void refusedByTheServerIsOne() {
    String alice = user("alice");
    Run unknown = run(with(as("send", alice), "--to", "nobody-" + alice, "--text", "hi"));
    assertEquals(ExitCodes.REFUSED, unknown.exit());
    assertTrue(unknown.err().toString().contains("RECIPIENT_NOT_FOUND"), unknown.err()::toString);
    assertEquals(List.of(), unknown.out().lines());

    Run blank = run(with(as("send", alice), "--to", alice, "--text", "   "));
    assertEquals(ExitCodes.REFUSED, blank.exit());
    assertTrue(blank.err().toString().contains("VALIDATION_FAILED"), blank.err()::toString);

    for (String command : List.of("send", "listen", "online")) {
      String[] args =
          command.equals("send")
              ? new String[] {
                command, "--url", server.url(), "--token", "garbage", "--to", alice, "--text", "x"
              }
              : new String[] {command, "--url", server.url(), "--token", "garbage"};
      Run refused = run(args);
      assertEquals(ExitCodes.REFUSED, refused.exit(), command);
      assertTrue(refused.err().toString().contains("TOKEN_INVALID"), refused.err()::toString);
    }
  }

  @Test
  void cannotConnectOrTimedOutIsThree() throws Exception {
    String closed = "http://127.0.0.1:" + Ports.free();
    for (String command : List.of("send", "listen", "online")) {
      String[] args =
          command.equals("send")
              ? new String[] {
                command, "--url", closed, "--token", "t", "--to", "bob", "--text", "x"
              }
              : new String[] {command, "--url", closed, "--token", "t"};
      Run run = run(args);
      assertEquals(ExitCodes.UNAVAILABLE, run.exit(), command + ": " + run.err());
      assertTrue(
          run.err().toString().contains("cannot connect to ws://127.0.0.1"), run.err()::toString);
    }

    Run listen = run(with(as("listen", user("bob")), "--count", "1", "--timeout", "500ms"));
    assertEquals(ExitCodes.UNAVAILABLE, listen.exit());
    assertTrue(
        listen.err().toString().contains("timed out: 0 of 1 event within 500ms"),
        listen.err()::toString);

    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Run send =
          run(
              "send",
              "--url",
              "http://127.0.0.1:" + silent.getLocalPort(),
              "--token",
              "t",
              "--to",
              "bob",
              "--text",
              "x",
              "--timeout",
              "500ms");
      assertEquals(ExitCodes.UNAVAILABLE, send.exit());
      assertTrue(send.err().toString().contains("timed out"), send.err()::toString);
    }
  }

  @Test
  void usageErrorsAreTwo() {
    String[][] cases = {
      {"send", "--url", server.url(), "--to", "bob", "--text", "no token"},
      {
        "send",
        "--url",
        server.url(),
        "--token",
        "t",
        "--user",
        "u",
        "--to",
        "bob",
        "--text",
        "both"
      },
      {"send", "--url", "localhost:3001", "--token", "t", "--to", "bob", "--text", "bad url"},
      {"send", "--url", "ftp://h", "--token", "t", "--to", "bob", "--text", "bad scheme"},
      {
        "send",
        "--url",
        server.url(),
        "--token",
        "t",
        "--to",
        "bob",
        "--text",
        "x",
        "--timeout",
        "soon"
      },
      {"send", "--url", server.url(), "--token", "t", "--text", "no --to"},
      {"listen", "--url", server.url(), "--token", "t", "--count", "0"},
      {"online", "--url", server.url(), "--token", "t", "--timeout", "0s"},
      {"connect", "--url", server.url()},
    };
    for (String[] args : cases) {
      Run run = run(args);
      assertEquals(ExitCodes.USAGE, run.exit(), String.join(" ", args) + ": " + run.err());
      assertTrue(
          run.err().toString().lines().findFirst().orElse("").length() > 0, "says why in a line");
    }
  }

  @Test
  void helpDocumentsTheExitCodes() {
    for (String command : List.of("connect", "send", "listen", "online")) {
      Run help = run(command, "--help");
      assertEquals(0, help.exit());
      String text = help.out().toString().replaceAll("\\s+", " ");
      assertTrue(
          text.contains(
              "Exit codes: 0 ok, 1 refused by the server, 2 usage or configuration error, 3 cannot connect or timed out"),
          text);
      assertTrue(
          text.contains("--url") && text.contains("--token") && text.contains("--user"), text);
    }
  }

  @Test
  void sendSurvivesADropAndStoresOnce() throws Exception {
    // the same clientMessageId twice (a script retrying after a timeout) is stored once
    String alice = user("alice");
    String bob = user("bob");
    Recorder bobEvents = new Recorder(bob);
    try (ChatClient b =
        new ChatClient(
            ClientOptions.of(server.url(), server.token(bob))
                .withRequestTimeout(Duration.ofSeconds(5)),
            bobEvents)) {
      b.connect().get(10, TimeUnit.SECONDS);
      Run first =
          run(
              with(
                  as("send", alice),
                  "--to",
                  bob,
                  "--text",
                  "retry me",
                  "--client-message-id",
                  "ci-run-42-" + alice));
      Run again =
          run(
              with(
                  as("send", alice),
                  "--to",
                  bob,
                  "--text",
                  "retry me",
                  "--client-message-id",
                  "ci-run-42-" + alice));
      assertEquals(0, first.exit());
      assertEquals(0, again.exit());
      assertEquals(first.json(0).get("id"), again.json(0).get("id"));
      run(with(as("send", alice), "--to", bob, "--text", "marker"));
      assertEquals(List.of("retry me", "marker"), bobEvents.awaitReceived("marker"));
    }
  }
}
