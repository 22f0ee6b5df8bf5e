package dev.chatctl.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.cli.chat.OwnMessages.Own;
import dev.chatctl.cli.chat.OwnMessages.Status;
import dev.chatctl.protocol.chat.Message;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The marks on my messages, as they move: … → ✓ → ✓✓ → ✓✓ read, or ✗; never backwards. */
class OwnMessagesTest {
  private final OwnMessages own = new OwnMessages();

  private static Message stored(String id, String clientMessageId) {
    return new Message(id, "alice", "bob", "hi", null, clientMessageId, "2026-12-08T00:00:00.000Z");
  }

  @Test
  void aMessageMovesFromPendingToSentDeliveredAndRead() {
    Own hi = own.add("c1", "bob", "hi", Instant.now(), true);
    assertEquals(Status.PENDING, hi.status);
    assertSame(hi, own.sent(stored("m1", "c1")));
    assertEquals(Status.SENT, hi.status);
    assertEquals("m1", hi.id);
    assertEquals(List.of(hi), own.receipt(List.of("m1"), Status.DELIVERED).moved());
    assertEquals(Status.DELIVERED, hi.status);
    assertEquals(List.of(hi), own.receipt(List.of("m1"), Status.READ).moved());
    assertEquals(Status.READ, hi.status);
  }

  @Test
  void typedWhileOfflineIsQueued() {
    assertEquals(Status.QUEUED, own.add("c1", "bob", "later", Instant.now(), false).status);
  }

  @Test
  void aLateReceiptDoesNotMoveAMessageBack() {
    Own hi = own.add("c1", "bob", "hi", Instant.now(), true);
    own.sent(stored("m1", "c1"));
    own.receipt(List.of("m1"), Status.READ);
    OwnMessages.Advanced late = own.receipt(List.of("m1"), Status.DELIVERED);
    assertTrue(late.moved().isEmpty());
    assertEquals(0, late.unknown());
    assertEquals(Status.READ, hi.status);
    own.sent(stored("m1", "c1")); // a retried send answered again
    assertEquals(Status.READ, hi.status);
  }

  @Test
  void receiptsForMessagesNotSentFromHereAreCounted() {
    own.add("c1", "bob", "hi", Instant.now(), true);
    own.sent(stored("m1", "c1"));
    OwnMessages.Advanced a =
        own.receipt(List.of("m1", "from-another-device", "older"), Status.DELIVERED);
    assertEquals(1, a.moved().size());
    assertEquals(2, a.unknown());
  }

  @Test
  void aRefusedMessageStaysRefused() {
    Own hi = own.add("c1", "nobody", "hi", Instant.now(), true);
    assertSame(hi, own.failed("c1", "RECIPIENT_NOT_FOUND"));
    assertEquals(Status.FAILED, hi.status);
    assertEquals("RECIPIENT_NOT_FOUND", hi.error);
    assertNull(own.failed("not-mine", "X"));
    assertNull(own.failed(null, "X"));
  }

  @Test
  void messagesSentElsewhereAreNotMine() {
    assertNull(own.sent(stored("m9", "from-my-phone")));
    assertNull(own.sent(stored("m9", null)));
    assertNull(own.byClientId(null));
  }

  @Test
  void onlyTheLastMessagesAreKept() {
    for (int i = 0; i <= OwnMessages.MAX; i++) {
      own.add("c" + i, "bob", "n" + i, Instant.now(), true);
      own.sent(stored("m" + i, "c" + i));
    }
    assertNull(own.byClientId("c0"), "the oldest is forgotten");
    assertEquals(1, own.receipt(List.of("m0"), Status.DELIVERED).unknown());
    assertEquals(1, own.receipt(List.of("m" + OwnMessages.MAX), Status.DELIVERED).moved().size());
  }
}
