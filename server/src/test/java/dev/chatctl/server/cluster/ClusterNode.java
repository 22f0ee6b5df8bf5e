package dev.chatctl.server.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test node's cluster parts on a Redis: presence and bus, with every presence change, bus
 * payload and bus state it saw recorded.
 */
final class ClusterNode implements AutoCloseable {
  record Received(String userId, String payload) {}

  final ClusterSettings settings;
  final ClusterRedis redis;
  final ClusterPresence presence;
  final ClusterBus bus;
  final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  final AtomicInteger sockets = new AtomicInteger();
  final List<PresenceEvent> changes = new CopyOnWriteArrayList<>();
  final List<Received> received = new CopyOnWriteArrayList<>();
  final List<ClusterBus.State> states = new CopyOnWriteArrayList<>();
  private boolean crashed;

  ClusterNode(ClusterSettings settings) {
    this.settings = settings;
    redis = new ClusterRedis(settings);
    presence = new ClusterPresence(redis, sockets::get, metrics);
    presence.addListener(changes::add);
    bus =
        new ClusterBus(
            redis,
            (user, payload) -> received.add(new Received(user, new String(payload))),
            metrics);
    bus.addStateListener(states::add);
  }

  ClusterNode start() {
    presence.start();
    bus.start();
    return this;
  }

  /** Changes of one user seen here, as "+user"/"-user". */
  List<String> changesOf(String userId) {
    return changes.stream()
        .filter(e -> e.userId().equals(userId))
        .map(e -> (e.online() ? "+" : "-") + e.userId())
        .toList();
  }

  /** The node dies: no more heartbeats, its connections cut, nothing said to the others. */
  void crash() {
    crashed = true;
    redis.close();
  }

  @Override
  public void close() {
    if (!crashed) {
      bus.close();
      presence.close();
      redis.close();
    }
  }
}
