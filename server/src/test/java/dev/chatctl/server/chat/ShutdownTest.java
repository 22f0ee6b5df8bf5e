package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.store.Database;
import dev.chatctl.server.store.MessageStore;
import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the server while a client pipelines sends: what is in flight is stored and answered,
 * every message answered ok is stored, and nothing is stored that was not answered ok.
 */
class ShutdownTest {

  @Test
  void inFlightStoresFinishAndAreAnsweredBeforeTheSocketsClose(@TempDir Path dir) throws Exception {
    int n = 2000;
    TestServer server = TestServer.h2(dir);
    String output;
    try (NodeScript.Running client =
        NodeScript.start(
            "shutdown-client.mjs",
            Map.of(),
            server.url(),
            server.token("alice"),
            server.token("bob"),
            String.valueOf(n))) {
      assertNotNull(client.awaitLine("sending", 30), client::output);
      assertNotNull(client.awaitLine("ok ", 30), client::output); // some are stored: stop now
      server.close();
      assertNotNull(client.awaitLine("done", 30), client::output);
      Thread.sleep(100);
      output = client.output();
    }
    Set<String> ok = new HashSet<>();
    Arrays.stream(output.split("\n"))
        .filter(l -> l.startsWith("ok "))
        .forEach(l -> ok.add(l.split(" ")[1]));
    long answered =
        output.lines().filter(l -> l.startsWith("ok ") || l.startsWith("error ")).count();
    assertEquals(
        n,
        answered,
        () -> "every send is answered (stored, or refused while stopping):\n" + output);
    try (Database db = Database.open(server.database(), 2)) {
      int stored = MessageStore.count(db.dsl());
      assertEquals(
          ok.size(),
          stored,
          () ->
              "every message answered ok is stored, and only those:\n"
                  + output.lines().filter(l -> !l.startsWith("ok ")).limit(20).toList());
    }
    assertTrue(ok.size() > 0 && ok.size() <= n);
  }
}
