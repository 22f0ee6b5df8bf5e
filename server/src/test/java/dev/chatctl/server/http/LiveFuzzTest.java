package dev.chatctl.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.protocol.Fuzz;
import dev.chatctl.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The decoders' fuzz inputs ({@link Fuzz}) sent to a live server by an authenticated client, over
 * WebSocket (with random binary frames among them) and in polling bodies: after each try the server
 * still serves, and a well-behaved client still sends a message and gets its ack.
 */
class LiveFuzzTest {
  private static Path dir;
  private static TestServer server;

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("chatctl-live-fuzz");
    server = TestServer.h2(dir);
    connected("bob").close(); // bob is in the directory: sends to him are stored
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  @Provide
  Arbitrary<List<String>> engineFrames() {
    return Fuzz.frames(Fuzz.engineSeeds()).list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 100)
  void webSocketFramesNeverTakeTheServerDown(
      @ForAll("engineFrames") List<String> frames, @ForAll @Size(max = 2000) byte[] binary)
      throws Exception {
    try (RawHttp ws = connected("alice")) {
      for (String frame : frames) {
        ws.text(frame);
      }
      ws.frame(2, binary);
    } catch (IOException closedByTheServer) {
      // a refused packet closes the connection
    }
    assertAWellBehavedClientChats();
  }

  @Property(tries = 50)
  void pollingBodiesNeverTakeTheServerDown(@ForAll("engineFrames") List<String> bodies)
      throws Exception {
    try (RawHttp polling = new RawHttp(server.port())) {
      String open = polling.get("/socket.io/?EIO=4&transport=polling");
      String sid =
          open.substring(
              open.indexOf("\"sid\":\"") + 7, open.indexOf("\",", open.indexOf("\"sid\":\"")));
      String path = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
      assertEquals("200 ok", polling.post(path, "40{\"token\":\"" + server.token("alice") + "\"}"));
      for (String body : bodies) {
        String answer = polling.post(path, body);
        if (answer == null || !answer.startsWith("200")) {
          break; // refused: the session is closed
        }
      }
    } catch (IOException closedByTheServer) {
      // refused
    }
    assertAWellBehavedClientChats();
  }

  private static void assertAWellBehavedClientChats() throws IOException {
    try (RawHttp carol = connected("carol")) {
      carol.text("421[\"message:send\",{\"recipientId\":\"bob\",\"content\":\"still serving\"}]");
      String ack = carol.frameStartingWith("431");
      assertTrue(ack.contains("\"ok\":true") && ack.contains("still serving"), ack);
    }
  }

  /** A WebSocket joined to the main namespace as {@code user}. */
  private static RawHttp connected(String user) throws IOException {
    RawHttp ws = new RawHttp(server.port());
    assertTrue(ws.upgrade("/socket.io/?EIO=4&transport=websocket").startsWith("HTTP/1.1 101"));
    ws.frameStartingWith("0{");
    ws.text("40{\"token\":\"" + server.token(user) + "\"}");
    ws.frameStartingWith("40");
    return ws;
  }
}
