package dev.chatctl.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.engineio.EngineOptions;
import dev.chatctl.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection hygiene seen from raw TCP clients: slow headers, idle connections and trickled bodies
 * are closed by the server, while long-polls and WebSockets outlive those timeouts; connections
 * over the per-address and total caps are refused, and the server serves normally afterwards.
 */
class ConnectionHygieneTest {
  private static final Duration SHORT = Duration.ofSeconds(1);

  /**
   * A server whose HTTP timeouts are one second (two for bodies) and whose pings come every 3 s.
   */
  private static TestServer quickTimeouts(Path dir) {
    return TestServer.h2(
        dir,
        c ->
            c.withHttp(c.http().withTimeouts(SHORT, SHORT, Duration.ofSeconds(2)))
                .withEngine(
                    EngineOptions.defaults()
                        .withPing(Duration.ofSeconds(3), Duration.ofSeconds(2))));
  }

  @Test
  void slowHeadersAndIdleConnectionsAreClosedAndTheServerStillServes(@TempDir Path dir)
      throws Exception {
    try (TestServer server = quickTimeouts(dir);
        RawHttp slowloris = new RawHttp(server.port());
        RawHttp idle = new RawHttp(server.port())) {
      // a header byte every 100 ms: always busy, never done
      String request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(200);
      boolean closed = false;
      long start = System.nanoTime();
      for (int i = 0; i < request.length() && !closed; i++) {
        try {
          slowloris.send(request.substring(i, i + 1));
        } catch (IOException e) {
          closed = true; // the server already closed it
          break;
        }
        closed = slowloris.closedWithin(100);
      }
      assertTrue(closed, "a request whose headers never end is closed");
      assertTrue(
          Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(8)) < 0,
          "closed within the headers timeout (plus the idle one)");
      assertTrue(idle.closedWithin(5_000), "a connection that sends nothing is closed");

      try (RawHttp normal = new RawHttp(server.port())) {
        assertEquals("200 {\"status\":\"ok\"}", normal.get("/healthz"));
      }
    }
  }

  @Test
  void aTrickledBodyIsClosed(@TempDir Path dir) throws Exception {
    try (TestServer server = quickTimeouts(dir);
        RawHttp slow = new RawHttp(server.port())) {
      String open = new RawHttp(server.port()).get("/socket.io/?EIO=4&transport=polling");
      String sid =
          open.substring(
              open.indexOf("\"sid\":\"") + 7, open.indexOf("\",", open.indexOf("\"sid\":\"")));
      slow.send(
          "POST /socket.io/?EIO=4&transport=polling&sid="
              + sid
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n40");
      assertTrue(
          slow.closedWithin(6_000),
          "a body that stops short of its length is closed after the request timeout");
    }
  }

  @Test
  void longPollsAndWebSocketsOutliveTheTimeouts(@TempDir Path dir) throws Exception {
    try (TestServer server = quickTimeouts(dir);
        RawHttp polling = new RawHttp(server.port())) {
      String open = polling.get("/socket.io/?EIO=4&transport=polling");
      assertTrue(open.startsWith("200 0{"), open);
      String sid =
          open.substring(
              open.indexOf("\"sid\":\"") + 7, open.indexOf("\",", open.indexOf("\"sid\":\"")));
      // nothing to send until the ping, 3 s later: three idle timeouts' worth of waiting
      assertEquals("200 2", polling.get("/socket.io/?EIO=4&transport=polling&sid=" + sid));

      RawHttp ws = new RawHttp(server.port());
      assertTrue(ws.upgrade("/socket.io/?EIO=4&transport=websocket").startsWith("HTTP/1.1 101"));
      assertTrue(ws.frameText().startsWith("0{"), "the Engine.IO open packet");
      assertEquals(
          "2", ws.frameText(), "the ping 3 s later: the WebSocket was not cut by the 1 s timeouts");
      ws.close();
    }
  }

  @Test
  void connectionsOverTheCapsAreRefusedAndTheServerStillServes(@TempDir Path dir) throws Exception {
    try (TestServer perAddress =
        TestServer.h2(
            dir.resolve("a"), c -> c.withHttp(c.http().withMaxConnections(1000, 4, true)))) {
      assertCapHolds(perAddress, 4);
    }
    try (TestServer total =
        TestServer.h2(dir.resolve("b"), c -> c.withHttp(c.http().withMaxConnections(6, 0, true)))) {
      assertCapHolds(total, 6);
      assertTrue(
          total.server().metrics().scrape().contains("chatctl_http_refused_total"),
          "refusals are counted in /metrics");
    }
  }

  /**
   * {@code cap} idle connections are admitted, the next one gets a 503 (or a reset), and a freed
   * slot is reused.
   */
  private static void assertCapHolds(TestServer server, int cap) throws Exception {
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < cap; i++) {
        held.add(new RawHttp(server.port()));
      }
      assertEquals(
          "200 {\"status\":\"ok\"}",
          held.get(0).get("/healthz"),
          "the admitted connections are served");
      try (RawHttp extra = new RawHttp(server.port())) {
        String head = extra.head();
        assertTrue(
            head == null || head.startsWith("HTTP/1.1 503"),
            "connection " + (cap + 1) + " is refused: " + head);
      }
      held.remove(0).close();
      String answer = null;
      for (int attempt = 0;
          attempt < 50 && (answer == null || answer.startsWith("503"));
          attempt++) {
        Thread.sleep(100); // until the server has seen the close
        try (RawHttp again = new RawHttp(server.port())) {
          answer = again.get("/healthz");
        } catch (IOException e) {
          answer = null; // refused with a reset
        }
      }
      assertEquals("200 {\"status\":\"ok\"}", answer, "a freed slot is taken by the next client");
    } finally {
      for (RawHttp c : held) {
        c.close();
      }
    }
  }
}
