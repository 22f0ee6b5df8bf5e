package dev.chatctl.server.chat;

import dev.chatctl.server.testing.NodeChecks;
import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.ServeMain;
import dev.chatctl.server.testing.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 test of PROTOCOL.md "Delivery", by {@code server/src/test/node/crash.mjs}: a real
 * server process is killed with SIGKILL twice while two senders keep sending with clientMessageIds
 * and retry; after the restarts the recipient (recovering its session) must have every message that
 * a message:sent or an ack confirmed, exactly once, in per-sender order.
 *
 * <p>Each check of the script is a test of its own. A third factory does the same with SIGTERM, a
 * clean stop.
 *
 * <p>The server process is {@code chatctl serve} as {@link ServeMain} runs it from the test
 * classpath (the code under test, no built jar needed). To run the real launcher instead, give its
 * path in the system property {@code chatctl.launcher} or the environment variable {@code
 * CHATCTL_LAUNCHER} (e.g. the repository's {@code ./chatctl}, which builds cli/target/chatctl.jar
 * when it is missing or stale).
 */
class CrashTest {

  @TestFactory
  Stream<DynamicTest> killNineLosesNothingOnTheEmbeddedDatabase(@TempDir Path dir)
      throws Exception {
    return run(dir, null, "KILL");
  }

  @TestFactory
  Stream<DynamicTest> killNineLosesNothingOnPostgres(@TempDir Path dir) throws Exception {
    String url = TestDatabases.freshPostgresSchema();
    try {
      return run(dir, url, "KILL");
    } finally {
      TestDatabases.dropSchema(url);
    }
  }

  /**
   * The same with SIGTERM (a clean stop, as a deploy does) mid-stream: the clients must come back
   * by themselves and nothing confirmed may be lost.
   */
  @TestFactory
  Stream<DynamicTest> gracefulStopMidStreamLosesNothingOnTheEmbeddedDatabase(@TempDir Path dir)
      throws Exception {
    return run(dir, null, "TERM");
  }

  private static Stream<DynamicTest> run(Path dir, String databaseUrl, String signal)
      throws Exception {
    String launcher = System.getProperty("chatctl.launcher", System.getenv("CHATCTL_LAUNCHER"));
    if (launcher == null || launcher.isBlank()) {
      launcher = ServeMain.launcher(dir).toString();
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "--chatctl",
                launcher,
                "--workdir",
                dir.toString(),
                "--signal",
                signal,
                "--runs",
                "1",
                "--kills",
                "2",
                "--senders",
                "2",
                "--messages",
                "1000",
                "--settle-timeout-ms",
                "15000"));
    if (databaseUrl != null) {
      args.addAll(List.of("--database-url", databaseUrl));
    }
    NodeScript.Result result = NodeScript.run("crash.mjs", 300, args.toArray(String[]::new));
    System.out.println(result.stdout());
    return NodeChecks.of("crash.mjs", result);
  }
}
