package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.server.store.MessageStore;
import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's client example, exactly as the README shows it, run with the real socket.io-client
 * and its default transports: bob listens, alice sends, bob receives what alice was told is stored.
 */
class ReadmeExampleTest {

  @Test
  void theReadmeClientExampleWorksAsWritten(@TempDir Path dir) throws Exception {
    String example = extractExample();
    Path script = NodeScript.directory().resolve("readme-client.generated.mjs");
    Files.writeString(script, example, StandardCharsets.UTF_8);
    try (TestServer server = TestServer.h2(dir);
        NodeScript.Running bob =
            NodeScript.start(
                script.getFileName().toString(),
                Map.of("CHAT_URL", server.url(), "TOKEN", server.token("bob")))) {
      assertNotNull(bob.awaitLine("connected", 20), bob::output);
      try (NodeScript.Running alice =
          NodeScript.start(
              script.getFileName().toString(),
              Map.of(
                  "CHAT_URL",
                  server.url(),
                  "TOKEN",
                  server.token("alice"),
                  "TO",
                  "bob",
                  "TEXT",
                  "Hi Bob"))) {
        String sent = alice.awaitLine("sent ", 20);
        assertNotNull(sent, alice::output);
        String received = bob.awaitLine("received ", 20);
        assertNotNull(received, bob::output);
        JsonNode stored = Json.read(sent.substring("sent ".length()));
        JsonNode got = Json.read(received.substring("received ".length()));
        assertEquals(stored, got, "bob receives the message alice was told is stored");
        assertEquals("alice", got.get("senderId").asText());
        assertEquals("Hi Bob", got.get("content").asText());
        assertTrue(alice.output().contains("users:online"), alice::output);
        assertEquals(1, MessageStore.count(server.server().database().dsl()), "stored");
      }
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** The js block between the README's example:client markers. */
  static String extractExample() throws Exception {
    Path readme =
        Files.exists(Path.of("README.md")) ? Path.of("README.md") : Path.of("../README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile(
                "<!-- example:client -->\\s*```js\\n(.*?)```\\s*<!-- /example:client -->",
                Pattern.DOTALL)
            .matcher(text);
    assertTrue(m.find(), "README.md has the client example between its markers");
    return m.group(1);
  }
}
