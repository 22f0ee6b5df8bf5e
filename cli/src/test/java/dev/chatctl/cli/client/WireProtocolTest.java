package dev.chatctl.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client's frames, checked one by one against a server scripted by the test. */
class WireProtocolTest {
  private static final Backoff QUICK =
      new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), 0.5);
  private static final String MESSAGE =
      "{\"id\":\"m1\",\"senderId\":\"bob\",\"recipientId\":\"alice\",\"content\":\"hi\",\"sessionId\":null,\"clientMessageId\":null,\"createdAt\":\"2026-01-01T00:00:00.000Z\"}";

  static ChatClient client(ScriptedServer server, Recorder events) {
    return new ChatClient(
        ClientOptions.of(server.url(), "t1")
            .withBackoff(QUICK)
            .withConnectTimeout(Duration.ofSeconds(10)),
        events);
  }

  @Test
  void connectsWithTheTokenAnswersPingsAndNumbersAcks() throws Exception {
    try (ScriptedServer server = new ScriptedServer(ScriptedServer.open(60_000, 60_000));
        ChatClient client = client(server, new Recorder("alice"))) {
      CompletableFuture<SocketClient.Connected> connected = client.connect();
      ScriptedServer.Connection c = server.accept();
      assertEquals("40{\"token\":\"t1\"}", c.next(), "CONNECT with the auth payload");
      c.send("40{\"sid\":\"s1\",\"pid\":\"p1\"}");
      SocketClient.Connected answer = connected.get(10, TimeUnit.SECONDS);
      assertEquals("s1", answer.sid());
      assertEquals("p1", answer.pid());
      assertFalse(answer.recovered());

      c.send("2");
      assertEquals("3", c.next(), "a PING is answered with a PONG");

      CompletableFuture<List<String>> first = client.onlineUsers();
      assertEquals("420[\"status:request\"]", c.next());
      CompletableFuture<List<String>> second = client.onlineUsers();
      assertEquals("421[\"status:request\"]", c.next());
      c.send("431[[\"b\"]]");
      c.send("430[[\"a\"]]");
      assertEquals(List.of("a"), first.get(10, TimeUnit.SECONDS));
      assertEquals(List.of("b"), second.get(10, TimeUnit.SECONDS));

      client.send(new ChatClient.Outgoing("bob", "yo", null, "c1"));
      assertEquals(
          "42[\"message:send\",{\"recipientId\":\"bob\",\"content\":\"yo\",\"clientMessageId\":\"c1\"}]",
          c.next());

      client.socket().disconnect();
      assertEquals("41", c.next(), "leaving sends DISCONNECT");
    }
  }

  @Test
  void reconnectsWithPidAndLastOffsetAndKnowsWhenRecovered() throws Exception {
    try (ScriptedServer server = new ScriptedServer(ScriptedServer.open(60_000, 60_000))) {
      Recorder events = new Recorder("alice");
      try (ChatClient client = client(server, events)) {
        client.connect();
        ScriptedServer.Connection c1 = server.accept();
        c1.next();
        c1.send("40{\"sid\":\"s1\",\"pid\":\"p1\"}");
        c1.send("42[\"message:receive\"," + MESSAGE + ",\"17\"]");
        assertEquals("17", events.await(ChatEvent.Received.class).offset());
        c1.close();

        ScriptedServer.Connection c2 = server.accept();
        assertEquals(
            "40{\"token\":\"t1\",\"pid\":\"p1\",\"offset\":\"17\"}",
            c2.next(),
            "recovery asks for what followed offset 17");
        c2.send("40{\"sid\":\"s2\",\"pid\":\"p1\"}");
        assertTrue(
            events.await(ChatEvent.Connected.class, ChatEvent.Connected::reconnect).recovered(),
            "same pid: recovered");
        c2.close();

        ScriptedServer.Connection c3 = server.accept();
        assertEquals("40{\"token\":\"t1\",\"pid\":\"p1\",\"offset\":\"17\"}", c3.next());
        c3.send("40{\"sid\":\"s3\",\"pid\":\"p2\"}");
        events.await(ChatEvent.Connected.class, e -> e.sid().equals("s3") && !e.recovered());
        assertNull(client.socket().offset(), "a new session starts without an offset");
        c3.close();

        ScriptedServer.Connection c4 = server.accept();
        assertEquals("40{\"token\":\"t1\",\"pid\":\"p2\"}", c4.next());
      }
    }
  }

  @Test
  void noPingInTimeMeansTheConnectionIsGone() throws Exception {
    try (ScriptedServer server = new ScriptedServer(ScriptedServer.open(200, 200))) {
      Recorder events = new Recorder("alice");
      try (ChatClient client = client(server, events)) {
        client.connect();
        ScriptedServer.Connection c = server.accept();
        c.next();
        c.send("40{\"sid\":\"s1\",\"pid\":\"p1\"}");
        ChatEvent.Disconnected gone = events.await(ChatEvent.Disconnected.class);
        assertEquals("ping timeout", gone.reason());
        assertTrue(gone.willReconnect());
        assertEquals(
            "40{\"token\":\"t1\",\"pid\":\"p1\"}", server.accept().next(), "and it reconnects");
      }
    }
  }

  @Test
  void anInternalRefusalIsRetriedAnAuthRefusalIsFinal() throws Exception {
    try (ScriptedServer server = new ScriptedServer(ScriptedServer.open(60_000, 60_000))) {
      Recorder events = new Recorder("alice");
      try (ChatClient client = client(server, events)) {
        client.connect();
        ScriptedServer.Connection c1 = server.accept();
        c1.next();
        c1.send("40{\"sid\":\"s1\",\"pid\":\"p1\"}");
        c1.close();

        ScriptedServer.Connection c2 = server.accept();
        c2.next();
        c2.send("44{\"message\":\"Internal error\",\"data\":{\"code\":\"INTERNAL\"}}");
        assertTrue(
            events
                .await(ChatEvent.ConnectFailed.class, f -> "INTERNAL".equals(f.error().code()))
                .willRetry());

        ScriptedServer.Connection c3 = server.accept();
        c3.next();
        c3.send("44{\"message\":\"Authentication error\",\"data\":{\"code\":\"TOKEN_EXPIRED\"}}");
        ChatEvent.ConnectFailed last =
            events.await(
                ChatEvent.ConnectFailed.class, f -> "TOKEN_EXPIRED".equals(f.error().code()));
        assertFalse(last.willRetry());
        ClientException why = client.socket().terminated().get(10, TimeUnit.SECONDS);
        assertEquals(ClientException.Kind.REFUSED, why.kind());
        assertEquals("TOKEN_EXPIRED", why.code());
      }
    }
  }

  @Test
  void theServersDisconnectIsFinal() throws Exception {
    try (ScriptedServer server = new ScriptedServer(ScriptedServer.open(60_000, 60_000))) {
      Recorder events = new Recorder("alice");
      try (ChatClient client = client(server, events)) {
        client.connect();
        ScriptedServer.Connection c = server.accept();
        c.next();
        c.send("40{\"sid\":\"s1\",\"pid\":\"p1\"}");
        c.send("41");
        ChatEvent.Disconnected d = events.await(ChatEvent.Disconnected.class);
        assertEquals("io server disconnect", d.reason());
        assertFalse(d.willReconnect());
        assertEquals(
            ClientException.Kind.CLOSED,
            client.socket().terminated().get(10, TimeUnit.SECONDS).kind());
      }
    }
  }
}
