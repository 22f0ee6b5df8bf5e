package dev.chatctl.server.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.server.engineio.EngineIoServer;
import dev.chatctl.server.engineio.EngineOptions;
import dev.chatctl.server.http.HandshakeRequest;
import dev.chatctl.server.engineio.RawWebSocket;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Socket.IO state of one connection ({@link SocketIoClient}), over raw WebSockets: CONNECT
 * per namespace and its refusals, the CONNECT timeout, and disconnects from either side.
 */
class SocketIoClientTest {
  private Undertow undertow;
  private int port;
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  /** Admits unless the auth says "refuse" or "drop"; "bye" disconnects, "echo" echoes. */
  private final class App implements NamespaceHandler {
    @Override
    public CompletionStage<Admission> admit(HandshakeRequest request, JsonNode auth) {
      Admission admission =
          auth.has("refuse") ? Admission.Refused.of("refused", auth.get("refuse"))
              : auth.has("drop") ? new Admission.Dropped()
              : new Admission.Accepted(auth);
      return CompletableFuture.completedFuture(admission);
    }

    @Override
    public void onConnect(Socket socket) {
      events.add("connect " + socket.namespace());
    }

    @Override
    public void onEvent(Socket socket, String event, List<JsonNode> args, Ack ack) {
      if (event.equals("bye")) {
        socket.emit("bye-back");
        socket.disconnect(true);
      } else {
        socket.emit(event, args.toArray());
      }
    }

    @Override
    public void onDisconnect(Socket socket, String reason) {
      events.add("disconnect " + socket.namespace() + " " + reason);
    }
  }

  private void start(Duration connectTimeout) {
    SocketIoServer socketIo = new SocketIoServer(connectTimeout).mount("/", new App()).mount("/custom", new App());
    EngineIoServer engine = new EngineIoServer(EngineOptions.defaults(), socketIo);
    undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(Handlers.path().addPrefixPath("/socket.io/", engine))
            .build();
    undertow.start();
    port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  @AfterEach
  void stop() {
    undertow.stop();
  }

  private RawWebSocket open() throws IOException {
    RawWebSocket ws = RawWebSocket.open(port, "EIO=4&transport=websocket");
    assertTrue(ws.nextText().startsWith("0{"));
    return ws;
  }

  private String event() throws InterruptedException {
    return events.poll(5, TimeUnit.SECONDS);
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
