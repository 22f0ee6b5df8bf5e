package dev.chatctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.cli.ScriptCommandsTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mistakes people make at the command line, each answered in one line with the fix, exit 2. */
class UsageErrorsTest {

  @TempDir Path dir;

  private static Run run(String... args) {
    return ScriptCommandsTest.run(args);
  }

  private static void oneLine(Run run, int exit, String expected) {
    assertEquals(exit, run.exit(), run.err()::toString);
    assertEquals(List.of(expected), run.err().lines());
  }

  @Test
  void anUnknownOptionIsNamedWithTheClosestOneEvenWhenARequiredOneIsMissingToo() {
    oneLine(
        run("send", "--too", "bob", "--text", "hi"),
        2,
        "chatctl: unknown option '--too' (did you mean --to?); see `chatctl send --help`");
    oneLine(
        run("send", "--bogus"), 2, "chatctl: unknown option '--bogus'; see `chatctl send --help`");
    oneLine(
        run("users", "list", "--limt=3"),
        2,
        "chatctl: unknown option '--limt' (did you mean --limit?); see `chatctl users list --help`");
  }

  @Test
  void anUnknownCommandIsNamedWithTheClosestOneOrTheList() {
    oneLine(
        run("serv"),
        2,
        "chatctl: unknown command 'serv' (did you mean serve?); see `chatctl --help`");
    Run bogus = run("bogus");
    assertEquals(2, bogus.exit());
    assertTrue(
        bogus
            .err()
            .toString()
            .startsWith("chatctl: unknown command 'bogus' (commands: serve, connect, send,"),
        bogus.err()::toString);
    oneLine(
        run("bench", "throughtput"),
        2,
        "chatctl: unknown command 'throughtput' (did you mean throughput?); see `chatctl bench --help`");
  }

  @Test
  void aGroupWithoutItsCommandIsAUsageErrorThatListsThem() {
    for (String[] group :
        new String[][] {
          {"users", "add, list"},
          {"db", "migrate, info"},
          {"bench", "throughput, latency, connections, presence"}
        }) {
      Run run = run(group[0]);
      assertEquals(2, run.exit(), group[0]);
      assertTrue(
          run.err()
              .lines()
              .get(0)
              .startsWith("chatctl: chatctl " + group[0] + " needs a command: " + group[1]),
          run.err()::toString);
      assertTrue(
          run.err().toString().contains("Usage: chatctl " + group[0]), "and the usage, on stderr");
      assertEquals(List.of(), run.out().lines(), "nothing on stdout");
    }
  }

  @Test
  void listenRefusesAnEventTheServerNeverSends() {
    oneLine(
        run("listen", "--token", "t", "--events", "message:recieve"),
        2,
        "chatctl: --events: the server sends no event 'message:recieve' (did you mean message:receive?)");
    Run bogus = run("listen", "--token", "t", "--events", "bogus:event");
    assertEquals(2, bogus.exit());
    assertTrue(
        bogus
            .err()
            .toString()
            .startsWith(
                "chatctl: --events: the server sends no event 'bogus:event' (known: all, message:receive,"),
        bogus.err()::toString);
  }

  @Test
  void durationsAreCheckedByTheirOption() {
    oneLine(
        run("send", "--token", "t", "--to", "bob", "--text", "x", "--timeout", "soon"),
        2,
        "chatctl: invalid value for option '--timeout': 'soon' is not a duration (like 500ms, 90s, 30m, 24h, 2d, or seconds); see `chatctl send --help`");
    oneLine(
        run("token", "--user", "a", "--ttl", "0s"),
        2,
        "chatctl: invalid value for option '--ttl': '0s' must be longer than zero; see `chatctl token --help`");
  }

  @Test
  void everyCommandAnswersVersionWithTheGitRevision() {
    for (String[] command :
        new String[][] {
          {"--version"},
          {"serve", "--version"},
          {"send", "-V"},
          {"users", "add", "--version"},
          {"bench", "latency", "--version"}
        }) {
      Run run = run(command);
      assertEquals(0, run.exit(), String.join(" ", command));
      String first = run.out().lines().get(0);
      assertTrue(first.matches("chatctl \\d+\\.\\d+\\.\\d+.*"), first);
      assertTrue(run.out().lines().get(1).startsWith("Java "), run.out()::toString);
    }
  }

  @Test
  void serveNamesTheFlagThatIsOutOfRange() {
    oneLine(
        run("serve", "-p", "99999", "--data-dir", dir.toString(), "--secret", "x".repeat(32)),
        2,
        "chatctl: --port must be between 0 and 65535, not 99999");
  }

  @Test
  void anEmptySecretIsRefusedInOneLine() {
    oneLine(
        run("token", "--user", "alice", "--secret", ""),
        2,
        "chatctl: NEXTAUTH_SECRET is set but empty (--secret): set it to the app's secret, or unset it to use the development secret");
  }

  @Test
  void aShortSecretIsUsedWithAWarning() {
    Run token = run("token", "--user", "alice", "--secret", "short");
    assertEquals(0, token.exit());
    assertEquals(
        List.of(
            "chatctl: warning: NEXTAUTH_SECRET (--secret) is 5 bytes long; use at least 32 random bytes (openssl rand -base64 32)"),
        token.err().lines());
    assertEquals(1, token.out().lines().size());
  }

  @Test
  void anUnusableDataDirectorySaysWhyInOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    oneLine(
        run("serve", "--data-dir", file.toString(), "--secret", "x".repeat(32), "--port", "0"),
        2,
        "chatctl: cannot use the data directory "
            + file
            + ": a file is in the way: "
            + file
            + " (set --data-dir or CHATCTL_DATA_DIR to a writable directory)");
    oneLine(
        run("users", "list", "--data-dir", file.resolve("sub").toString()),
        2,
        "chatctl: cannot use the data directory "
            + file.resolve("sub")
            + ": not a directory: "
            + file.resolve("sub")
            + " (set --data-dir or CHATCTL_DATA_DIR to a writable directory)");
  }

  @Test
  void usersAddRefusesAnIdThatIsNotOneAndListSaysHowManyThereAre() {
    String data = dir.resolve("data").toString();
    oneLine(
        run("users", "add", "bad id with spaces", "--data-dir", data),
        2,
        "chatctl: a user id has no spaces or control characters: 'bad id with spaces' (quote mistake?)");
    for (int i = 1; i <= 9; i++) {
      assertEquals(0, run("users", "add", "user" + i, "--data-dir", data).exit());
    }
    Run list = run("users", "list", "--limit", "2", "--data-dir", data);
    assertEquals(0, list.exit(), list.err()::toString);
    List<String> lines = list.out().lines();
    assertEquals("2 of 9 users (--limit 2)", lines.get(lines.size() - 1));
    Run all = run("users", "list", "--data-dir", data);
    assertEquals("9 users", all.out().lines().get(all.out().lines().size() - 1));
  }
}
