package dev.chatctl.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.store.StoreOp.Admitted;
import dev.chatctl.server.store.StoreOp.Backlog;
import dev.chatctl.server.store.StoreOp.SendOutcome;
import dev.chatctl.server.testing.FreshDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store's rules, on H2 and on real PostgreSQL, through the writer as the server uses it. */
class StoreWriterTest {

  @TempDir Path dir;

  /** A database, its writer, and the users whose sockets take live messages. */
  private static final class Fixture implements AutoCloseable {
    final FreshDatabase fresh;
    final Database database;
    final LiveInboxes live = new LiveInboxes();
    final StoreWriter writer;

    Fixture(FreshDatabase.Kind kind, Path dir, Duration window) {
      fresh = FreshDatabase.of(kind, dir);
      database = Database.openAndMigrate(fresh.url(), 4);
      writer =
          new StoreWriter(
                  database,
                  live,
                  Clock.systemUTC(),
                  64,
                  window,
                  Duration.ofSeconds(30),
                  new SimpleMeterRegistry())
              .start();
    }

    Fixture(FreshDatabase.Kind kind, Path dir) {
      this(kind, dir, Duration.ofHours(24));
    }

    <T> T await(CompletableFuture<T> f) throws Exception {
      return f.get(20, TimeUnit.SECONDS);
    }

    Admitted admit(String user, String pid, Long offset) throws Exception {
      return await(
          writer.submit(
              new StoreOp.Admit(
                  new Profile(user, "N " + user, user + "@x", null),
                  true,
                  pid,
                  offset,
                  new CompletableFuture<>())));
    }

    CompletableFuture<SendOutcome> send(
        String from, String to, String content, String clientMessageId) {
      return writer.submit(
          new StoreOp.Send(
              new Draft(from, to, content, null, clientMessageId), new CompletableFuture<>()));
    }

    StoredMessage stored(CompletableFuture<SendOutcome> f) throws Exception {
      return ((SendOutcome.Stored) await(f)).message();
    }

    Backlog backlog(String user, Long after) throws Exception {
      return await(writer.submit(new StoreOp.OpenInbox(user, after, 0, new CompletableFuture<>())));
    }

