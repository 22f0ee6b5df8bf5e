package dev.chatctl.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.cli.Main;
import dev.chatctl.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Short runs of every scenario against a server in-process, read back from their JSON. */
class BenchCommandTest {
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

  record Run(int exit, String out, String err) {
    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      return BenchResult.parse(out.strip());
    }
  }

  static Run bench(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 4];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--url=" + server.url();
    all[args.length + 2] = "--secret=" + TestServer.SECRET;
    all[args.length + 3] = "--json";
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> json, String key) {
    Object value = json.get(key);
    assertNotNull(value, key + " in " + json);
    return (Map<String, Object>) value;
  }

  static double number(Map<String, Object> json, String key) {
    Object value = json.get(key);
    assertTrue(value instanceof Number, key + " is a number in " + json);
    return ((Number) value).doubleValue();
  }

  @Test
  void throughputCountsEveryMessageItSentAsReceivedAndNoneLost() {
    Run run =
        bench(
            "throughput", "--pairs", "4", "--window", "4", "--warmup", "300ms", "--duration", "1s");
    assertEquals(0, run.exit(), run.out() + run.err());
    Map<String, Object> json = run.json();
    assertEquals("throughput", json.get("scenario"));
    assertEquals(0, number(json, "errorCount"));
    assertEquals(0, number(json, "lost"));
    Map<String, Object> messages = map(json, "messages");
    assertTrue(number(messages, "sent") > 0);
    assertEquals(
        number(messages, "sent"),
        number(messages, "received"),
        "every message sent was received: " + json);
    assertTrue(number(json, "deliveredPerSec") > 0);
    Map<String, Object> latency = map(json, "latencyMs");
    assertTrue(number(latency, "count") > 0);
    assertTrue(
        number(latency, "p50") > 0
            && number(latency, "p50") <= number(latency, "p99")
            && number(latency, "p99") <= number(latency, "max"));
    assertEquals(8.0, number(map(json, "connect"), "connected"));
    assertTrue(map(json, "cpuPercent").containsKey("bench"));
  }

  @Test
  void latencyOffersTheAskedRateAndMeasuresEachMessage() {
    Run run =
        bench("latency", "--rate", "200", "--pairs", "4", "--warmup", "500ms", "--duration", "2s");
    assertEquals(0, run.exit(), run.out() + run.err());
    Map<String, Object> json = run.json();
    assertEquals(200, number(json, "offeredPerSec"), 200 * 0.05);
    assertEquals(200, number(json, "achievedPerSec"), 200 * 0.10);
    assertEquals(0, number(json, "undelivered"));
    Map<String, Object> latency = map(json, "latencyMs");
    assertEquals(400, number(latency, "count"), 400 * 0.10);
    assertTrue(number(latency, "p50") > 0);
  }

  @Test
  void connectionsOpensIdleSocketsSeveralPerUserAndReadsTheServersMemory() {
    long self = ProcessHandle.current().pid(); // the server runs in this JVM
    Run run =
        bench(
            "connections",
            "--count",
            "300",
            "--per-user",
            "3",
            "--settle",
            "200ms",
            "--server-pid",
            Long.toString(self));
    assertEquals(0, run.exit(), run.out() + run.err());
    Map<String, Object> json = run.json();
    Map<String, Object> connect = map(json, "connect");
    assertEquals(300.0, number(connect, "connected"));
    assertEquals(0.0, number(connect, "failed"));
    assertEquals(300.0, number(json, "openAfterSettle"));
    assertTrue(number(json, "handshakesPerSec") > 0);
    Map<String, Object> memory = map(json, "serverMemory");
    assertTrue(number(memory, "rssAfterMiB") > 0);
    assertTrue(map(json, "cpuPercent").containsKey("server"));
  }

  @Test
  void presenceSeesEveryNewcomerAtEveryObserver() {
    Run run =
        bench(
            "presence",
            "--observers",
            "20",
            "--churn",
            "10/s",
            "--duration",
            "1500ms",
            "--lifetime",
            "300ms");
    assertEquals(0, run.exit(), run.out() + run.err());
    Map<String, Object> json = run.json();
    Map<String, Object> receipts = map(json, "onlineReceipts");
    assertEquals(15 * 20.0, number(receipts, "expected"));
    assertEquals(number(receipts, "expected"), number(receipts, "received"));
    assertEquals(0.0, number(receipts, "missing"));
    assertEquals(
        15 * 20.0,
        number(json, "offlineReceipts"),
        "every newcomer left again, seen by every observer");
    assertEquals(15 * 20.0, number(map(json, "onlineLatencyMs"), "count"));
  }

  @Test
  void aWrongSecretIsReportedAsRefusedConnectsNotHiddenWithWhichSecretWasUsed() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit =
        cli.execute(
            "bench",
            "throughput",
            "--pairs",
            "2",
            "--duration",
            "1s",
            "--url=" + server.url(),
            "--secret=not-the-secret",
            "--json");
    assertEquals(1, exit, "refused by the server: exit 1 as the README says; " + out);
    assertTrue(
        err.toString().contains("the token was signed with NEXTAUTH_SECRET"), err.toString());
    Map<String, Object> json = BenchResult.parse(out.toString().strip());
    assertEquals(4.0, number(json, "errorCount"));
    assertTrue(json.get("failure").toString().contains("only 0 of 4"), json.toString());
    assertTrue(
        map(json, "errors").keySet().stream().anyMatch(k -> k.startsWith("connect refused")),
        json.toString());
  }

  @Test
  void aServerThatIsNotThereEndsTheRunQuicklyWithExit3() {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    int exit =
        cli.execute(
            "bench",
            "connections",
            "--count",
            "5",
            "--url=http://127.0.0.1:1",
            "--secret=x",
            "--settle",
            "0s");
    assertEquals(3, exit, out.toString());
    assertTrue(out.toString().contains("connect failed"), out.toString());
  }

  @Test
  void theTableHasLabelsAndUnitsNotJsonKeysAndOnePrecision() {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    int exit =
        cli.execute(
            "bench",
            "throughput",
            "--pairs",
            "2",
            "--window",
            "2",
            "--warmup",
            "200ms",
            "--duration",
            "1s",
            "--url=" + server.url(),
            "--secret=" + TestServer.SECRET);
    String table = out.toString();
    assertEquals(0, exit, table);
    assertTrue(table.contains("delivered ") && table.contains(" msgs/s"), table);
    assertTrue(
        table.matches(
            "(?s).*latency, send to receive +p50 [0-9.,]+ +p90 .* ms \\(mean [0-9.,]+, [0-9,]+ samples\\).*"),
        table);
    assertTrue(table.contains("errors                      none"), table);
    for (String key :
        new String[] {"deliveredPerSec", "latencyMs", "warmupS", "null", "postgres 0"}) {
      assertTrue(!table.contains(key), key + " in\n" + table);
    }
  }

  @Test
  void aFailedRunSaysSoWithoutEmptyNumbersAndExits1() {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    int exit =
        cli.execute(
            "bench",
            "latency",
            "--pairs",
            "1",
            "--duration",
            "1s",
            "--url=" + server.url(),
            "--secret=wrong");
    String table = out.toString();
    assertEquals(1, exit, table);
    assertTrue(table.contains("FAILED"), table);
    assertTrue(table.contains("no samples") && !table.contains("null"), table);
    assertTrue(table.contains("connect refused TOKEN_INVALID x2"), table);
  }

  @Test
  void numbersFollowOnePrecisionRule() {
    assertEquals("1,234", BenchTable.number(1234.4));
    assertEquals("123", BenchTable.number(123.4));
    assertEquals("12.3", BenchTable.number(12.34));
    assertEquals("1.23", BenchTable.number(1.234));
    assertEquals("0.01", BenchTable.number(0.012));
    assertEquals("31,570", BenchTable.number(31570L));
    assertEquals("-", BenchTable.number(null));
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertEquals(2, bench("presence", "--churn", "lots").exit());
    assertEquals(2, bench("throughput", "--duration", "0s").exit());
    assertEquals(2, bench("throughput", "--pairs", "0").exit());
  }
}
