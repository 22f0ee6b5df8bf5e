package dev.chatctl.server.engineio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.engineio.EngineSession.Phase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The state machine of {@link EngineSession}, driven by raw HTTP and WebSocket clients: handshake,
 * open (polling), upgrading, upgraded, closing, closed; the poll held for packets, the heartbeat,
 * and the closes from either side.
 */
class EngineSessionTest {
  private static EngineTestServer server;

  @BeforeAll
  static void start() {
    server = new EngineTestServer(EngineOptions.defaults());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void eventually(EngineSession session, Phase phase) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (session.phase() != phase && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(phase, session.phase());
  }

  static String body(CompletableFuture<HttpResponse<String>> poll) throws Exception {
    HttpResponse<String> response = poll.get(5, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  @Test
  void aPollingHandshakeOpensASession() throws Exception {
    RawPolling client = RawPolling.open(server.port);
    EngineTestServer.Opened opened = server.next();
    assertEquals(client.sid, opened.session.sid());
    assertEquals(Phase.OPEN, opened.session.phase());
  }

  @Test
  void aPollWaitsForPacketsAndTakesAllThatWait() throws Exception {
    RawPolling client = RawPolling.open(server.port);
    EngineTestServer.Opened opened = server.next();
    CompletableFuture<HttpResponse<String>> poll = client.poll();
    Thread.sleep(100);
    assertFalse(poll.isDone(), "a poll with nothing to take waits");
    opened.session.send("a");
    assertEquals("4a", body(poll));
    opened.session.send("b");
    opened.session.send("c");
    assertEquals("4b\u001e4c", body(client.poll()));
  }

  @Test
  void postedPacketsReachTheHandlerInOrder() throws Exception {
    RawPolling client = RawPolling.open(server.port);
    EngineTestServer.Opened opened = server.next();
    assertEquals(200, client.post("4x\u001e4y"));
    assertEquals("x", opened.messages.poll(5, TimeUnit.SECONDS));
    assertEquals("y", opened.messages.poll(5, TimeUnit.SECONDS));
  }

  /** Sends a chunked POST of these chunks on a raw connection; returns the status line. */
  private static String chunkedPost(String sid, byte[]... chunks) throws IOException {
    try (Socket tcp = new Socket("127.0.0.1", server.port)) {
      tcp.setSoTimeout(5000);
      OutputStream out = tcp.getOutputStream();
      out.write(
          ("POST /socket.io/?EIO=4&transport=polling&sid="
                  + sid
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Content-Type: text/plain;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      try {
        for (byte[] chunk : chunks) {
          out.write(
              (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before taking all of a refused body
      }
      return new BufferedReader(
              new InputStreamReader(tcp.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void aChunkedPostIsReadWholeWithinMaxPayloadAndRefusedWholeBeyondIt() throws Exception {
    RawPolling client = RawPolling.open(server.port);
    EngineTestServer.Opened opened = server.next();
    String ok =
        chunkedPost(
            client.sid,
            "4a\u001e".getBytes(StandardCharsets.UTF_8),
            "4b".getBytes(StandardCharsets.UTF_8));
    assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
    assertEquals("a", opened.messages.poll(5, TimeUnit.SECONDS));
    assertEquals("b", opened.messages.poll(5, TimeUnit.SECONDS));

    byte[][] chunks = new byte[21][];
    chunks[0] = "4first\u001e4".getBytes(StandardCharsets.UTF_8);
    for (int i = 1; i < chunks.length; i++) {
      chunks[i] = "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8); // 1.3 MB in all
    }
    String refused = chunkedPost(client.sid, chunks);
    assertTrue(refused.startsWith("HTTP/1.1 413"), refused);
    assertEquals("transport error", opened.reason());
    assertNull(
        opened.messages.poll(200, TimeUnit.MILLISECONDS),
        "nothing of the refused body is processed");
  }

  @Test
  void twoPollsAtOnceEndTheSession() throws Exception {
    RawPolling client = RawPolling.open(server.port);
    EngineTestServer.Opened opened = server.next();
    CompletableFuture<HttpResponse<String>> first = client.poll();
    Thread.sleep(100);
    assertEquals(400, client.poll().get(5, TimeUnit.SECONDS).statusCode());
    assertEquals("transport error", opened.reason());
    assertEquals("1", body(first));
    eventually(opened.session, Phase.CLOSED);
  }

  @Test
  void theClientsCloseEndsTheSessionAndItsPollGetsANoop() throws Exception {
    RawPolling client = RawPolling.open(server.port);
    EngineTestServer.Opened opened = server.next();
    CompletableFuture<HttpResponse<String>> poll = client.poll();
    Thread.sleep(100);
    assertEquals(200, client.post("1"));
    assertEquals("6", body(poll));
    assertEquals("transport close", opened.reason());
    eventually(opened.session, Phase.CLOSED);
    assertEquals(400, client.poll().get(5, TimeUnit.SECONDS).statusCode());
  }

  @Test
  void anUpgradeMovesTheSessionToTheWebSocket() throws Exception {
    RawPolling client = RawPolling.open(server.port);
    EngineTestServer.Opened opened = server.next();
    opened.session.send("before");
    try (RawWebSocket ws = RawWebSocket.open(server.port, client.probeQuery())) {
      eventually(opened.session, Phase.UPGRADING);
      assertEquals("4before", body(client.poll()));
      CompletableFuture<HttpResponse<String>> held = client.poll();
      ws.text("2probe");
      assertEquals("3probe", ws.nextText());
      assertEquals("6", body(held), "a NOOP ends the poll, so the client can pause polling");
      opened.session.send("during");
      ws.text("5");
      eventually(opened.session, Phase.UPGRADED);
      assertEquals("4during", ws.nextText(), "what waited for a poll goes on the WebSocket");
      opened.session.send("after");
      assertEquals("4after", ws.nextText());
      ws.text("4from-client");
      assertEquals("from-client", opened.messages.poll(5, TimeUnit.SECONDS));
      assertEquals(400, client.poll().get(5, TimeUnit.SECONDS).statusCode(), "polling is over");
    }
    assertEquals("transport close", opened.reason());
    eventually(opened.session, Phase.CLOSED);
  }

  @Test
  void aProbeThatNeverUpgradesIsDroppedAndPollingGoesOn() throws Exception {
    EngineOptions options =
        new EngineOptions(
            Duration.ofSeconds(25),
            Duration.ofSeconds(20),
            1_000_000,
            Duration.ofMillis(300),
            1 << 20);
    try (EngineTestServer quick = new EngineTestServer(options)) {
      RawPolling client = RawPolling.open(quick.port);
      EngineTestServer.Opened opened = quick.next();
      try (RawWebSocket ws = RawWebSocket.open(quick.port, client.probeQuery())) {
        eventually(opened.session, Phase.UPGRADING);
        assertEquals(-1, ws.closeCode(), "dropped after upgradeTimeout");
      }
      eventually(opened.session, Phase.OPEN);
      opened.session.send("still");
      assertEquals("4still", body(client.poll()));
    }
  }

  @Test
  void anUnansweredPingTimesTheSessionOutAndAnsweredOnesKeepItOpen() throws Exception {
    EngineOptions options =
        EngineOptions.defaults().withPing(Duration.ofMillis(200), Duration.ofMillis(300));
    try (EngineTestServer quick = new EngineTestServer(options)) {
      RawPolling answering = RawPolling.open(quick.port);
      EngineTestServer.Opened kept = quick.next();
      RawPolling silent = RawPolling.open(quick.port);
      EngineTestServer.Opened dropped = quick.next();
      assertEquals("2", body(silent.poll()));
      for (int i = 0; i < 3; i++) {
        assertEquals("2", body(answering.poll()));
        assertEquals(200, answering.post("3"));
      }
      assertEquals("ping timeout", dropped.reason());
      eventually(dropped.session, Phase.CLOSED);
      assertEquals(400, silent.poll().get(5, TimeUnit.SECONDS).statusCode());
      assertEquals(Phase.OPEN, kept.session.phase());
    }
  }

  @Test
  void aWebSocketSessionIsUpgradedFromTheStartAndClosesAfterWhatWasSent() throws Exception {
    try (RawWebSocket ws = RawWebSocket.open(server.port, "EIO=4&transport=websocket")) {
      String open = ws.nextText();
      assertTrue(open.startsWith("0{") && open.contains("\"upgrades\":[]"), open);
      EngineTestServer.Opened opened = server.next();
      assertEquals(Phase.UPGRADED, opened.session.phase());
      opened.session.send("last");
      opened.session.close();
      assertEquals("4last", ws.nextText());
      assertEquals(1000, ws.closeCode());
      assertEquals("forced close", opened.reason());
      assertEquals(Phase.CLOSED, opened.session.phase());
    }
  }

  @Test
  void aClientThatStopsPollingIsDroppedOnceMoreThanTheBufferCapWaitsForIt() throws Exception {
    EngineOptions d = EngineOptions.defaults();
    EngineOptions small =
        new EngineOptions(
            d.pingInterval(), d.pingTimeout(), d.maxPayload(), d.upgradeTimeout(), 64 * 1024);
    try (EngineTestServer capped = new EngineTestServer(small)) {
      RawPolling client = RawPolling.open(capped.port);
      EngineTestServer.Opened opened = capped.next();
      String chunk = "x".repeat(1000);
      for (int i = 0; i < 30; i++) {
        opened.session.send(chunk); // 30 KB: under the cap, kept for the next poll
      }
      assertFalse(opened.closed.isDone(), "under the cap the session stays");
      assertEquals(30, body(client.poll()).split("\u001e").length, "a poll takes all that waited");
      for (int i = 0; i < 100 && !opened.closed.isDone(); i++) {
        opened.session.send(chunk); // no poll comes: past 64 KB the client is dropped
      }
      assertEquals("transport error", opened.reason());
      // a poll after the drop gets at most what was sent after it (under the cap), then CLOSE
      int kept = 0;
      String last = "";
      for (int polls = 0; polls < 3 && !last.equals("1"); polls++) {
        last = body(client.poll());
        kept += last.equals("1") ? 0 : last.split("\u001e").length;
      }
      assertEquals("1", last, "the client learns of the close");
      assertTrue(
          kept < 64, "what was dropped is not sent: " + kept + " messages came after the drop");
    }
  }
}
