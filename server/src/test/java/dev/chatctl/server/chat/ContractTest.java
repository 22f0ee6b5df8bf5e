package dev.chatctl.server.chat;

import dev.chatctl.server.testing.NodeChecks;
import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.TestServer;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole wire contract (PROTOCOL.md: transports, authentication, every event and error code,
 * presence, origins, HTTP) checked with the real socket.io-client against a server in-process, by
 * {@code server/src/test/node/contract.mjs} (the same script passes against the reference Node.js
 * peer). Each check of the script is a test of its own.
 */
class ContractTest {

  @TestFactory
  Stream<DynamicTest> contractHoldsOnTheEmbeddedDatabase(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.h2(dir)) {
      return run(server);
    }
  }

  @TestFactory
  Stream<DynamicTest> contractHoldsOnPostgres(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.postgres(dir)) {
      return run(server);
    }
  }

  private static Stream<DynamicTest> run(TestServer server) throws Exception {
    NodeScript.Result result =
        NodeScript.run(
            "contract.mjs",
            300,
            "--url",
            server.url(),
            "--secret",
            TestServer.SECRET,
            "--origin-allowed",
            TestServer.ALLOWED_ORIGIN);
    System.out.println(result.stdout());
    return NodeChecks.of("contract.mjs", result);
  }
}
