package dev.chatctl.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.testing.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cluster-wide presence on the real Redis: online and offline once, whatever the nodes do. */
class ClusterPresenceTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final List<ClusterNode> nodes = new ArrayList<>();
  private String url;
  private String tag;

  @BeforeEach
  void redis() {
    url = TestRedis.url();
    tag = TestRedis.freshTag();
  }

  @AfterEach
  void stop() throws Exception {
    nodes.forEach(ClusterNode::close);
    URI uri = URI.create(url);
    ClusterKeys keys = new ClusterKeys(tag);
    for (String key : List.of(keys.nodes(), keys.userNodes(), keys.presenceSeq())) {
      TestRedis.command(uri.getHost(), uri.getPort(), "DEL", key);
    }
  }

  private ClusterNode node(String id, Duration heartbeat, Duration ttl) {
    ClusterNode node =
        new ClusterNode(ClusterSettings.defaults(url, id, tag).withHeartbeat(heartbeat, ttl))
            .start();
    nodes.add(node);
    return node;
  }

  private ClusterNode node(String id) {
    return node(id, Duration.ofMillis(200), Duration.ofMillis(800));
  }

  private static boolean up(ClusterNode node, String user) throws Exception {
    return node.presence.userUp(user).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static boolean down(ClusterNode node, String user) throws Exception {
    return node.presence.userDown(user).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private String redis(String... args) throws Exception {
    URI uri = URI.create(url);
    return TestRedis.command(uri.getHost(), uri.getPort(), args);
  }

  @Test
  void aUserIsOnlineOnceFromTheirFirstSocketAnywhereToTheirLast() throws Exception {
    ClusterNode n1 = node("n1");
    ClusterNode n2 = node("n2");
    ClusterNode n3 = node("n3");

    assertTrue(up(n1, "alice"), "alice's first socket in the cluster");
    assertFalse(up(n2, "alice"), "a second node adds no change");
    assertFalse(up(n1, "alice"), "a repeated call changes nothing");
    for (ClusterNode n : nodes) {
      Eventually.within(
          WAIT,
          n.settings.nodeId() + " sees alice online",
          () -> n.presence.onlineUsers().contains("alice"));
    }
    assertFalse(down(n1, "alice"), "still online on n2");
    assertTrue(down(n2, "alice"), "the last socket anywhere");
    for (ClusterNode n : nodes) {
      Eventually.within(
          WAIT,
          n.settings.nodeId() + " sees alice offline",
          () -> !n.presence.onlineUsers().contains("alice"));
    }
    Thread.sleep(300); // anything extra would show by now
    for (ClusterNode n : nodes) {
      assertEquals(
          List.of("+alice", "-alice"),
          n.changesOf("alice"),
          "one change each way on " + n.settings.nodeId());
    }
    assertTrue(
        n3.changes.stream().allMatch(e -> e.seq() > 0),
        "every change came in order from its event");
  }

  @Test
  void aCrashedNodesUsersGoOfflineAfterItsTtlUnlessConnectedElsewhere() throws Exception {
    ClusterNode n1 = node("n1");
    ClusterNode n2 = node("n2");
    up(n1, "alice");
    up(n1, "bob");
    up(n2, "bob");
    Eventually.within(
        WAIT,
        "both online on n2",
        () -> n2.presence.onlineUsers().containsAll(Set.of("alice", "bob")));

    long crashed = System.nanoTime();
    n1.crash();
    Eventually.within(
        WAIT, "alice offline after n1 died", () -> !n2.presence.onlineUsers().contains("alice"));
    Duration took = Duration.ofNanos(System.nanoTime() - crashed);
    assertTrue(
        took.compareTo(Duration.ofMillis(600)) >= 0,
        "not before the 800 ms TTL ran out (after the last heartbeat): " + took);
    Thread.sleep(500);
    assertEquals(List.of("+alice", "-alice"), n2.changesOf("alice"));
    assertEquals(List.of("+bob"), n2.changesOf("bob"), "bob stays online through n2: no flap");
    assertEquals(
        Set.of("n2"),
        Set.copyOf(
            n2.presence.nodes().toCompletableFuture().get().stream()
                .map(NodeStatus::nodeId)
                .toList()));
  }

  @Test
  void aNodeTheOthersDroppedWritesItsUsersBack() throws Exception {
    ClusterNode slow =
        node("slow", Duration.ofSeconds(3), Duration.ofSeconds(6)); // first heartbeat in 3 s
    ClusterNode n2 = node("n2", Duration.ofMillis(100), Duration.ofMillis(400));
    up(slow, "alice");
    Eventually.within(
        WAIT, "alice online on n2", () -> n2.presence.onlineUsers().contains("alice"));

    redis("ZADD", new ClusterKeys(tag).nodes(), "0", "slow"); // as if its heartbeats had stopped
    Eventually.within(WAIT, "n2 dropped slow", () -> n2.changesOf("alice").size() == 2);
    Eventually.within(WAIT, "slow wrote alice back", () -> n2.changesOf("alice").size() == 3);
    assertEquals(List.of("+alice", "-alice", "+alice"), n2.changesOf("alice"));
    assertTrue(n2.presence.onlineUsers().contains("alice"));
  }

  @Test
  void aChangeWhoseEventWasLostIsFoundByTheNextResync() throws Exception {
    ClusterNode n1 = node("n1");
    ClusterKeys keys = new ClusterKeys(tag);
    // a change made behind the mirror's back, its event never published
    redis("HSET", keys.userNodes(), "ghost", "1");
    redis("INCR", keys.presenceSeq());
    Eventually.within(
        WAIT, "the mirror found ghost", () -> n1.presence.onlineUsers().contains("ghost"));
    PresenceEvent found = n1.changes.get(n1.changes.size() - 1);
    assertEquals("ghost", found.userId());
    assertTrue(found.fromResync());

    up(n1, "alice"); // events flow in order again after the re-sync
    Eventually.within(WAIT, "alice online", () -> n1.changesOf("alice").equals(List.of("+alice")));
  }

  @Test
  void afterRedisLostItsDataTheNodesRegisterAgainAndTheMirrorsConverge() throws Exception {
    ClusterNode n1 = node("n1");
    ClusterNode n2 = node("n2");
    up(n1, "alice");
    up(n2, "bob");
    up(n2, "carol");
    down(n2, "carol");
    Eventually.within(
        WAIT,
        "n1 sees alice and bob",
        () -> n1.presence.onlineUsers().equals(Set.of("alice", "bob")));

    ClusterKeys keys = new ClusterKeys(tag);
    for (String key :
        List.of(
            keys.nodes(),
            keys.userNodes(),
            keys.presenceSeq(),
            keys.nodeUsers("n1"),
            keys.nodeUsers("n2"))) {
      redis("DEL", key); // as a restarted Redis without persistence
    }
    Eventually.within(WAIT, "n1 and n2 registered again", () -> nodesSeenBy(n1).size() == 2);
    for (ClusterNode n : nodes) {
      Eventually.within(
          WAIT,
          n.settings.nodeId() + " sees alice and bob",
          () -> n.presence.onlineUsers().equals(Set.of("alice", "bob")));
    }
  }

  private static List<NodeStatus> nodesSeenBy(ClusterNode node) {
    return node.presence.nodes().toCompletableFuture().join();
  }

  @Test
  void nodesListsEachLiveNodeWithItsCountsAndHeartbeatAge() throws Exception {
    ClusterNode n1 = node("n1");
    ClusterNode n2 = node("n2");
    n1.sockets.set(3);
    up(n1, "alice");
    up(n1, "bob");
    Eventually.within(
        WAIT,
        "n1's heartbeat carried its socket count",
        () -> nodesSeenBy(n2).stream().anyMatch(s -> s.sockets() == 3));
    Map<String, NodeStatus> status = new HashMap<>();
    nodesSeenBy(n2).forEach(s -> status.put(s.nodeId(), s));
    assertEquals(Set.of("n1", "n2"), status.keySet());
    assertEquals(2, status.get("n1").users());
    assertEquals(0, status.get("n2").users());
    assertTrue(
        status.get("n1").heartbeatAge().compareTo(Duration.ofMillis(800)) < 0,
        status.get("n1").toString());
    assertTrue(status.get("n1").expiresIn().isPositive(), status.get("n1").toString());
  }
}
