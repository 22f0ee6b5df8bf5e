package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.server.auth.Identity;
import dev.chatctl.server.socketio.LocalAdapter;
import dev.chatctl.server.socketio.RecordedSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * user:online once when a user's first socket comes, user:offline once when the last goes, in
 * order.
 */
class PresenceTest {
  private final LocalAdapter adapter = new LocalAdapter(SocketPacket.MAIN_NAMESPACE);
  private final Presence presence = new Presence(adapter);

  @AfterEach
  void stop() {
    presence.stop();
  }

  static RecordedSocket socket(String id, String userId) {
    return new RecordedSocket(
        id,
        new ChatSession(
            new Identity(userId, null, null, null, null),
            "pid-" + id,
            false,
            null,
            null,
            new Replies(Deadlines.NONE, 64)));
  }

  private RecordedSocket connect(String id, String userId) {
    RecordedSocket s = socket(id, userId);
    presence.add(s.socket, userId);
    return s;
  }

  private static String online(String user) {
    return "2[\"user:online\",{\"userId\":\"" + user + "\"}]";
  }

  private static String offline(String user) {
    return "2[\"user:offline\",{\"userId\":\"" + user + "\"}]";
  }

  /** The presence packets a socket got once {@code sentinel}'s online (queued last) arrived. */
  private static List<String> presenceUntil(RecordedSocket observer, String sentinel)
      throws InterruptedException {
    return observer.await(ps -> ps.contains(online(sentinel))).stream()
        .filter(p -> p.startsWith("2[\"user:o"))
        .toList();
  }

  @Test
  void aUserGoesOnlineWithTheFirstSocketAndOfflineWithTheLastOnceEach() throws Exception {
    RecordedSocket observer = connect("o", "olga");
    RecordedSocket alice1 = connect("a1", "alice");
    RecordedSocket alice2 = connect("a2", "alice");
    assertTrue(presence.isOnline("alice"));
    presence.remove(alice1.socket, "alice");
    assertTrue(presence.isOnline("alice"), "one socket left");
    presence.remove(alice2.socket, "alice");
    assertFalse(presence.isOnline("alice"));
    connect("z", "zed");
    assertEquals(
        List.of(online("alice"), offline("alice"), online("zed")), presenceUntil(observer, "zed"));
    assertFalse(alice1.packets().contains(online("alice")), "not to the socket that caused it");
    assertEquals(List.of("olga", "zed"), presence.onlineUserIds().stream().sorted().toList());
  }

  @Test
  void transitionsStayInOrderWhenSocketsComeAndGoConcurrently() throws Exception {
    RecordedSocket observer = connect("o", "olga");
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      RecordedSocket mine = socket("a" + t, "alice");
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 300; i++) {
                      presence.add(mine.socket, "alice");
                      presence.remove(mine.socket, "alice");
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    connect("z", "zed");
    List<String> seen = presenceUntil(observer, "zed");
    List<String> alice = seen.stream().filter(p -> p.contains("alice")).toList();
    assertFalse(alice.isEmpty());
    for (int i = 0; i < alice.size(); i++) {
      assertEquals(
          i % 2 == 0 ? online("alice") : offline("alice"),
          alice.get(i),
          "online and offline alternate, at " + i);
    }
    assertEquals(offline("alice"), alice.get(alice.size() - 1), "alice ends offline");
  }
}
