package dev.chatctl.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.protocol.auth.TokenMinter;
import dev.chatctl.protocol.chat.Answers;
import dev.chatctl.protocol.chat.DirectoryEntry;
import dev.chatctl.protocol.chat.Message;
import dev.chatctl.server.engineio.EngineOptions;
import dev.chatctl.server.testing.TcpProxy;
import dev.chatctl.server.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client library against a whole server in-process. */
class ChatClientTest {
  private static final AtomicInteger USERS = new AtomicInteger();
  private static final Backoff QUICK =
      new Backoff(Duration.ofMillis(50), Duration.ofMillis(300), 0.5);

  @TempDir static Path sharedDir;
  static TestServer shared;

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void start() {
    shared = TestServer.h2(sharedDir);
  }

  @AfterAll
  static void stop() {
    shared.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  /** A user id no other test uses, so presence events of other tests do not interfere. */
  static String user(String name) {
    return name + "-" + USERS.incrementAndGet();
  }

  ClientOptions options(String url, String token) {
    return ClientOptions.of(url, token)
        .withBackoff(QUICK)
        .withConnectTimeout(Duration.ofSeconds(10));
  }

  ChatClient client(String url, String token, Recorder recorder) {
    ChatClient client = new ChatClient(options(url, token), recorder);
    closeables.add(client);
    return client;
  }

  ChatClient connected(TestServer server, String url, String userId, Recorder recorder)
      throws Exception {
    ChatClient client = client(url, server.token(userId), recorder);
    client.connect().get(10, TimeUnit.SECONDS);
    return client;
  }

  static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(15, TimeUnit.SECONDS);
  }

