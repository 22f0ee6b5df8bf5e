package dev.chatctl.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chatctl.server.testing.FreshDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A database made by the foundation schema (V1) keeps its rows through the delivery migrations. */
class MigrationTest {

  @ParameterizedTest
  @EnumSource(FreshDatabase.Kind.class)
  void aFoundationDatabaseUpgradesWithoutLosingRows(FreshDatabase.Kind kind, @TempDir Path dir)
      throws Exception {
    try (FreshDatabase fresh = FreshDatabase.of(kind, dir);
        Database db = Database.open(fresh.url(), 2)) {
      assertEquals(1, db.migrateTo("1"));
      DSLContext sql = db.dsl();
      OffsetDateTime t0 = OffsetDateTime.of(2026, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC);
      for (String user : List.of("alice", "bob")) {
        sql.insertInto(DSL.table("users"), DSL.field("id"), DSL.field("name"))
            .values(user, user.toUpperCase())
            .execute();
      }
      // stored out of id order on purpose: the backfill orders by time
      insertV1(sql, "m-3", "alice", "bob", "third", t0.plusMinutes(3));
      insertV1(sql, "m-1", "alice", "bob", "first", t0.plusMinutes(1));
      insertV1(sql, "m-2", "bob", "alice", "reply", t0.plusMinutes(2));
      insertV1(sql, "m-4", "alice", "bob", "fourth", t0.plusMinutes(4));

      db.migrate();

      assertEquals(4, MessageStore.count(sql));
      MessageStore.HistoryPage page = MessageStore.history(sql, "alice", "bob", null, 10);
      assertEquals(
          List.of("first", "reply", "third", "fourth"),
          page.messages().stream().map(StoredMessage::content).toList());
      assertEquals(
          List.of(1L, 1L, 2L, 3L),
          page.messages().stream().map(StoredMessage::recipientSeq).toList());
      assertNotNull(page.messages().get(0).deliveredAt(), "old messages count as delivered");
      assertNull(page.messages().get(0).readAt());
      List<MessageStore.Conversation> bobs = MessageStore.conversations(sql, "bob");
      assertEquals(1, bobs.size());
      assertEquals("fourth", bobs.get(0).lastMessage().content());
      assertEquals(3, bobs.get(0).unreadCount());
      assertEquals(1, MessageStore.conversations(sql, "alice").get(0).unreadCount());

      // new messages continue the offsets and the store order
      StoreWriter writer =
          new StoreWriter(
                  db,
                  new LiveInboxes(),
                  Clock.systemUTC(),
                  8,
                  Duration.ofHours(1),
                  Duration.ofSeconds(30),
                  new SimpleMeterRegistry())
              .start();
      try {
        StoreOp.SendOutcome outcome =
            writer
                .<StoreOp.SendOutcome>submit(
                    new StoreOp.Send(
                        new Draft("alice", "bob", "fifth", null, null), new CompletableFuture<>()))
                .get(20, TimeUnit.SECONDS);
        assertEquals(4, ((StoreOp.SendOutcome.Stored) outcome).message().recipientSeq());
      } finally {
        writer.close();
      }
      assertEquals(
          "fifth", MessageStore.history(sql, "bob", "alice", null, 1).messages().get(0).content());
    }
  }

  private static void insertV1(
      DSLContext sql, String id, String from, String to, String content, OffsetDateTime at) {
    sql.insertInto(
            DSL.table("messages"),
            DSL.field("id"),
            DSL.field("sender_id"),
            DSL.field("recipient_id"),
            DSL.field("content"),
            DSL.field("created_at", SQLDataType.TIMESTAMPWITHTIMEZONE))
        .values(id, from, to, content, at)
        .execute();
  }
}
