package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.server.auth.Identity;
import dev.chatctl.server.auth.TokenVerifier;
import dev.chatctl.server.config.ChatLimits;
import dev.chatctl.server.socketio.Ack;
import dev.chatctl.server.socketio.LocalAdapter;
import dev.chatctl.server.socketio.RecordedSocket;
import dev.chatctl.server.store.Database;
import dev.chatctl.server.store.LiveInboxes;
import dev.chatctl.server.store.Profile;
import dev.chatctl.server.store.StoreOp;
import dev.chatctl.server.store.StoreWriter;
import dev.chatctl.server.testing.FreshDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat's dispatch of events, on a real (embedded) database, with sockets whose packets are
 * recorded: what each socket of each user gets for a send, a refusal, a request, in which order.
 */
class ChatServiceTest {
  @TempDir Path dir;
  private FreshDatabase fresh;
  private Database database;
  private StoreWriter writer;
  private ExecutorService readers;
  private ChatService chat;
  private final LocalAdapter adapter = new LocalAdapter(SocketPacket.MAIN_NAMESPACE);

  /** An acknowledgement that records its arguments as JSON text. */
  static final class RecordedAck implements Ack {
    final CompletableFuture<String> answer = new CompletableFuture<>();

    @Override
    public void send(Object... args) {
      answer.complete(Json.write(args[0]));
    }

    @Override
    public void sendJson(String... jsonArgs) {
      answer.complete(jsonArgs[0]);
    }

    JsonNode await() throws Exception {
      return Json.MAPPER.readTree(answer.get(10, TimeUnit.SECONDS));
    }
  }

  @BeforeEach
  void start() {
    fresh = FreshDatabase.of(FreshDatabase.Kind.H2, dir);
    database = Database.openAndMigrate(fresh.url(), 4);
    LiveInboxes live = new LiveInboxes();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    writer =
        new StoreWriter(
                database,
                live,
                Clock.systemUTC(),
                64,
                Duration.ofHours(1),
                Duration.ofSeconds(30),
                registry)
            .completingWithin(adapter::batch)
            .start();
    readers = Executors.newFixedThreadPool(2);
    chat =
        new ChatService(
            new ChatService.Parts(
                new TokenVerifier("a-test-secret-of-enough-length-000"),
                writer,
                live,
                database,
                adapter,
                readers),
            Clock.systemUTC(),
            100,
            ChatLimits.defaults(),
            registry);
  }

  @AfterEach
  void stop() {
    chat.stop();
    writer.close();
    readers.shutdownNow();
    database.close();
    fresh.close();
  }

  private int sockets;

  /** A connected socket of the user (in the directory from now on). */
  private RecordedSocket connect(String userId) throws Exception {
    StoreOp.Admitted a =
        writer
            .<StoreOp.Admitted>submit(
                new StoreOp.Admit(
                    new Profile(userId, null, null, null),
                    true,
                    null,
                    null,
                    new CompletableFuture<>()))
            .get(10, TimeUnit.SECONDS);
    RecordedSocket s =
        new RecordedSocket(
            userId + (++sockets),
            new ChatSession(
                new Identity(userId, null, null, null, null),
                a.pid(),
                false,
                null,
                a.user(),
                new Replies(Deadlines.NONE, 64)));
    chat.onConnect(s.socket);
    return s;
  }

