package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.testing.NodeChecks;
import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.RestartingServer;
import dev.chatctl.server.testing.TestDatabases;
import dev.chatctl.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROTOCOL.md "Delivery" (offline delivery, delivered once, receipts, connection state recovery,
 * history, conversations) checked with the real socket.io-client by {@code
 * server/src/test/node/delivery.mjs} against a server in-process (the same script passes against
 * the reference Node.js peer), on the embedded database and on PostgreSQL; plus the checks that
 * need the server restarted under the clients (offline delivery and recovery across a restart),
 * driven from here, and those that need a short RECOVERY_WINDOW. Each check of the script is a test
 * of its own.
 */
class DeliveryTest {

  @TestFactory
  Stream<DynamicTest> deliveryHoldsOnTheEmbeddedDatabase(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.h2(dir)) {
      return run(server);
    }
  }

  @TestFactory
  Stream<DynamicTest> deliveryHoldsOnPostgres(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.postgres(dir)) {
      return run(server);
    }
  }

  /**
   * RECOVERY_WINDOW 2 s: a pid not seen for longer starts a new session; one seen within it
   * recovers.
   */
  @TestFactory
  Stream<DynamicTest> recoveryWindowIsKept(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.h2(dir, c -> c.withRecoveryWindow(Duration.ofSeconds(2)))) {
      return run(server, "--only", "[window]", "--recovery-window-s", "2");
    }
  }

  /**
   * Offline messages and a recovery session outlive a restart (the same database, the same port).
   */
  @TestFactory
  Stream<DynamicTest> deliveryOutlivesARestartOnTheEmbeddedDatabase(@TempDir Path dir)
      throws Exception {
    return restarts(dir, null);
  }

  @TestFactory
  Stream<DynamicTest> deliveryOutlivesARestartOnPostgres(@TempDir Path dir) throws Exception {
    String url = TestDatabases.freshPostgresSchema();
    try {
      return restarts(dir, url);
    } finally {
      TestDatabases.dropSchema(url);
    }
  }

  private static Stream<DynamicTest> run(TestServer server, String... extra) throws Exception {
    String[] args = new String[4 + extra.length];
    args[0] = "--url";
    args[1] = server.url();
    args[2] = "--secret";
    args[3] = TestServer.SECRET;
    System.arraycopy(extra, 0, args, 4, extra.length);
    NodeScript.Result result = NodeScript.run("delivery.mjs", 300, args);
    System.out.println(result.stdout());
    return NodeChecks.of("delivery.mjs", result);
  }

  /** Runs the [restart] checks of delivery.mjs, restarting the server each time the script asks. */
  private static Stream<DynamicTest> restarts(Path dir, String databaseUrl) throws Exception {
    RestartingServer.Run run =
        RestartingServer.run(
            dir,
            databaseUrl,
            c -> c,
            Duration.ofSeconds(120),
            "delivery.mjs",
            "--secret",
            TestServer.SECRET,
            "--only",
            "[restart]",
            "--restart-via-stdio");
    return Stream.concat(
        NodeChecks.of("delivery.mjs", run.result()),
        Stream.of(
            DynamicTest.dynamicTest(
                "the [restart] checks asked for restarts",
                () ->
                    assertTrue(
                        run.restarts() >= 2,
                        "the [restart] checks asked for "
                            + run.restarts()
                            + " restarts\n"
                            + run.result()))));
  }
}
