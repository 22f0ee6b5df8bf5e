package dev.chatctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `chatctl serve` as a user runs it: it starts, answers, stops cleanly, and fails in one line. */
class ServeCommandTest {

  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void servesOnTheEmbeddedDefaultAndStopsCleanlyOnSigterm() throws Exception {
    int port = freePort();
    try (ChatctlProcess serve =
        ChatctlProcess.start(dir, Map.of(), "serve", "--port", String.valueOf(port))) {
      assertNotNull(
          serve.awaitErrLine("listening on", 60), () -> String.join("\n", serve.stderr()));
      assertNotNull(
          serve.awaitErrLine("development secret", 10), "warns about the development secret");
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      assertEquals("{\"status\":\"ok\"}", health.body());
      assertTrue(
          dir.resolve("data/chatctl.mv.db").toFile().exists(),
          "the embedded database lives in ./data");
      serve.terminate();
      assertEquals(0, serve.waitFor(30), () -> String.join("\n", serve.stderr()));
      assertTrue(
          serve.stderr().stream().anyMatch(l -> l.contains("stopped")),
          () ->
              String.join("\n", serve.stderr()) + "\nSTDOUT:" + String.join("\n", serve.stdout()));
      assertTrue(
          serve.stderr().stream().noneMatch(l -> l.contains("\u001b")),
          "no escape codes in a log that is not a terminal");
    }
  }

  @Test
  void jsonLogsAreOneObjectPerLineAndTheFirstSaysVersionUrlDatabaseAndSecret() throws Exception {
    int port = freePort();
    try (ChatctlProcess serve =
        ChatctlProcess.start(
            dir, Map.of(), "serve", "--port", String.valueOf(port), "--log-format", "json")) {
      assertNotNull(
          serve.awaitErrLine("listening on", 60), () -> String.join("\n", serve.stderr()));
      assertNotNull(serve.awaitErrLine("max message length", 10));
      List<String> lines = serve.stderr();
      ObjectMapper json = new ObjectMapper();
      for (String line : lines) {
        JsonNode entry = json.readTree(line); // throws on a line that is not JSON
        assertTrue(entry.hasNonNull("level") && entry.hasNonNull("formattedMessage"), line);
      }
      String first = json.readTree(lines.get(0)).get("formattedMessage").asText();
      assertTrue(
          first.startsWith("chatctl ")
              && first.contains("listening on http://localhost:" + port)
              && first.contains("database: embedded")
              && first.contains("tokens keyed by development secret"),
          first);
      serve.terminate();
      assertEquals(0, serve.waitFor(30), () -> String.join("\n", serve.stderr()));
    }
  }

  @Test
  void aSecondServeOnTheSameDataDirectorySaysWhoHoldsIt() throws Exception {
    try (ChatctlProcess first =
        ChatctlProcess.start(dir, Map.of(), "serve", "--port", "0", "--host", "127.0.0.1")) {
      String line = first.awaitErrLine("listening on http://127.0.0.1:", 60);
      assertNotNull(line, () -> String.join("\n", first.stderr()));
      assertTrue(
          line.contains("chatctl ")
              && line.contains("database: embedded H2 database")
              && line.contains("tokens keyed by development secret"),
          line);
      String port = line.replaceAll(".*listening on http://127\\.0\\.0\\.1:(\\d+).*", "$1");
      ChatctlProcess second = ChatctlProcess.start(dir, Map.of(), "serve", "--port", "0");
      assertEquals(ExitCodes.UNAVAILABLE, second.waitFor(60));
      assertOneLine(
          second,
          "chatctl: the data directory data is in use by another chatctl serve (pid "
              + first.pid()
              + ", port "
              + port
              + "); stop it, or give this one its own --data-dir");
    }
  }

  @Test
  void aPortInUseIsOneLineAndExit3() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      ChatctlProcess serve =
          ChatctlProcess.start(
              dir, Map.of(), "serve", "--port", String.valueOf(taken.getLocalPort()));
      assertEquals(ExitCodes.UNAVAILABLE, serve.waitFor(60));
      assertOneLine(
          serve,
          "chatctl: port "
              + taken.getLocalPort()
              + " on 0.0.0.0 is already in use (set WS_PORT or --port)");
    }
  }

  @Test
  void anUnreachableDatabaseIsOneLineAndExit3() throws Exception {
    int closed = freePort();
    ChatctlProcess serve =
        ChatctlProcess.start(
            dir,
            Map.of("DATABASE_URL", "postgresql://root@127.0.0.1:" + closed + "/chat"),
            "serve",
            "--port",
            "0");
    assertEquals(ExitCodes.UNAVAILABLE, serve.waitFor(60));
    String line =
        assertOneLine(
            serve,
            "chatctl: cannot open the PostgreSQL root@127.0.0.1:"
                + closed
                + "/chat: cannot connect");
    assertTrue(line.contains("refused"), line);
  }

  @Test
  void aWrongDatabaseUrlIsOneLineAndExit2() throws Exception {
    ChatctlProcess serve =
        ChatctlProcess.start(
            dir, Map.of(), "serve", "--database-url", "mysql://root@localhost/chat");
    assertEquals(ExitCodes.USAGE, serve.waitFor(60));
    assertOneLine(serve, "chatctl: DATABASE_URL must be postgresql://");
  }

  @Test
  void aBadFlagIsOneLineAndExit2() throws Exception {
    ChatctlProcess serve = ChatctlProcess.start(dir, Map.of(), "serve", "--prot", "3001");
    assertEquals(ExitCodes.USAGE, serve.waitFor(60));
    assertOneLine(
        serve,
        "chatctl: unknown option '--prot' (did you mean --port?); see `chatctl serve --help`");
    ChatctlProcess badNumber = ChatctlProcess.start(dir, Map.of("WS_PORT", "eighty"), "serve");
    assertEquals(ExitCodes.USAGE, badNumber.waitFor(60));
    assertOneLine(badNumber, "chatctl: WS_PORT must be a number, not 'eighty'");
  }

  private static String assertOneLine(ChatctlProcess process, String start) {
    List<String> lines = process.stderr();
    assertEquals(1, lines.size(), () -> "one line, not:\n" + String.join("\n", lines));
    assertTrue(lines.get(0).startsWith(start), () -> lines.get(0));
    return lines.get(0);
  }
}