  private static List<JsonNode> args(String... json) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String j : json) {
      out.add(Json.MAPPER.readTree(j));
    }
    return out;
  }

  private void send(RecordedSocket from, String to, String content, String clientMessageId, Ack ack)
      throws Exception {
    chat.onEvent(
        from.socket,
        "message:send",
        args(
            "{\"recipientId\":\""
                + to
                + "\",\"content\":\""
                + content
                + "\",\"clientMessageId\":\""
                + clientMessageId
                + "\"}"),
        ack);
  }

  private static JsonNode payload(String packet) throws Exception {
    return Json.MAPPER.readTree(packet.substring(1)).get(1);
  }

  @Test
  void aSendIsAnsweredToTheSenderAndWrittenToEverySocketOfTheRecipientWithItsOffset()
      throws Exception {
    RecordedSocket alice = connect("alice");
    RecordedSocket bob1 = connect("bob");
    RecordedSocket bob2 = connect("bob");
    RecordedAck ack = new RecordedAck();
    send(alice, "bob", "hi", "c1", ack);
    JsonNode answer = ack.await();
    assertTrue(answer.get("ok").asBoolean());
    String id = answer.get("message").get("id").asText();
    JsonNode sent = payload(alice.awaitEvents("message:sent", 1).get(0));
    assertEquals(id, sent.get("id").asText());
    for (RecordedSocket bob : List.of(bob1, bob2)) {
      String receive = bob.awaitEvents("message:receive", 1).get(0);
      assertEquals("hi", payload(receive).get("content").asText());
      assertEquals(
          "1",
          Json.MAPPER.readTree(receive.substring(1)).get(2).asText(),
          "the recipient's offset");
    }
    JsonNode delivered = payload(alice.awaitEvents("message:delivered", 1).get(0));
    assertEquals(id, delivered.get("messageIds").get(0).asText());
    assertEquals(List.of(), bob1.events("message:sent"));
  }

  @Test
  void anInvalidSendGetsMessageErrorAndAFailedAck() throws Exception {
    RecordedSocket alice = connect("alice");
    RecordedAck ack = new RecordedAck();
    chat.onEvent(
        alice.socket,
        "message:send",
        args("{\"recipientId\":\"bob\",\"content\":\"\",\"clientMessageId\":\"c9\"}"),
        ack);
    JsonNode answer = ack.await();
    assertEquals(false, answer.get("ok").asBoolean());
    JsonNode error = payload(alice.awaitEvents("message:error", 1).get(0));
    assertEquals("VALIDATION_FAILED", error.get("code").asText());
    assertEquals("c9", error.get("clientMessageId").asText());
    send(alice, "nobody", "hi", "c10", null);
    JsonNode notFound = payload(alice.awaitEvents("message:error", 2).get(1));
    assertEquals("RECIPIENT_NOT_FOUND", notFound.get("code").asText());
  }

  @Test
  void answersFollowTheOrderOfTheEventsAndUnknownEventsAreIgnored() throws Exception {
    RecordedSocket alice = connect("alice");
    connect("bob");
    send(alice, "bob", "one", "c1", null);
    chat.onEvent(alice.socket, "no:such:event", args("{}"), null);
    chat.onEvent(alice.socket, "status:request", List.of(), null);
    send(alice, "bob", "two", "c2", null);
    List<String> answers =
        alice
            .await(ps -> ps.stream().filter(p -> p.startsWith("2[\"message:sent\"")).count() == 2)
            .stream()
            .filter(p -> p.startsWith("2[\"message:sent\"") || p.startsWith("2[\"users:online\""))
            .toList();
    assertEquals(3, answers.size());
    assertTrue(answers.get(0).contains("\"one\""));
    assertTrue(answers.get(1).startsWith("2[\"users:online\",["));
    assertTrue(answers.get(2).contains("\"two\""));
  }

  @Test
  void aRecipientWhoConnectsLaterGetsTheBacklogOnceAndTheSenderTheReceipt() throws Exception {
    RecordedSocket alice = connect("alice");
    connect("bob").markGone();
    chat.onDisconnect(adapter.socketsOf("bob").get(0), "transport close");
    send(alice, "bob", "while away", "c1", null);
    alice.awaitEvents("message:sent", 1);
    assertEquals(List.of(), alice.events("message:delivered"), "nobody took it yet");
    RecordedSocket bob = connect("bob");
    assertEquals(
        "while away",
        payload(bob.awaitEvents("message:receive", 1).get(0)).get("content").asText());
    alice.awaitEvents("message:delivered", 1);
    RecordedSocket bobAgain = connect("bob");
    send(alice, "bob", "live", "c2", null);
    bob.awaitEvents("message:receive", 2);
    List<String> second = bobAgain.awaitEvents("message:receive", 1);
    assertEquals(
        "live",
        payload(second.get(0)).get("content").asText(),
        "the backlog went to one socket only");
  }
}