  static ClientException failure(CompletableFuture<?> future) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(15, TimeUnit.SECONDS));
    return assertInstanceOfClientException(e.getCause());
  }

  static ClientException assertInstanceOfClientException(Throwable t) {
    assertTrue(t instanceof ClientException, "expected a ClientException, got " + t);
    return (ClientException) t;
  }

  // ------------------------------------------------------------------ basics

  @Test
  void sendsAndReceivesWithOffsetsAndReceipts() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Recorder bobEvents = new Recorder(bob);
    Recorder aliceEvents = new Recorder(alice);
    ChatClient b = connected(shared, shared.url(), bob, bobEvents);
    ChatClient a = connected(shared, shared.url(), alice, aliceEvents);
    assertNotNull(b.socket().pid(), "the CONNECT answer carries a pid");
    assertNotNull(b.socket().sid());

    Message stored =
        get(a.send(new ChatClient.Outgoing(bob, "  hello bob  ", "s-1", "cmid-1-" + alice)));
    assertEquals(alice, stored.senderId());
    assertEquals(bob, stored.recipientId());
    assertEquals("hello bob", stored.content(), "stored trimmed");
    assertEquals("s-1", stored.sessionId());
    assertEquals("cmid-1-" + alice, stored.clientMessageId());

    ChatEvent.Received received = bobEvents.await(ChatEvent.Received.class);
    assertEquals(stored, received.message());
    assertNotNull(received.offset(), "message:receive carries its offset");
    assertEquals(received.offset(), b.socket().offset(), "the client remembers the last offset");
    assertEquals(stored, aliceEvents.await(ChatEvent.Sent.class).message());
    ChatEvent.Delivered delivered = aliceEvents.await(ChatEvent.Delivered.class);
    assertEquals(List.of(stored.id()), delivered.receipt().messageIds());
    assertEquals(bob, delivered.receipt().recipientId());
    assertEquals(0, a.pendingSends());
  }

  @Test
  void refusedSendsFailWithTheirCode() throws Exception {
    String alice = user("alice");
    Recorder aliceEvents = new Recorder(alice);
    ChatClient a = connected(shared, shared.url(), alice, aliceEvents);

    ClientException unknown =
        failure(a.send(new ChatClient.Outgoing("nobody-" + alice, "hi", null, "cmid-x")));
    assertEquals(ClientException.Kind.REFUSED, unknown.kind());
    assertEquals("RECIPIENT_NOT_FOUND", unknown.code());
    assertEquals("cmid-x", aliceEvents.await(ChatEvent.SendFailed.class).error().clientMessageId());

    ClientException blank = failure(a.send(alice, " \n\t "));
    assertEquals("VALIDATION_FAILED", blank.code());
    assertEquals(0, a.pendingSends());
    assertTrue(a.socket().connected(), "a refusal leaves the connection open");
  }

  @Test
  void requestsAnsweredByAck() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Recorder aliceEvents = new Recorder(alice);
    Recorder bobEvents = new Recorder(bob);
    ChatClient b = connected(shared, shared.url(), bob, bobEvents);
    ChatClient a = connected(shared, shared.url(), alice, aliceEvents);

    List<String> online = get(a.onlineUsers());
    assertTrue(online.containsAll(List.of(alice, bob)), online.toString());

    List<DirectoryEntry> found = get(a.users(bob, 10));
    assertEquals(List.of(bob), found.stream().map(DirectoryEntry::id).toList());
    assertTrue(found.get(0).online());

    Message first = get(a.send(bob, "one"));
    Message second = get(a.send(bob, "two"));
    Answers.History page = get(b.history(alice, null, 10));
    assertEquals(alice, page.withUserId());
    assertEquals(
        List.of("one", "two"),
        page.messages().stream().map(m -> m.content()).toList(),
        "oldest first");
    assertFalse(page.hasMore());
    assertNull(page.messages().get(0).readAt());

    Answers.Conversation conversation =
        get(b.conversations()).stream()
            .filter(c -> c.userId().equals(alice))
            .findFirst()
            .orElseThrow();
    assertEquals(2, conversation.unreadCount());
    assertEquals(second.id(), conversation.lastMessage().id());

    assertEquals(
        List.of(first.id(), second.id()), get(b.markRead(List.of(first.id(), second.id()))));
    ChatEvent.Read read = aliceEvents.await(ChatEvent.Read.class);
    assertEquals(List.of(first.id(), second.id()), read.receipt().messageIds());
    assertEquals(bob, read.receipt().readerId());
    assertEquals(List.of(), get(b.markRead(List.of(first.id()))), "read once");
    assertEquals(
        0,
        get(b.conversations()).stream()
            .filter(c -> c.userId().equals(alice))
            .findFirst()
            .orElseThrow()
            .unreadCount());

    ClientException bad = failure(b.history(alice, "not-a-message", 10));
    assertEquals("VALIDATION_FAILED", bad.code());
  }

  @Test
  void presenceComesAndGoes() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Recorder aliceEvents = new Recorder(alice);
    connected(shared, shared.url(), alice, aliceEvents);
    ChatClient b = connected(shared, shared.url(), bob, new Recorder(bob));
    aliceEvents.await(ChatEvent.UserOnline.class, e -> e.userId().equals(bob));
    b.close();
    aliceEvents.await(ChatEvent.UserOffline.class, e -> e.userId().equals(bob));
    assertEquals(SocketClient.State.CLOSED, b.socket().state());
  }

  // ------------------------------------------------------------------ connect errors

  @Test
  void refusedConnectsCarryTheCodeAndAreNotRetried() throws Exception {
    String carol = user("carol");
    TokenMinter issuer = new TokenMinter(TestServer.SECRET);
    record Case(String token, String code) {}
    List<Case> cases = new ArrayList<>();
    cases.add(new Case(null, "TOKEN_MISSING"));
    cases.add(new Case("not-a-token", "TOKEN_INVALID"));
    cases.add(
        new Case(
            new TokenMinter("another secret").issue(carol, null, null, null, Duration.ofHours(1)),
            "TOKEN_INVALID"));
    cases.add(
        new Case(issuer.issue(carol, null, null, null, Duration.ofMinutes(-5)), "TOKEN_EXPIRED"));
    for (Case c : cases) {
      Recorder events = new Recorder("refused " + c.code());
      ChatClient client = client(shared.url(), c.token(), events);
      ClientException e = failure(client.connect());
      assertEquals(ClientException.Kind.REFUSED, e.kind(), c.toString());
      assertEquals(c.code(), e.code(), c.toString());
      assertEquals("Authentication error", e.getMessage());
      ChatEvent.ConnectFailed failed = events.await(ChatEvent.ConnectFailed.class);
      assertFalse(failed.willRetry());
      assertEquals(ClientException.Kind.REFUSED, get(client.socket().terminated()).kind());
      assertEquals(SocketClient.State.CLOSED, client.socket().state());
      assertTrue(events.all(ChatEvent.Reconnecting.class).isEmpty());
    }
  }

  @Test
  void unreachableServerIsUnavailable() throws Exception {
    int closedPort = Ports.free();
    ClientException e =
        failure(client("http://127.0.0.1:" + closedPort, "t", new Recorder("x")).connect());
    assertEquals(ClientException.Kind.UNAVAILABLE, e.kind());
    assertTrue(
        e.getMessage()
            .contains(
                "cannot connect to ws://127.0.0.1:"
                    + closedPort
                    + "/socket.io/?EIO=4&transport=websocket"),
        e.getMessage());
  }

  @Test
  void silentServerTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ChatClient client =
          new ChatClient(
              options("http://127.0.0.1:" + silent.getLocalPort(), "t")
                  .withConnectTimeout(Duration.ofMillis(500)),
              new Recorder("x"));
      closeables.add(client);
      ClientException e = failure(client.connect());
      assertEquals(ClientException.Kind.TIMEOUT, e.kind(), e.getMessage());
    }
  }

  @Test
  void requestsTimeOut() throws Exception {
    try (TcpProxy proxy = new TcpProxy(shared.port())) {
      String dave = user("dave");
      ChatClient d = connected(shared, proxy.url(), dave, new Recorder(dave));
      ChatClient slow =
          new ChatClient(
              options(proxy.url(), shared.token(dave)).withRequestTimeout(Duration.ofMillis(300)),
              new Recorder("slow"));
      closeables.add(slow);
      get(slow.connect());
      proxy.dropDownstream(true);
      ClientException e = failure(slow.onlineUsers());
      assertEquals(ClientException.Kind.TIMEOUT, e.kind());
      assertTrue(d.socket().connected());
    }
  }

  @Test
  void serverDisconnectIsFinal() throws Exception {
    String erin = user("erin");
    // accepted within the server's clock skew, then ended at once: auth:expired and DISCONNECT
    String expiring =
        new TokenMinter(TestServer.SECRET).issue(erin, null, null, null, Duration.ofSeconds(-2));
    Recorder events = new Recorder(erin);
    ChatClient client = client(shared.url(), expiring, events);
    client.connect().handle((c, e) -> null).get(10, TimeUnit.SECONDS);
    assertEquals("TOKEN_EXPIRED", events.await(ChatEvent.AuthExpired.class).code());
    ChatEvent.Disconnected d = events.await(ChatEvent.Disconnected.class);
    assertEquals("io server disconnect", d.reason());
    assertFalse(d.willReconnect());
    assertEquals(ClientException.Kind.CLOSED, get(client.socket().terminated()).kind());
    assertTrue(events.all(ChatEvent.Reconnecting.class).isEmpty());
    assertEquals(ClientException.Kind.CLOSED, failure(client.send(erin, "late")).kind());
  }

  // ------------------------------------------------------------------ drops, restarts, recovery

  @Test
  void reconnectsAfterTheServerRestartsAndSendsWhatWasTypedMeanwhile(@TempDir Path dir)
      throws Exception {
    int port = Ports.free();
    String alice = user("alice");
    String bob = user("bob");
    Recorder aliceEvents = new Recorder(alice);
    Recorder bobEvents = new Recorder(bob);
    TestServer first = TestServer.h2(dir, c -> c.withPort(port));
    String url = first.url();
    ChatClient b = connected(first, url, bob, bobEvents);
    ChatClient a = connected(first, url, alice, aliceEvents);
    String pid = b.socket().pid();

    first.close();
    assertTrue(aliceEvents.await(ChatEvent.Disconnected.class).willReconnect());
    bobEvents.await(ChatEvent.Disconnected.class);
    aliceEvents.await(ChatEvent.Reconnecting.class);
    CompletableFuture<Message> typedMeanwhile = a.send(bob, "typed while the server was down");
    assertFalse(typedMeanwhile.isDone());

    try (TestServer second = TestServer.h2(dir, c -> c.withPort(port))) {
      ChatEvent.Connected again =
          bobEvents.await(ChatEvent.Connected.class, ChatEvent.Connected::reconnect);
      assertTrue(again.recovered(), "recovery is kept in the database, across a restart");
      assertEquals(pid, again.pid());
      aliceEvents.await(ChatEvent.Connected.class, ChatEvent.Connected::reconnect);
      Message stored = get(typedMeanwhile);
      get(a.send(bob, "after"));
      assertEquals(
          List.of("typed while the server was down", "after"), bobEvents.awaitReceived("after"));
      assertEquals(stored.id(), bobEvents.received().get(0).id());
      assertEquals(2, get(b.history(alice, null, 10)).messages().size(), "stored once");
    }
  }

  @Test
  void aSendWhoseAnswerWasLostIsRetriedWithItsClientMessageIdAndStoredOnce() throws Exception {
    try (TcpProxy proxy = new TcpProxy(shared.port())) {
      String alice = user("alice");
      String bob = user("bob");
      Recorder aliceEvents = new Recorder(alice);
      Recorder bobEvents = new Recorder(bob);
      ChatClient b = connected(shared, shared.url(), bob, bobEvents);
      ChatClient a = connected(shared, proxy.url(), alice, aliceEvents);

      proxy.dropDownstream(true); // alice's frames reach the server; its answers get lost
      CompletableFuture<Message> send =
          a.send(new ChatClient.Outgoing(bob, "exactly once", null, "cmid-once-" + alice));
      Message delivered =
          bobEvents.await(ChatEvent.Received.class).message(); // stored and delivered
      assertFalse(send.isDone(), "message:sent did not reach alice");

      proxy.cut();
      proxy.dropDownstream(false);
      Message answered = get(send); // resent on reconnect, answered with the stored message
      assertEquals(delivered.id(), answered.id());
      assertTrue(
          aliceEvents.all(ChatEvent.Connected.class).stream()
              .anyMatch(ChatEvent.Connected::reconnect));

      get(a.send(bob, "marker"));
      assertEquals(
          List.of("exactly once", "marker"),
          bobEvents.awaitReceived("marker"),
          "no message:receive again");
      assertEquals(
          List.of("exactly once", "marker"),
          get(b.history(alice, null, 10)).messages().stream().map(m -> m.content()).toList(),
          "stored once");
      assertEquals(
          1,
          aliceEvents.all(ChatEvent.Sent.class).stream()
              .filter(s -> s.message().content().equals("exactly once"))
              .count(),
          "one message:sent reached alice");
    }
  }

  @Test
  void recoveryReplaysWhatADyingConnectionSwallowedOnceAndInOrder() throws Exception {
    try (TcpProxy proxy = new TcpProxy(shared.port())) {
      String alice = user("alice");
      String bob = user("bob");
      Recorder aliceEvents = new Recorder(alice);
      Recorder bobEvents = new Recorder(bob);
      ChatClient b = connected(shared, proxy.url(), bob, bobEvents);
      ChatClient a = connected(shared, shared.url(), alice, aliceEvents);
      get(a.send(bob, "before"));
      bobEvents.awaitReceived("before");
      String pid = b.socket().pid();

      proxy.dropDownstream(true); // written to bob's socket, counted delivered, never seen by bob
      List<String> ids = new ArrayList<>();
      for (String text : List.of("m1", "m2", "m3")) {
        ids.add(get(a.send(bob, text)).id());
      }
      for (String id : ids) {
        aliceEvents.await(ChatEvent.Delivered.class, d -> d.receipt().messageIds().contains(id));
      }
      assertEquals(List.of("before"), bobEvents.receivedContents());

      proxy.cut();
      proxy.dropDownstream(false);
      ChatEvent.Connected again =
          bobEvents.await(ChatEvent.Connected.class, ChatEvent.Connected::reconnect);
      assertTrue(again.recovered(), "same pid: the session was recovered");
      assertEquals(pid, again.pid());
      get(a.send(bob, "after"));
      assertEquals(List.of("before", "m1", "m2", "m3", "after"), bobEvents.awaitReceived("after"));
    }
  }

  @Test
  void aNetworkGoneQuietIsNoticedByHeartbeatAndEverythingMissedArrivesOnceInOrder(@TempDir Path dir)
      throws Exception {
    EngineOptions quickPings =
        EngineOptions.defaults().withPing(Duration.ofMillis(300), Duration.ofMillis(300));
    try (TestServer server = TestServer.h2(dir, c -> c.withEngine(quickPings));
        TcpProxy proxy = new TcpProxy(server.port())) {
      String alice = user("alice");
      String bob = user("bob");
      Recorder aliceEvents = new Recorder(alice);
      Recorder bobEvents = new Recorder(bob);
      ChatClient b =
          new ChatClient(
              options(proxy.url(), server.token(bob)).withConnectTimeout(Duration.ofMillis(700)),
              bobEvents);
      closeables.add(b);
      get(b.connect());
      ChatClient a = connected(server, server.url(), alice, aliceEvents);

      proxy.dropAll(true); // no bytes, no close: only the heartbeat can tell
      List<String> sent = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        sent.add("while away " + i);
        get(a.send(bob, "while away " + i));
      }
      ChatEvent.Disconnected lost = bobEvents.await(ChatEvent.Disconnected.class);
      assertEquals("ping timeout", lost.reason());
      assertTrue(lost.willReconnect());
      bobEvents.await(
          ChatEvent.ConnectFailed.class, ChatEvent.ConnectFailed::willRetry); // still no network
      a.send(bob, "while away 6");
      sent.add("while away 6");

      proxy.dropAll(false);
      bobEvents.await(ChatEvent.Connected.class, ChatEvent.Connected::reconnect);
      get(a.send(bob, "back"));
      sent.add("back");
      assertEquals(sent, bobEvents.awaitReceived("back"));
    }
  }

  @Test
  void emitsWhileConnectingAreBufferedAndAcksNumbered() throws Exception {
    String frank = user("frank");
    Recorder events = new Recorder(frank);
    ChatClient f = client(shared.url(), shared.token(frank), events);
    CompletableFuture<List<String>> early = f.onlineUsers(); // before connect: buffered
    CompletableFuture<Message> note = f.send(frank, "note to self"); // queued
    get(f.connect());
    assertTrue(get(early).contains(frank));
    assertEquals("note to self", get(note).content());
    assertEquals(
        "note to self",
        events.await(ChatEvent.Received.class).message().content(),
        "notes to self arrive");
    List<CompletableFuture<List<String>>> many = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      many.add(f.onlineUsers());
    }
    for (CompletableFuture<List<String>> m : many) {
      assertTrue(get(m).contains(frank));
    }
  }

  @Test
  void closingFailsWhatIsPending() throws Exception {
    try (TcpProxy proxy = new TcpProxy(shared.port())) {
      String gus = user("gus");
      ChatClient g = connected(shared, proxy.url(), gus, new Recorder(gus));
      proxy.dropDownstream(true);
      CompletableFuture<Message> send = g.send(gus, "never answered");
      CompletableFuture<List<String>> request = g.onlineUsers();
      g.close();
      assertEquals(ClientException.Kind.CLOSED, failure(send).kind());
      assertEquals(ClientException.Kind.CLOSED, failure(request).kind());
    }
  }

  @Test
  void websocketUrlIsDerived() {
    assertEquals(
        "ws://localhost:3001/socket.io/?EIO=4&transport=websocket",
        ClientOptions.websocketUri(java.net.URI.create("http://localhost:3001")).toString());
    assertEquals(
        "wss://chat.example/socket.io/?EIO=4&transport=websocket",
        ClientOptions.websocketUri(java.net.URI.create("https://chat.example/some/path"))
            .toString());
    assertEquals(
        "ws://h:1/socket.io/?EIO=4&transport=websocket",
        ClientOptions.websocketUri(java.net.URI.create("ws://h:1")).toString());
    assertThrows(
        IllegalArgumentException.class,
        () -> ClientOptions.websocketUri(java.net.URI.create("ftp://h")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ClientOptions.websocketUri(java.net.URI.create("localhost:3001")));
  }

  @Test
  void backoffGrowsWithJitterAndIsCapped() {
    Backoff backoff = new Backoff(Duration.ofMillis(1000), Duration.ofMillis(5000), 0.5);
    java.util.Random random = new java.util.Random(42);
    for (int attempt = 1; attempt <= 10; attempt++) {
      double base = Math.min(1000 * Math.pow(2, attempt - 1), 1e12);
      for (int i = 0; i < 50; i++) {
        long ms = backoff.delay(attempt, random).toMillis();
        assertTrue(
            ms >= Math.min(base * 0.5, 5000) - 1 && ms <= Math.min(base * 1.5, 5000),
            attempt + ": " + ms);
      }
    }
    Backoff exact = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), 0);
    assertEquals(
        List.of(100L, 200L, 400L, 800L, 1000L),
        List.of(1, 2, 3, 4, 5).stream().map(n -> exact.delay(n, random).toMillis()).toList());
  }
}
