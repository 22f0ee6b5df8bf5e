package dev.chatctl.server.auth;

import dev.chatctl.server.testing.NodeChecks;
import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.TestServer;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens minted by the real jsonwebtoken, next-auth and @auth/core packages, presented by the real
 * socket.io-client through every source (auth payload, header, query, cookie, chunked cookie), over
 * polling-then-upgrade and websocket: each kind connects as its user, each bad one gets the right
 * code, and a 2-second session token is ended with auth:expired at its exp. Each check of the
 * script ({@code session-e2e.mjs}) is a test of its own.
 */
class SessionTokensE2ETest {

  @TestFactory
  Stream<DynamicTest> realSessionTokensThroughEverySource(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.h2(dir)) {
      NodeScript.Result result =
          NodeScript.run(
              "session-e2e.mjs", 180, "--url", server.url(), "--secret", TestServer.SECRET);
      System.out.println(result.stdout());
      return NodeChecks.of("session-e2e.mjs", result);
    }
  }
}
