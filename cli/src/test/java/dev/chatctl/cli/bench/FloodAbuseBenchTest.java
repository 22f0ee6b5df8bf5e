package dev.chatctl.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.cli.Main;
import dev.chatctl.server.engineio.EngineOptions;
import dev.chatctl.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Short runs of {@code bench flood} against a server in-process with the default settings, and of
 * {@code bench abuse} against one whose header and idle timeouts are one second and whose heartbeat
 * ends a silent WebSocket in two.
 */
class FloodAbuseBenchTest {
  @TempDir static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() {
    Duration second = Duration.ofSeconds(1);
    server =
        TestServer.h2(
            dir,
            c ->
                c.withHttp(c.http().withTimeouts(second, second, second))
                    .withEngine(EngineOptions.defaults().withPing(second, second)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void floodReportsThePairsLatencyAndTheFloodersAnswers(@TempDir Path floodDir) {
    Map<String, Object> json;
    try (TestServer defaults = TestServer.h2(floodDir)) {
      json =
          bench(
              defaults,
              "flood",
              "--pairs=2",
              "--rate=50",
              "--flood=2000",
              "--warmup=500ms",
              "--duration=2s");
    }
    assertTrue(
        ((Number) map(json, "latencyMs").get("count")).longValue() > 0,
        "the pairs' messages were measured: " + json);
    Map<String, Object> flood = map(json, "flood");
    assertEquals(2000, ((Number) flood.get("sent")).intValue());
    long refused =
        map(flood, "refused").values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
    assertEquals(
        2000,
        ((Number) flood.get("accepted")).longValue() + refused,
        "every flood message was answered: " + flood);
    assertEquals(0, ((Number) flood.get("unanswered")).intValue());
  }

  @Test
  void abuseCountsTheSlowAndIdleConnectionsTheServerCloses() {
    for (String kind : new String[] {"slowloris", "idle", "partial-frame"}) {
      Map<String, Object> json =
          bench(
              server,
              "abuse",
              "--kind=" + kind,
              "--count=20",
              "--interval=200ms",
              "--within=5s",
              "--hold=15s",
              "--server-pid=" + ProcessHandle.current().pid());
      assertEquals(
          20, ((Number) map(json, "connections").get("opened")).intValue(), kind + ": " + json);
      assertEquals(
          20,
          ((Number) map(json, "byServer").get("closedWithin")).intValue(),
          kind + " connections closed by the server: " + json);
      assertNotNull(map(json, "serverRss").get("perConnectionKiB"), kind + ": " + json);
    }
  }

  private static Map<String, Object> bench(TestServer server, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    String[] all = new String[args.length + 4];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--url=" + server.url();
    all[args.length + 2] = "--secret=" + TestServer.SECRET;
    all[args.length + 3] = "--json";
    int exit = cli.execute(all);
    Map<String, Object> json = BenchResult.parse(out.toString().strip());
    assertEquals(0, exit, "exit code of " + String.join(" ", args) + ": " + json);
    return json;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> json, String key) {
    Object value = json.get(key);
    assertNotNull(value, key + " in " + json);
    return (Map<String, Object>) value;
  }
}
