package dev.chatctl.server.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.engineio.RawPolling;
import dev.chatctl.server.engineio.RawWebSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server-side close reaches the client in every transport state, after the packets sent before it
 * (issue 13), seen by raw HTTP and WebSocket clients. The server's ping timeout is socket.io's 20
 * s: a client that learns of the close here learns it from the close itself.
 */
class ServerCloseTest {
  private static final String REJECTED = "49"; // a Socket.IO packet of no known type
  private static SocketIoTestServer server;

  @BeforeEach
  void start() {
    server = new SocketIoTestServer(SocketIoServer.DEFAULT_CONNECT_TIMEOUT);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String body(CompletableFuture<HttpResponse<String>> poll) throws Exception {
    HttpResponse<String> response = poll.get(5, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  /** A polling session connected to "/". */
  private static RawPolling connected() throws Exception {
    RawPolling client = RawPolling.open(server.port);
    assertEquals(200, client.post("40"));
    assertTrue(body(client.poll()).startsWith("40{"));
    assertEquals("connect /", server.event());
    return client;
  }

  /** Polls until a response is the CLOSE packet; returns every response. */
  private static List<String> pollUntilClose(
      RawPolling client, CompletableFuture<HttpResponse<String>> first) throws Exception {
    List<String> responses = new ArrayList<>(List.of(body(first)));
    while (!responses.getLast().equals("1") && responses.size() < 5) {
      responses.add(body(client.poll()));
    }
    return responses;
  }

  private static List<String> packets(List<String> responses) {
    return responses.stream().flatMap(r -> Arrays.stream(r.split("\u001e"))).toList();
  }

  @Test
  void overPollingWithAPendingPollThePacketsComeFirstAndTheCloseInAResponseOfItsOwn()
      throws Exception {
    RawPolling client = connected();
    CompletableFuture<HttpResponse<String>> held = client.poll();
    Thread.sleep(100);
    assertEquals(200, client.post("42[\"bye\"]"));
    List<String> responses = pollUntilClose(client, held);
    assertEquals(List.of("42[\"bye-back\"]", "41", "1"), packets(responses), responses.toString());
    assertEquals("1", responses.getLast(), "the CLOSE travels alone");
    assertEquals("disconnect / server namespace disconnect", server.event());
    assertEquals(400, client.poll().get(5, TimeUnit.SECONDS).statusCode(), "the session is over");
  }

  @Test
  void overPollingWithNoPendingPollTheNextPollTakesThePacketsAndTheOneAfterTheClose()
      throws Exception {
    RawPolling client = connected();
    assertEquals(200, client.post("42[\"bye\"]"));
    assertEquals("disconnect / server namespace disconnect", server.event());
    assertEquals("42[\"bye-back\"]\u001e41", body(client.poll()));
    assertEquals("1", body(client.poll()));
  }

  @Test
  void aCloseWhilePollingIsPausedForAnUpgradeLetsTheUpgradeThroughThenClosesTheWebSocket()
      throws Exception {
    RawPolling client = connected();
    try (RawWebSocket probe = RawWebSocket.open(server.port, client.probeQuery())) {
      CompletableFuture<HttpResponse<String>> held = client.poll();
      probe.text("2probe");
      assertEquals("3probe", probe.nextText());
      assertEquals("6", body(held), "the pending poll ends: the client pauses polling");
      assertEquals(200, client.post(REJECTED));
      assertEquals("disconnect / forced close", server.event());
      probe.text("5");
      assertEquals(1000, probe.closeCode(), "the client learns of the close on its new transport");
    }
  }

  @Test
  void packetsSentBeforeACloseDuringAnUpgradeGoOnTheWebSocketBeforeItCloses() throws Exception {
    RawPolling client = connected();
    try (RawWebSocket probe = RawWebSocket.open(server.port, client.probeQuery())) {
      CompletableFuture<HttpResponse<String>> held = client.poll();
      probe.text("2probe");
      assertEquals("3probe", probe.nextText());
      assertEquals("6", body(held));
      assertEquals(200, client.post("42[\"bye\"]"));
      assertEquals("disconnect / server namespace disconnect", server.event());
      probe.text("5");
      assertEquals("42[\"bye-back\"]", probe.nextText());
      assertEquals("41", probe.nextText());
      assertEquals(1000, probe.closeCode());
    }
  }

  @Test
  void aCloseDuringAnUpgradeAnswersTheNextPollWithClose() throws Exception {
    RawPolling client = connected();
    try (RawWebSocket probe = RawWebSocket.open(server.port, client.probeQuery())) {
      CompletableFuture<HttpResponse<String>> held = client.poll();
      probe.text("2probe");
      assertEquals("3probe", probe.nextText());
      assertEquals("6", body(held));
      assertEquals(200, client.post(REJECTED));
      assertEquals("disconnect / forced close", server.event());
      assertEquals("1", body(client.poll()));
    }
  }

  @Test
  void aCloseMidProbeAnswersThePendingPollWithClose() throws Exception {
    RawPolling client = connected();
    try (RawWebSocket probe = RawWebSocket.open(server.port, client.probeQuery())) {
      CompletableFuture<HttpResponse<String>> held =
          client.poll(); // no 2probe yet: polling goes on
      Thread.sleep(100);
      assertEquals(200, client.post(REJECTED));
      assertEquals("disconnect / forced close", server.event());
      List<String> responses = pollUntilClose(client, held);
      assertEquals("1", responses.getLast(), responses.toString());
    }
  }

  @Test
  void overWebSocketThePacketsComeFirstThenTheCloseFrame() throws Exception {
    try (RawWebSocket ws = RawWebSocket.open(server.port, "EIO=4&transport=websocket")) {
      assertTrue(ws.nextText().startsWith("0{"));
      ws.text("40");
      assertTrue(ws.nextText().startsWith("40{"));
      ws.text("42[\"bye\"]");
      assertEquals("42[\"bye-back\"]", ws.nextText());
      assertEquals("41", ws.nextText());
      assertEquals(1000, ws.closeCode());
    }
  }
}
