package dev.chatctl.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.chatctl.cli.Main;
import dev.chatctl.cli.client.ChatClient;
import dev.chatctl.cli.client.ChatEvent;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.cli.client.Recorder;
import dev.chatctl.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chatctl connect} in a real terminal: its own process inside tmux, keys sent with {@code
 * send-keys}, the screen read with {@code capture-pane}. Needs tmux: skipped (with a line saying
 * so) when it is missing, except in CI (CI set), where that is a failure.
 */
class TmuxConsoleTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private TestServer server;
  private Path socket; // a tmux server of this test's own, its socket in the test's directory
  private ChatClient bob;
  private ChatClient carol;

  @BeforeEach
  void needTmux() throws Exception {
    boolean present;
    try {
      present = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      present = false;
    }
    if (!present) {
      if (System.getenv("CI") != null) {
        fail("tmux is needed for the real-terminal test in CI (apt-get install tmux)");
      }
      System.out.println(
          "TmuxConsoleTest skipped: tmux is not installed (apt-get install tmux runs it)");
      Assumptions.abort("tmux is not installed");
    }
    socket = dir.resolve("tmux.sock");
    server = TestServer.h2(dir.resolve("server"));
  }

  @AfterEach
  void stop() throws Exception {
    if (socket != null) {
      tmux("kill-server");
    }
    if (bob != null) {
      bob.close();
    }
    if (carol != null) {
      carol.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void twoPeopleChatInARealTerminal() throws Exception {
    Recorder bobEvents = new Recorder("bob");
    bob = new ChatClient(ClientOptions.of(server.url(), server.token("bob")), bobEvents);
    bob.connect().get(10, TimeUnit.SECONDS);

    Path exit = startAlice();

    await("the prompt", screen -> lastLine(screen).equals("alice>"));
    await("bob in the directory", screen -> true);
    awaitCondition(
        () ->
            bobEvents.all(ChatEvent.UserOnline.class).stream()
                .anyMatch(u -> u.userId().equals("alice")));

    keys("/to bo");
    keys("Tab");
    await("the completed id", screen -> lastLine(screen).equals("alice> /to bob"));
    keys("Enter");
    await(
        "the new prompt",
        screen ->
            lastLine(screen).equals("alice → bob>") && screen.contains("talking to bob (online)"));

    literal("hello bob");
    keys("Enter");
    bobEvents.await(ChatEvent.Received.class, r -> r.message().content().equals("hello bob"));
    String screen = await("the delivered mark", s -> s.contains("you → bob: hello bob ✓✓"));
    assertEquals(
        1, count(screen, "hello bob"), "one line per message, marked in place:\n" + screen);

    literal("still typ");
    await("the typed text", s -> lastLine(s).equals("alice → bob> still typ"));
    bob.send("alice", "hi alice").get(10, TimeUnit.SECONDS);
    screen = await("the message above the line being typed", s -> s.contains("bob: hi alice"));
    List<String> lines = nonEmptyLines(screen);
    assertEquals("alice → bob (online) | connected", statusLine(screen), screen);
    lines = lines.subList(0, lines.size() - 1); // above the status line
    assertEquals("alice → bob> still typ", lines.get(lines.size() - 1), screen);
    assertTrue(lines.get(lines.size() - 2).endsWith("bob: hi alice"), screen);

    literal("ing");
    keys("Enter");
    bobEvents.await(ChatEvent.Received.class, r -> r.message().content().equals("still typing"));
    await("the read receipt", s -> true);
    bobEvents.await(ChatEvent.Read.class);

    literal("/quit");
    keys("Enter");
    awaitCondition(() -> Files.exists(exit) && Files.readString(exit).contains("exit="));
    assertEquals("exit=0", Files.readString(exit).strip());
    assertFalse(screen.contains("WARNING"), "no JVM warnings on the screen:\n" + screen);
    assertTrue(Files.readString(dir.resolve("history")).contains("hello bob"));
  }

  @Test
  void theStatusLineReplyToLastUnreadAndWordWrap() throws Exception {
    bob = new ChatClient(ClientOptions.of(server.url(), server.token("bob")), new Recorder("bob"));
    bob.connect().get(10, TimeUnit.SECONDS);
    Recorder carolEvents = new Recorder("carol");
    carol = new ChatClient(ClientOptions.of(server.url(), server.token("carol")), carolEvents);
    carol.connect().get(10, TimeUnit.SECONDS);
    Path exit = startAlice();
    await(
        "the status line",
        screen -> statusLine(screen).equals("alice → nobody (/to USER) | connected"));
    await(
        "the prompt",
        screen ->
            lastLine(screen).equals("alice>")); // keys typed before it would go to the shell's tty

    carol.send("alice", "are you around?").get(10, TimeUnit.SECONDS);
    bob.send("alice", "hi alice").get(10, TimeUnit.SECONDS);
    await(
        "the unread counts",
        screen ->
            statusLine(screen)
                .equals("alice → nobody (/to USER) | unread: bob 1, carol 1 | connected"));

    keys("Tab"); // on an empty line: answer whoever wrote last
    await("the reply prompt", s -> lastLine(s).equals("alice → bob>"));
    await("bob's message again, read", s -> s.contains("-- 1 unread from bob --"));
    await(
        "only carol unread",
        s -> statusLine(s).equals("alice → bob (online) | unread: carol 1 | connected"));

    String answer =
        "thanks for the message, bob: this answer is long enough to wrap on a terminal of a hundred columns, "
            + "and every word of it stays whole";
    literal("/r " + answer);
    keys("Enter");
    String screen = await("the wrapped answer", s -> s.contains("stays whole ✓"));
    List<String> rows = nonEmptyLines(screen);
    int first = -1;
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).contains("you → bob: thanks for the message")) {
        first = i;
      }
    }
    assertTrue(first >= 0, screen);
    int indent = rows.get(first).indexOf("thanks");
    String second = rows.get(first + 1);
    assertEquals(
        " ".repeat(indent),
        second.substring(0, indent),
        "the second row starts under the text:\n" + screen);
    assertFalse(second.charAt(indent) == ' ', screen);
    String joined = rows.get(first).substring(indent) + " " + second.substring(indent);
    assertTrue(joined.startsWith(answer), "no word cut at the row's end:\n" + screen);

    literal("/to carol");
    keys("Enter");
    screen =
        await(
            "carol's unread message",
            s -> s.contains("-- 1 unread from carol --") && s.contains("carol: are you around?"));
    await("nothing unread", s -> statusLine(s).equals("alice → carol (online) | connected"));
    carolEvents.await(ChatEvent.Read.class);

    // a message taller than the window: once in the scrollback, its marks on short lines of their
    // own
    StringBuilder tall = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      tall.append(i == 0 ? "" : " ").append(String.format("w%03d", i));
    }
    literal(tall.toString());
    keys("Enter");
    carolEvents.await(ChatEvent.Received.class, r -> r.message().content().equals(tall.toString()));
    await("the delivered line", s -> s.contains("✓✓ delivered to carol: \"w000 w001"));
    String history = tmux("capture-pane", "-p", "-S", "-", "-t", "chat");
    assertEquals(1, count(history, "you → carol: w000"), history);
    assertEquals(
        1, count(history, "w299"), "no second copy of the message in the scrollback:\n" + history);

    literal("/quit");
    keys("Enter");
    awaitCondition(() -> Files.exists(exit) && Files.readString(exit).contains("exit="));
    assertEquals("exit=0", Files.readString(exit).strip());
  }

  /**
   * {@code chatctl connect} as alice in a 100x20 tmux window; returns the file its exit code goes
   * to.
   */
  private Path startAlice() throws Exception {
    Path script = dir.resolve("connect.sh");
    Path exit = dir.resolve("exit");
    String java = ProcessHandle.current().info().command().orElse("java");
    Files.writeString(
        script,
        String.join(
            "\n",
            "export LANG=C.UTF-8 LC_ALL=C.UTF-8",
            "unset NO_COLOR CHATCTL_TOKEN",
            quote(java)
                + " -cp "
                + quote(System.getProperty("java.class.path"))
                + " "
                + Main.class.getName()
                + " connect --url "
                + server.url()
                + " --token "
                + server.token("alice")
                + " --history-file "
                + quote(dir.resolve("history").toString()),
            "echo \"exit=$?\" > " + quote(exit.toString()),
            ""));
    tmux(
        "-u",
        "new-session",
        "-d",
        "-s",
        "chat",
        "-x",
        "100",
        "-y",
        "20",
        "sh " + quote(script.toString()));
    return exit;
  }

  // ------------------------------------------------------------------ tmux

  private String tmux(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
    command.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  private void keys(String key) throws Exception {
    tmux("send-keys", "-t", "chat", key);
  }

  private void literal(String text) throws Exception {
    tmux("send-keys", "-t", "chat", "-l", text);
  }

  private String capture() throws Exception {
    return tmux("capture-pane", "-p", "-t", "chat");
  }

  /**
   * Polls the screen until it shows what is expected; fails with the screen after {@link #WAIT}.
   */
  private String await(String what, Predicate<String> test) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String screen = capture();
    while (!test.test(screen)) {
      if (System.nanoTime() > deadline) {
        fail("the terminal did not show " + what + " within " + WAIT + ":\n" + screen);
      }
      Thread.sleep(50); // polling the screen, not a timing assertion
      screen = capture();
    }
    return screen;
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private void awaitCondition(Check check) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + WAIT + "; the screen:\n" + capture());
      }
      Thread.sleep(50);
    }
  }

  static List<String> nonEmptyLines(String screen) {
    return screen.lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
  }

  /** The last line above the status line: the prompt and what is typed. */
  static String lastLine(String screen) {
    List<String> lines = nonEmptyLines(screen);
    if (!lines.isEmpty() && isStatus(lines.get(lines.size() - 1))) {
      lines = lines.subList(0, lines.size() - 1);
    }
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  /** The status line at the bottom, trimmed ("" when there is none). */
  static String statusLine(String screen) {
    List<String> lines = nonEmptyLines(screen);
    String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    return isStatus(last) ? last.strip() : "";
  }

  private static boolean isStatus(String line) {
    return line.startsWith(" ") && line.contains(" | ");
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
