package dev.chatctl.server.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.protocol.Json;
import dev.chatctl.server.engineio.RawWebSocket;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Socket.IO state of one connection ({@link SocketIoClient}), over raw WebSockets: CONNECT per
 * namespace and its refusals, the CONNECT timeout, and disconnects from either side.
 */
class SocketIoClientTest {
  private SocketIoTestServer server;
  private int port;

  private void start(Duration connectTimeout) {
    server = new SocketIoTestServer(connectTimeout);
    port = server.port;
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RawWebSocket open() throws IOException {
    RawWebSocket ws = RawWebSocket.open(port, "EIO=4&transport=websocket");
    assertTrue(ws.nextText().startsWith("0{"));
    return ws;
  }

  private String event() throws InterruptedException {
    return server.event();
  }

  private static String sid(String answer, String prefix) throws IOException {
    assertTrue(answer.startsWith(prefix), answer);
    return Json.MAPPER.readTree(answer.substring(prefix.length())).get("sid").asText();
  }

  @Test
  void eachNamespaceConnectedAnswersWithItsOwnSid() throws Exception {
    start(SocketIoServer.DEFAULT_CONNECT_TIMEOUT);
    try (RawWebSocket ws = open()) {
      ws.text("40");
      String main = sid(ws.nextText(), "40");
      assertEquals("connect /", event());
      ws.text("40/custom,");
      String custom = sid(ws.nextText(), "40/custom,");
      assertEquals("connect /custom", event());
      assertNotEquals(main, custom);
      ws.text("42/custom,[\"echo\",1]");
      assertEquals("42/custom,[\"echo\",1]", ws.nextText());
    }
  }

  @Test
  void anUnknownNamespaceIsRefusedAndTheConnectionStays() throws Exception {
    start(SocketIoServer.DEFAULT_CONNECT_TIMEOUT);
    try (RawWebSocket ws = open()) {
      ws.text("40/nope,");
      assertEquals("44/nope,{\"message\":\"Invalid namespace\"}", ws.nextText());
      ws.text("40");
      sid(ws.nextText(), "40");
    }
  }

  @Test
  void aRefusalAnswersConnectErrorAndADropClosesTheConnection() throws Exception {
    start(SocketIoServer.DEFAULT_CONNECT_TIMEOUT);
    try (RawWebSocket ws = open()) {
      ws.text("40{\"refuse\":7}");
      assertEquals("44{\"message\":\"refused\",\"data\":7}", ws.nextText());
    }
    try (RawWebSocket ws = open()) {
      ws.text("40{\"drop\":true}");
      assertEquals(1000, ws.closeCode());
    }
  }

  @Test
  void aConnectionThatJoinsNoNamespaceIsClosedAfterTheConnectTimeout() throws Exception {
    start(Duration.ofMillis(300));
    try (RawWebSocket ws = open()) {
      assertEquals(1000, ws.closeCode());
    }
  }

  @Test
  void anEventBeforeConnectClosesTheConnectionAtOnce() throws Exception {
    start(SocketIoServer.DEFAULT_CONNECT_TIMEOUT); // 45 s: a close now is not the CONNECT timeout
    try (RawWebSocket ws = open()) {
      ws.text("42[\"echo\",1]");
      assertEquals(1000, ws.closeCode());
    }
    try (RawWebSocket ws = open()) {
      ws.text("40");
      sid(ws.nextText(), "40");
      ws.text("42/custom,[\"echo\",1]"); // a namespace it did not join
      assertEquals(1000, ws.closeCode());
    }
  }

  @Test
  void theClientsDisconnectEndsOnlyThatNamespace() throws Exception {
    start(SocketIoServer.DEFAULT_CONNECT_TIMEOUT);
    try (RawWebSocket ws = open()) {
      ws.text("40");
      sid(ws.nextText(), "40");
      ws.text("40/custom,");
      sid(ws.nextText(), "40/custom,");
      assertEquals("connect /", event());
      assertEquals("connect /custom", event());
      ws.text("41/custom,");
      assertEquals("disconnect /custom client namespace disconnect", event());
      ws.text("42[\"echo\",\"still\"]");
      assertEquals("42[\"echo\",\"still\"]", ws.nextText());
    }
  }

  @Test
  void theServersDisconnectSendsWhatCameBeforeThenDisconnectThenCloses() throws Exception {
    start(SocketIoServer.DEFAULT_CONNECT_TIMEOUT);
    try (RawWebSocket ws = open()) {
      ws.text("40");
      sid(ws.nextText(), "40");
      assertEquals("connect /", event());
      ws.text("42[\"bye\"]");
      assertEquals("42[\"bye-back\"]", ws.nextText());
      assertEquals("41", ws.nextText());
      assertEquals(1000, ws.closeCode());
      assertEquals("disconnect / server namespace disconnect", event());
    }
  }
}
