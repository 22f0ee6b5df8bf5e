package dev.chatctl.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.protocol.chat.Answers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unread counts by person, reply-to-last and whose presence is worth a line. */
class ConversationsTest {

  @Test
  void messagesFromOthersCountAsUnreadUntilITalkToThem() {
    Conversations c = new Conversations("bob", false);
    c.received("bob", "m1"); // on screen in the conversation: read
    c.received("carol", "m2");
    c.received("carol", "m3");
    c.received("dave", "m4");
    assertEquals(Map.of("carol", 2, "dave", 1), c.unreadCounts());
    assertEquals(
        List.of("dave", "carol"), List.copyOf(c.unreadCounts().keySet()), "most recent first");
    Conversations.Unread carol = c.talkTo("carol");
    assertEquals(2, carol.count());
    assertEquals(List.of("m2", "m3"), carol.ids());
    assertEquals(Map.of("dave", 1), c.unreadCounts());
    assertEquals("carol", c.peer());
    c.received("carol", "m5");
    assertEquals(Map.of("dave", 1), c.unreadCounts(), "the conversation on screen stays read");
  }

  @Test
  void replyGoesToWhoeverWroteLast() {
    Conversations c = new Conversations(null, false);
    assertNull(c.lastSender());
    c.received("carol", "m1");
    c.received("dave", "m2");
    assertEquals("dave", c.lastSender());
  }

  @Test
  void unreadCountsFromTheServerAreKept() {
    Conversations c = new Conversations(null, false);
    c.known(
        List.of(
            new Answers.Conversation("erin", null, 3), new Answers.Conversation("frank", null, 0)));
    assertEquals(Map.of("erin", 3), c.unreadCounts());
    Conversations.Unread erin = c.talkTo("erin");
    assertEquals(3, erin.count());
    assertTrue(erin.ids().isEmpty(), "none of them arrived here");
    assertTrue(c.showsPresenceOf("frank"), "talked with before");
  }

  @Test
  void presenceOnlyOfPeopleITalkOrTalkedWithUnlessAllAreAsked() {
    Conversations c = new Conversations("bob", false);
    assertTrue(c.showsPresenceOf("bob"));
    assertFalse(c.showsPresenceOf("ci-bot"));
    c.received("carol", "m1");
    c.sent("dave");
    assertTrue(c.showsPresenceOf("carol"));
    assertTrue(c.showsPresenceOf("dave"));
    assertFalse(c.showsPresenceOf("ci-bot"));
    assertTrue(new Conversations(null, true).showsPresenceOf("ci-bot"));
  }

  @Test
  void rememberedPeopleAndIdsAreBounded() {
    Conversations c = new Conversations(null, false);
    for (int i = 0; i < Conversations.MAX_UNREAD_IDS + 10; i++) {
      c.received("chatty", "m" + i);
    }
    Conversations.Unread chatty = c.talkTo("chatty");
    assertEquals(Conversations.MAX_UNREAD_IDS + 10, chatty.count(), "the count is exact");
    assertEquals(Conversations.MAX_UNREAD_IDS, chatty.ids().size());
    c.talkTo("bob");
    for (int i = 0; i <= Conversations.MAX_PEOPLE; i++) {
      c.sent("u" + i);
    }
    assertFalse(c.showsPresenceOf("chatty"), "the oldest is forgotten");
    assertEquals(Conversations.MAX_PEOPLE, c.people().size());
  }
}
