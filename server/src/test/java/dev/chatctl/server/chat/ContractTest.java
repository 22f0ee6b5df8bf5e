package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole wire contract (PROTOCOL.md: transports, authentication, every event and error code,
 * presence, origins, HTTP) checked with the real socket.io-client against a server in-process,
 * by {@code server/src/test/node/contract.mjs} (the same script passes against the reference
 * Node.js peer).
 */
class ContractTest {

  @Test
  void contractHoldsOnTheEmbeddedDatabase(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.h2(dir)) {
      run(server);
    }
  }

  @Test
  void contractHoldsOnPostgres(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.postgres(dir)) {
      run(server);
    }
  }

  private static void run(TestServer server) throws Exception {
    NodeScript.Result result =
        NodeScript.run(
            "contract.mjs", 300, "--url", server.url(), "--secret", TestServer.SECRET, "--origin-allowed", TestServer.ALLOWED_ORIGIN);
    System.out.println(result.stdout());
    assertTrue(result.ok(), result::toString);
  }
}
