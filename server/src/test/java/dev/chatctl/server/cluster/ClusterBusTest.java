package dev.chatctl.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bus on the real Redis: per-user channels, confirmed subscriptions, the drop hook. */
class ClusterBusTest {
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
  void stop() {
    nodes.forEach(ClusterNode::close);
  }

  private ClusterNode node(String id) {
    ClusterNode node =
        new ClusterNode(
                ClusterSettings.defaults(url, id, tag)
                    .withBusCheck(Duration.ofMillis(100), Duration.ofMillis(500)))
            .start();
    nodes.add(node);
    return node;
  }

  private static long publish(ClusterNode from, String user, String payload) throws Exception {
    return from.bus
        .publish(user, payload.getBytes(StandardCharsets.UTF_8))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aConfirmedSubscriptionHearsEveryPayloadPublishedAfterIt() throws Exception {
    ClusterNode sender = node("sender");
    ClusterNode receiver = node("receiver");
    receiver.bus.subscribe("bob").toCompletableFuture().get(5, TimeUnit.SECONDS);
    for (int i = 0; i < 100; i++) {
      assertEquals(1, publish(sender, "bob", "m" + i), "one node listens to bob");
    }
    assertEquals(0, publish(sender, "carol", "nobody"), "nobody listens to carol");
    Eventually.within(WAIT, "100 payloads", () -> receiver.received.size() == 100);
    for (int i = 0; i < 100; i++) {
      assertEquals(
          new ClusterNode.Received("bob", "m" + i), receiver.received.get(i), "in publish order");
    }
    assertTrue(sender.received.isEmpty());
    assertEquals(ClusterBus.State.UP, receiver.bus.state());
  }

  @Test
  void theChannelStaysUntilItsLastLocalSubscriberLeaves() throws Exception {
    ClusterNode sender = node("sender");
    ClusterNode receiver = node("receiver");
    receiver.bus.subscribe("bob").toCompletableFuture().get(5, TimeUnit.SECONDS);
    receiver
        .bus
        .subscribe("bob")
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS); // bob's second socket
    receiver.bus.unsubscribe("bob").toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(1, publish(sender, "bob", "still"));
    receiver.bus.unsubscribe("bob").toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(0, publish(sender, "bob", "gone"));
    receiver
        .bus
        .unsubscribe("bob")
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS); // once too often: harmless
    assertEquals(0, receiver.bus.channelCount());
    Eventually.within(WAIT, "the first payload", () -> receiver.received.size() == 1);
    assertEquals("still", receiver.received.get(0).payload());
  }

  @Test
  void theTestHookDropsAShareOfWhatArrives() throws Exception {
    ClusterNode sender = node("sender");
    ClusterNode receiver = node("receiver");
    receiver.bus.subscribe("bob").toCompletableFuture().get(5, TimeUnit.SECONDS);
    receiver.bus.dropShare(0.5);
    for (int i = 0; i < 400; i++) {
      publish(sender, "bob", "m" + i);
    }
    Eventually.within(
        WAIT,
        "every payload received or dropped",
        () -> receiver.received.size() + dropped(receiver) == 400);
    assertTrue(
        receiver.received.size() > 100 && receiver.received.size() < 300,
        "about half: " + receiver.received.size());
    receiver.bus.dropShare(1);
    publish(sender, "bob", "lost");
    Eventually.within(WAIT, "dropped", () -> dropped(receiver) + receiver.received.size() == 401);
  }

  private static long dropped(ClusterNode node) {
    return (long) node.metrics.get("chatctl.cluster.bus.dropped").counter().count();
  }

  @Test
  void aNodeThatSilentlyStopsHearingNoticesBySelfCheckAndSubscribesAgain() throws Exception {
    ClusterNode sender = node("sender");
    ClusterNode receiver = node("receiver");
    receiver.bus.subscribe("bob").toCompletableFuture().get(5, TimeUnit.SECONDS);
    receiver.bus.forgetSubscriptions(); // the connection stays up; Redis just sends nothing
    List<ClusterBus.State> downAndUp =
        List.of(ClusterBus.State.UP, ClusterBus.State.DOWN, ClusterBus.State.UP);
    Eventually.within(
        WAIT,
        () -> "down when nothing was heard, then up: " + receiver.states,
        () -> receiver.states.equals(downAndUp));
    assertEquals(1, publish(sender, "bob", "heard again"));
    Eventually.within(WAIT, "bob's payload", () -> receiver.received.size() == 1);
    assertEquals(1.0, receiver.metrics.get("chatctl.cluster.bus.recoveries").counter().count());
  }
}