    @Override
    public void close() {
      writer.close();
      database.close();
      fresh.close();
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void messagesAreStoredWithPerRecipientOffsets(FreshDatabase.Kind kind) throws Exception {
    try (Fixture f = new Fixture(kind, dir)) {
      f.admit("alice", null, null);
      f.admit("bob", null, null);
      StoredMessage first = f.stored(f.send("alice", "bob", "one", null));
      StoredMessage second = f.stored(f.send("alice", "bob", "two", null));
      StoredMessage toAlice = f.stored(f.send("bob", "alice", "back", null));
      assertEquals(1, first.recipientSeq());
      assertEquals(2, second.recipientSeq());
      assertEquals(1, toAlice.recipientSeq(), "offsets count per recipient");
      assertTrue(second.id().compareTo(first.id()) > 0, "ids grow in store order");
      assertEquals("one", first.content());
      assertNull(first.deliveredAt(), "bob had no socket: not delivered");
      assertEquals(3, MessageStore.count(f.database.dsl()));
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void aRepeatedClientMessageIdStoresNothingNewAcrossAndWithinBatches(FreshDatabase.Kind kind)
      throws Exception {
    try (Fixture f = new Fixture(kind, dir)) {
      f.admit("alice", null, null);
      f.admit("bob", null, null);
      SendOutcome.Stored original =
          (SendOutcome.Stored) f.await(f.send("alice", "bob", "hi", "c-1"));
      assertTrue(original.created());
      SendOutcome.Stored retry =
          (SendOutcome.Stored) f.await(f.send("alice", "bob", "hi again", "c-1"));
      assertFalse(retry.created());
      assertEquals(original.message().id(), retry.message().id());
      assertEquals("hi", retry.message().content(), "the stored message, not the retry's");
      // the same id twice in one batch, and another sender's identical id
      List<CompletableFuture<SendOutcome>> burst = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        burst.add(f.send("alice", "bob", "burst", "c-2"));
      }
      burst.add(f.send("bob", "alice", "mine", "c-2"));
      Set<String> ids = new HashSet<>();
      int created = 0;
      for (int i = 0; i < 5; i++) {
        SendOutcome.Stored s = (SendOutcome.Stored) f.await(burst.get(i));
        ids.add(s.message().id());
        created += s.created() ? 1 : 0;
      }
      assertEquals(1, ids.size());
      assertEquals(1, created);
      assertTrue(
          ((SendOutcome.Stored) f.await(burst.get(5))).created(),
          "clientMessageIds are per sender");
      assertEquals(3, MessageStore.count(f.database.dsl()));
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void anUnknownRecipientIsRefusedAndStoresNothing(FreshDatabase.Kind kind) throws Exception {
    try (Fixture f = new Fixture(kind, dir)) {
      f.admit("alice", null, null);
      assertInstanceOf(
          SendOutcome.RecipientNotFound.class, f.await(f.send("alice", "nobody", "hi", null)));
      assertEquals(0, MessageStore.count(f.database.dsl()));
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void oneBadOperationFailsAloneAndTheRestOfItsBatchIsStored(FreshDatabase.Kind kind)
      throws Exception {
    try (Fixture f = new Fixture(kind, dir)) {
      f.admit("alice", null, null);
      f.admit("bob", null, null);
      List<CompletableFuture<SendOutcome>> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        // a session id longer than the column: refused by the database (validation normally stops
        // it)
        String session = i == 6 ? "s".repeat(500) : null;
        batch.add(
            f.writer.submit(
                new StoreOp.Send(
                    new Draft("alice", "bob", "m" + i, session, null), new CompletableFuture<>())));
      }
      for (int i = 0; i < 10; i++) {
        if (i == 6) {
          CompletableFuture<SendOutcome> bad = batch.get(i);
          assertThrows(ExecutionException.class, () -> bad.get(20, TimeUnit.SECONDS));
        } else {
          assertEquals("m" + i, f.stored(batch.get(i)).content());
        }
      }
      assertEquals(9, MessageStore.count(f.database.dsl()));
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void offlineMessagesFormTheBacklogOldestFirstAndAreDeliveredOnce(FreshDatabase.Kind kind)
      throws Exception {
    try (Fixture f = new Fixture(kind, dir)) {
      f.admit("alice", null, null);
      f.admit("bob", null, null);
      for (int i = 0; i < 3; i++) {
        f.stored(f.send("alice", "bob", "m" + i, null));
      }
      Backlog backlog = f.backlog("bob", null);
      assertEquals(
          List.of("m0", "m1", "m2"),
          backlog.messages().stream().map(StoredMessage::content).toList());
      assertTrue(
          backlog.messages().stream().allMatch(m -> m.deliveredAt() != null),
          "marked delivered as they are handed out");
      assertFalse(backlog.more());
      assertEquals(
          List.of(), f.backlog("bob", null).messages(), "a later session does not get them again");
      f.live.open("bob");
      assertNotNull(
          f.stored(f.send("alice", "bob", "live", null)).deliveredAt(),
          "a ready socket: delivered as stored");
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void aRecoveredSessionReplaysAfterItsOffsetAndOnlyForItsUser(FreshDatabase.Kind kind)
      throws Exception {
    try (Fixture f = new Fixture(kind, dir)) {
      f.admit("alice", null, null);
      Admitted bob = f.admit("bob", null, null);
      assertFalse(bob.recovered());
      StoredMessage m1 = f.stored(f.send("alice", "bob", "one", null));
      f.stored(f.send("alice", "bob", "two", null));
      f.stored(f.send("alice", "bob", "three", null));
      f.backlog("bob", null); // delivered to the first connection

      Admitted again = f.admit("bob", bob.pid(), m1.recipientSeq());
      assertTrue(again.recovered());
      assertEquals(bob.pid(), again.pid());
      assertEquals(
          List.of("two", "three"),
          f.backlog("bob", again.replayAfter()).messages().stream()
              .map(StoredMessage::content)
              .toList());

      Admitted noOffset = f.admit("bob", bob.pid(), null);
      assertTrue(noOffset.recovered());
      assertEquals(
          List.of("one", "two", "three"),
          f.backlog("bob", noOffset.replayAfter()).messages().stream()
              .map(StoredMessage::content)
              .toList(),
          "no offset: everything since the session began");

      Admitted stolen = f.admit("alice", bob.pid(), 0L);
      assertFalse(stolen.recovered(), "another user's pid starts a new session");
      assertNotEquals(bob.pid(), stolen.pid());
      assertFalse(f.admit("bob", "no-such-pid", 1L).recovered());
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void aSessionPastTheRecoveryWindowIsNotRecovered(FreshDatabase.Kind kind) throws Exception {
    try (Fixture f = new Fixture(kind, dir, Duration.ofMillis(300))) {
      Admitted bob = f.admit("bob", null, null);
      assertTrue(f.admit("bob", bob.pid(), null).recovered());
      Thread.sleep(600); // the window elapses (no socket refreshes it)
      assertFalse(f.admit("bob", bob.pid(), null).recovered());
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void historyPagesHaveNoGapsOrRepeatsAndStayPrivate(FreshDatabase.Kind kind) throws Exception {
    try (Fixture f = new Fixture(kind, dir)) {
      f.admit("alice", null, null);
      f.admit("bob", null, null);
      f.admit("carol", null, null);
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        String from = i % 2 == 0 ? "alice" : "bob";
        f.stored(f.send(from, from.equals("alice") ? "bob" : "alice", "m" + i, null));
        sent.add("m" + i);
      }
      f.stored(f.send("carol", "alice", "not in this conversation", null));
      MessageStore.HistoryPage newest =
          MessageStore.history(f.database.dsl(), "alice", "bob", null, 3);
      assertEquals(
          List.of("m4", "m5", "m6"),
          newest.messages().stream().map(StoredMessage::content).toList());
      assertTrue(newest.hasMore());
      f.stored(f.send("bob", "alice", "new while paging", null));
      MessageStore.HistoryPage older =
          MessageStore.history(f.database.dsl(), "alice", "bob", newest.messages().get(0).id(), 3);
      assertEquals(
          List.of("m1", "m2", "m3"),
          older.messages().stream().map(StoredMessage::content).toList());
      MessageStore.HistoryPage oldest =
          MessageStore.history(f.database.dsl(), "bob", "alice", older.messages().get(0).id(), 3);
      assertEquals(List.of("m0"), oldest.messages().stream().map(StoredMessage::content).toList());
      assertFalse(oldest.hasMore());
      assertNull(
          MessageStore.history(f.database.dsl(), "carol", "bob", newest.messages().get(0).id(), 3),
          "a message of another conversation is no cursor");
      assertEquals(
          List.of(), MessageStore.history(f.database.dsl(), "carol", "bob", null, 3).messages());
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void conversationsKeepTheLastMessageAndUnreadCounts(FreshDatabase.Kind kind) throws Exception {
    try (Fixture f = new Fixture(kind, dir)) {
      f.admit("alice", null, null);
      f.admit("bob", null, null);
      f.admit("carol", null, null);
      StoredMessage b1 = f.stored(f.send("bob", "alice", "b1", null));
      StoredMessage b2 = f.stored(f.send("bob", "alice", "b2", null));
      f.stored(f.send("alice", "alice", "note to self", null));
      f.stored(f.send("carol", "alice", "c1", null));
      List<MessageStore.Conversation> list = MessageStore.conversations(f.database.dsl(), "alice");
      assertEquals(
          List.of("carol", "alice", "bob"),
          list.stream().map(MessageStore.Conversation::userId).toList(),
          "most recent first");
      assertEquals(2, list.get(2).unreadCount());
      assertEquals("b2", list.get(2).lastMessage().content());
      assertEquals(1, list.get(1).unreadCount(), "notes to self are unread until read");

      List<ReadMark> marks =
          f.await(
              f.writer.submit(
                  new StoreOp.Read(
                      "alice", List.of(b1.id(), b1.id(), "missing"), new CompletableFuture<>())));
      assertEquals(List.of(new ReadMark(b1.id(), "bob")), marks);
      assertEquals(
          List.of(),
          f.await(
              f.writer.submit(
                  new StoreOp.Read("bob", List.of(b2.id()), new CompletableFuture<>()))),
          "only the recipient can mark a message read");
      assertEquals(
          List.of(),
          f.await(
              f.writer.submit(
                  new StoreOp.Read("alice", List.of(b1.id()), new CompletableFuture<>()))),
          "read once");
      MessageStore.Conversation withBob =
          MessageStore.conversations(f.database.dsl(), "alice").get(2);
      assertEquals(1, withBob.unreadCount());
      assertEquals(0, MessageStore.conversations(f.database.dsl(), "bob").get(0).unreadCount());
    }
  }

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void twoWritersOnOneDatabaseGiveEachRecipientDistinctGaplessOffsets(FreshDatabase.Kind kind)
      throws Exception {
    try (Fixture f = new Fixture(kind, dir);
        Database second = Database.open(f.fresh.url(), 4)) {
      StoreWriter other =
          new StoreWriter(
                  second,
                  new LiveInboxes(),
                  Clock.systemUTC(),
                  16,
                  Duration.ofHours(1),
                  Duration.ofSeconds(30),
                  new SimpleMeterRegistry())
              .start();
      try {
        f.admit("alice", null, null);
        f.admit("bob", null, null);
        List<CompletableFuture<SendOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          StoreWriter w = i % 2 == 0 ? f.writer : other;
          all.add(
              w.submit(
                  new StoreOp.Send(
                      new Draft("alice", "bob", "m" + i, null, null), new CompletableFuture<>())));
        }
        Set<Long> offsets = new HashSet<>();
        for (CompletableFuture<SendOutcome> s : all) {
          offsets.add(f.stored(s).recipientSeq());
        }
        assertEquals(200, offsets.size());
        assertEquals(1L, offsets.stream().mapToLong(Long::longValue).min().orElseThrow());
        assertEquals(200L, offsets.stream().mapToLong(Long::longValue).max().orElseThrow());
      } finally {
        other.close();
      }
    }
  }
}
