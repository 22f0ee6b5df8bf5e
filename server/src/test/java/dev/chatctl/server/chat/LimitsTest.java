package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROTOCOL.md "Limits" with the real socket.io-client ({@code server/src/test/node/limits.mjs}):
 * the per-user send rate, and one socket's flood not delaying another pair's messages.
 */
class LimitsTest {

  /** 5 sends a second, 10 at once: 40 at once get RATE_LIMITED beyond what the bucket holds. */
  @Test
  void sendsOverTheRateAreRefusedAndTheRestKeepTheirOrder(@TempDir Path dir) throws Exception {
    try (TestServer server =
        TestServer.h2(dir, c -> c.withLimits(c.limits().withMessageRate(5, 10)))) {
      run(server, "--check", "rate", "--burst", "10");
    }
  }

  /**
   * No rate limit: a 5,000-message flood from one socket, and a pair sending one at a time beside
   * it.
   */
  @Test
  void aFloodFromOneSocketDoesNotDelayAnotherPair(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.postgres(dir)) {
      run(server, "--check", "fairness", "--flood", "5000");
    }
  }

  private static void run(TestServer server, String... check) throws Exception {
    String[] args = new String[check.length + 4];
    System.arraycopy(
        new String[] {"--url", server.url(), "--secret", TestServer.SECRET}, 0, args, 0, 4);
    System.arraycopy(check, 0, args, 4, check.length);
    NodeScript.Result result = NodeScript.run("limits.mjs", 240, args);
    System.out.println(result.stdout());
    assertTrue(result.ok(), result::toString);
  }
}
