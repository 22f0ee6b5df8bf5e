package dev.chatctl.server.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.protocol.socketio.SocketPacket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The broadcast seam on one node: who an emit reaches, and that it is encoded once. */
class LocalAdapterTest {
  private final LocalAdapter adapter = new LocalAdapter(SocketPacket.MAIN_NAMESPACE);

  private RecordedSocket join(String id, String userId) {
    RecordedSocket s = new RecordedSocket(id, userId);
    adapter.join(s.socket, userId);
    return s;
  }

  @Test
  void anEmitToAUserReachesEverySocketOfThatUserOnlyEncodedOnce() {
    RecordedSocket alice1 = join("a1", "alice");
    RecordedSocket alice2 = join("a2", "alice");
    RecordedSocket bob = join("b1", "bob");
    int written = adapter.to("alice").emit("message:receive", "{\"id\":\"m1\"}", "\"7\"");
    assertEquals(2, written);
    assertEquals(List.of("2[\"message:receive\",{\"id\":\"m1\"},\"7\"]"), alice1.packets());
    assertEquals(alice1.packets(), alice2.packets());
    assertSame(
        alice1.shared().get(0), alice2.shared().get(0), "one encoding shared by every socket");
    assertEquals(List.of(), bob.packets());
  }

  @Test
  void everyoneExceptTheSenderAndOnlyTheSocketsATestAccepts() {
    RecordedSocket alice = join("a1", "alice");
    RecordedSocket bob = join("b1", "bob");
    RecordedSocket carol = join("c1", "carol");
    assertEquals(
        2, adapter.everyone().except(alice.socket).emit("user:online", "{\"userId\":\"alice\"}"));
    assertEquals(List.of(), alice.packets());
    assertEquals(1, bob.packets().size());
    assertSame(bob.shared().get(0), carol.shared().get(0));
    assertEquals(1, adapter.everyone().when(s -> s.id().startsWith("c")).emit("x"));
    assertEquals(2, carol.packets().size());
    assertEquals(1, bob.packets().size());
  }

  @Test
  void disconnectedSocketsAndUnknownUsersGetNothing() {
    RecordedSocket alice = join("a1", "alice");
    alice.markGone();
    assertEquals(0, adapter.to("alice").emit("x"));
    assertEquals(0, adapter.to("nobody").emit("x"));
    assertEquals(List.of(), alice.packets());
  }

  @Test
  void joinTellsTheFirstSocketOfAUserAndLeaveTheLast() {
    RecordedSocket a1 = new RecordedSocket("a1", "alice");
    RecordedSocket a2 = new RecordedSocket("a2", "alice");
    assertTrue(adapter.join(a1.socket, "alice"));
    assertFalse(adapter.join(a2.socket, "alice"));
    assertEquals(2, adapter.socketsOf("alice").size());
    assertEquals(1, adapter.userCount());
    assertFalse(adapter.leave(a1.socket, "alice"));
    assertFalse(adapter.leave(a1.socket, "alice"), "a socket leaves once");
    assertTrue(adapter.leave(a2.socket, "alice"));
    assertFalse(adapter.has("alice"));
    assertEquals(0, adapter.socketCount());
  }
}
