package dev.chatctl.cli.chat;

import dev.chatctl.protocol.chat.Answers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who I talk to, with whom I have talked, who wrote last, and what is unread from whom: the
 * console's state behind the status line, {@code /r}, {@code /to} and the presence lines (shown
 * only for people talked with, unless every user's are asked for). At most {@value #MAX_PEOPLE}
 * people are remembered (the oldest are forgotten first), with at most {@value #MAX_UNREAD_IDS}
 * unread message ids each. Thread-safe.
 */
final class Conversations {
  static final int MAX_PEOPLE = 1_000;
  static final int MAX_UNREAD_IDS = 500;

  /** One person's unread messages: how many, and the ids of those that arrived here. */
  record Unread(int count, List<String> ids) {}

  private static final class Person {
    int unread;
    final List<String> ids = new ArrayList<>();
  }

  private final boolean allPresence;
  private final Map<String, Person> people = new LinkedHashMap<>() { // the latest exchange last
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Person> eldest) {
          return size() > MAX_PEOPLE;
        }
      };
  private String peer;
  private String lastSender;

  /**
   * @param allPresence whether everybody's coming and going is shown, not only of people talked
   *     with
   */
  Conversations(String peer, boolean allPresence) {
    this.allPresence = allPresence;
    this.peer = peer;
    if (peer != null) {
      person(peer);
    }
  }

  synchronized String peer() {
    return peer;
  }

  /** Talks to {@code user} from now on; returns their unread messages, now cleared. */
  synchronized Unread talkTo(String user) {
    peer = user;
    Person p = person(user);
    Unread unread = new Unread(p.unread, List.copyOf(p.ids));
    p.unread = 0;
    p.ids.clear();
    return unread;
  }

  /** Who sent me the last message (null: nobody yet). */
  synchronized String lastSender() {
    return lastSender;
  }

  /**
   * My conversations as {@code conversation:list} gives them: people talked with, and their unread
   * counts.
   */
  synchronized void known(List<Answers.Conversation> conversations) {
    for (Answers.Conversation c : conversations.reversed()) {
      Person p = person(c.userId());
      if (!c.userId().equals(peer)) {
        p.unread = Math.max(p.unread, c.unreadCount());
      }
    }
  }

  /** A message from {@code sender}; unless I am talking to them, it counts as unread. */
  synchronized void received(String sender, String messageId) {
    lastSender = sender;
    Person p = person(sender);
    if (!sender.equals(peer)) {
      p.unread++;
      if (p.ids.size() < MAX_UNREAD_IDS) {
        p.ids.add(messageId);
      }
    }
  }

  /** A message of mine to {@code recipient}. */
  synchronized void sent(String recipient) {
    person(recipient);
  }

  /** Whether {@code user}'s coming and going is shown. */
  synchronized boolean showsPresenceOf(String user) {
    return allPresence || user.equals(peer) || people.containsKey(user);
  }

  /** The unread counts by person, most recent conversation first (none with a zero count). */
  synchronized Map<String, Integer> unreadCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map.Entry<String, Person> e : new ArrayList<>(people.entrySet()).reversed()) {
      if (e.getValue().unread > 0) {
        counts.put(e.getKey(), e.getValue().unread);
      }
    }
    return counts;
  }

  /** Everybody talked with, the latest exchange first. */
  synchronized List<String> people() {
    return new ArrayList<>(people.keySet()).reversed();
  }

  /** The person, now the latest exchange. */
  private Person person(String user) {
    Person p = people.remove(user);
    people.put(user, p != null ? p : new Person());
    return people.get(user);
  }
}
