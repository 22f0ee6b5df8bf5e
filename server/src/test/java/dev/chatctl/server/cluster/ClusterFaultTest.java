package dev.chatctl.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.testing.PrivateRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis failing under the cluster, on a redis-server of the test's own: its pub/sub connections
 * killed, and the whole server paused for 10 s. The bus notices, says so, comes back by itself, and
 * presence converges.
 */
class ClusterFaultTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final List<ClusterNode> nodes = new ArrayList<>();
  private PrivateRedis redis;

  @BeforeEach
  void redis() throws Exception {
    redis = PrivateRedis.start();
  }

  @AfterEach
  void stop() {
    nodes.forEach(ClusterNode::close);
    redis.close();
  }

  private ClusterNode node(String id) {
    ClusterSettings settings =
        ClusterSettings.defaults(redis.url(), id, "chatctl")
            .withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(15))
            .withBusCheck(Duration.ofMillis(200), Duration.ofMillis(800))
            .withRedisTimeout(Duration.ofSeconds(1));
    ClusterNode node = new ClusterNode(settings).start();
    nodes.add(node);
    return node;
  }

  private static void publishQuietly(ClusterNode from, String user, String payload) {
    from.bus.publish(
        user, payload.getBytes(StandardCharsets.UTF_8)); // may fail while Redis is away
  }

  private static boolean heard(ClusterNode node, String payload) {
    return node.received.stream().anyMatch(r -> r.payload().equals(payload));
  }

  @Test
  void killedPubSubConnectionsAreNoticedAndSubscribedAgain() throws Exception {
    ClusterNode sender = node("sender");
    ClusterNode receiver = node("receiver");
    receiver.bus.subscribe("bob").toCompletableFuture().get(5, TimeUnit.SECONDS);
    sender.presence.userUp("alice").toCompletableFuture().get(5, TimeUnit.SECONDS);
    Eventually.within(
        WAIT, "alice online", () -> receiver.presence.onlineUsers().contains("alice"));

    String killed = redis.command("CLIENT", "KILL", "TYPE", "pubsub");
    assertTrue(
        killed.startsWith(":") && !killed.equals(":0"), "pub/sub connections killed: " + killed);
    Eventually.within(
        WAIT, "the bus said it was down", () -> receiver.states.contains(ClusterBus.State.DOWN));
    Eventually.within(
        WAIT,
        () -> "the bus is up again: " + receiver.states,
        () -> receiver.bus.state() == ClusterBus.State.UP);

    publishQuietly(sender, "bob", "after");
    Eventually.within(WAIT, "bob's channel subscribed again", () -> heard(receiver, "after"));
    sender.presence.userUp("carol").toCompletableFuture().get(5, TimeUnit.SECONDS);
    Eventually.within(
        WAIT,
        "presence events flow again",
        () -> receiver.presence.onlineUsers().equals(Set.of("alice", "carol")));
  }

  @Test
  void aPausedRedisTakesTheBusDownAndPresenceConvergesAfterIt() throws Exception {
    ClusterNode n1 = node("n1");
    ClusterNode n2 = node("n2");
    n2.bus.subscribe("bob").toCompletableFuture().get(5, TimeUnit.SECONDS);
    n1.presence.userUp("alice").toCompletableFuture().get(5, TimeUnit.SECONDS);
    Eventually.within(WAIT, "alice online", () -> n2.presence.onlineUsers().contains("alice"));

    redis.pause();
    long paused = System.nanoTime();
    CompletionStage<Void> daveSubscribed;
    CompletionStage<Void> daveAgain;
    try {
      Eventually.within(
          WAIT, "the bus noticed it hears nothing", () -> n2.bus.state() == ClusterBus.State.DOWN);
      // presence changes while Redis does not answer: they fail, and are written later
      n1.presence.userUp("carol");
      n1.presence.userDown("alice");
      daveSubscribed = n2.bus.subscribe("dave"); // dave's first socket on n2, while Redis is away
      daveAgain = n2.bus.subscribe("dave"); // and a second one
      for (int i = 0; i < 20; i++) {
        publishQuietly(n1, "bob", "during" + i);
        Thread.sleep(100);
      }
      Thread.sleep(Math.max(0, 10_000 - Duration.ofNanos(System.nanoTime() - paused).toMillis()));
    } finally {
      redis.resume();
    }
    long resumed = System.nanoTime();
    Eventually.within(WAIT, "the bus is up again", () -> n2.bus.state() == ClusterBus.State.UP);
    Eventually.within(
        WAIT,
        () -> "presence converged: " + n2.presence.onlineUsers(),
        () -> n2.presence.onlineUsers().equals(Set.of("carol")));
    Duration converged = Duration.ofNanos(System.nanoTime() - resumed);
    assertTrue(converged.compareTo(WAIT) < 0, "converged in " + converged);
    assertEquals(Set.of("carol"), n1.presence.onlineUsers());

    publishQuietly(n1, "bob", "after");
    Eventually.within(WAIT, "live payloads flow again", () -> heard(n2, "after"));
    assertTrue(
        daveSubscribed.toCompletableFuture().isCompletedExceptionally(),
        "the subscribe during the pause failed");
    assertTrue(
        daveAgain.toCompletableFuture().isCompletedExceptionally(),
        "and so did the second socket's: it waited for the same");
    publishQuietly(n1, "dave", "for dave");
    Eventually.within(
        WAIT, "dave's channel subscribed once Redis was back", () -> heard(n2, "for dave"));
  }
}
