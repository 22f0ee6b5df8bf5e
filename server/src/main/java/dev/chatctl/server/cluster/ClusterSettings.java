package dev.chatctl.server.cluster;

import dev.chatctl.util.ConfigException;
import dev.chatctl.util.Durations;
import dev.chatctl.util.RandomIds;
import dev.chatctl.util.Settings;
import java.time.Duration;
import java.util.Optional;

/**
 * How a node takes part in a cluster: the Redis it shares with the other nodes and the timings of
 * presence and of the bus (README, "Running several nodes").
 *
 * @param redisUrl {@code REDIS_URL}, {@code redis://host:6379} (cluster mode is on when it is set)
 * @param nodeId this node's name among the others (default: random; no spaces)
 * @param keyTag the hash tag every key and channel shares ({@code {chatctl}}), so one Redis may
 *     carry several clusters and the scripts touch one slot
 * @param heartbeat how often the node renews its presence registration
 * @param nodeTtl how long a silent node counts as alive (its users then go offline)
 * @param presenceResync how often the local mirror of online users is read again in full
 * @param busCheck how often the node publishes a heartbeat to its own bus channel
 * @param busTimeout how long without hearing itself before the bus counts as down
 * @param gapWait how long an out-of-order message waits for the missing ones before the database is
 *     read
 * @param redisTimeout longest wait for a Redis command (and for connecting)
 * @param redisQueue most Redis commands waiting for an answer per connection
 */
public record ClusterSettings(
    String redisUrl,
    String nodeId,
    String keyTag,
    Duration heartbeat,
    Duration nodeTtl,
    Duration presenceResync,
    Duration busCheck,
    Duration busTimeout,
    Duration gapWait,
    Duration redisTimeout,
    int redisQueue) {

  public ClusterSettings {
    if (nodeId.isBlank() || nodeId.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(
          "CLUSTER_NODE_ID must be a word without spaces, not '" + nodeId + "'");
    }
    if (keyTag.isBlank() || keyTag.contains("{") || keyTag.contains("}")) {
      throw new ConfigException(
          "CLUSTER_KEY_TAG must be a non-empty word without braces, not '" + keyTag + "'");
    }
    if (nodeTtl.compareTo(heartbeat.multipliedBy(2)) < 0) {
      throw new ConfigException("CLUSTER_NODE_TTL must be at least twice CLUSTER_HEARTBEAT");
    }
    if (busTimeout.compareTo(busCheck) <= 0) {
      throw new ConfigException("CLUSTER_BUS_TIMEOUT must be longer than CLUSTER_BUS_CHECK");
    }
    if (redisQueue < 100) {
      throw new ConfigException("REDIS_QUEUE must be at least 100");
    }
  }

  /** The cluster settings, or empty when {@code REDIS_URL} is unset (a single node). */
  public static Optional<ClusterSettings> from(Settings settings) {
    String url = settings.get("REDIS_URL");
    if (url == null) {
      return Optional.empty();
    }
    int queue;
    try {
      queue = Integer.parseInt(settings.getOrDefault("REDIS_QUEUE", "10000"));
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "REDIS_QUEUE must be a number, not '" + settings.get("REDIS_QUEUE") + "'");
    }
    return Optional.of(
        new ClusterSettings(
            url,
            settings.getOrDefault("CLUSTER_NODE_ID", RandomIds.urlSafe(6)),
            settings.getOrDefault("CLUSTER_KEY_TAG", "chatctl"),
            duration(settings, "CLUSTER_HEARTBEAT", "5s"),
            duration(settings, "CLUSTER_NODE_TTL", "15s"),
            duration(settings, "CLUSTER_PRESENCE_RESYNC", "60s"),
            duration(settings, "CLUSTER_BUS_CHECK", "1s"),
            duration(settings, "CLUSTER_BUS_TIMEOUT", "3s"),
            duration(settings, "CLUSTER_GAP_WAIT", "50ms"),
            duration(settings, "REDIS_TIMEOUT", "2s"),
            queue));
  }

  /** The defaults with a Redis URL, a node id and a key tag (tests). */
  public static ClusterSettings defaults(String redisUrl, String nodeId, String keyTag) {
    return new ClusterSettings(
        redisUrl,
        nodeId,
        keyTag,
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(60),
        Duration.ofSeconds(1),
        Duration.ofSeconds(3),
        Duration.ofMillis(50),
        Duration.ofSeconds(2),
        10_000);
  }

  public ClusterSettings withHeartbeat(Duration heartbeat, Duration nodeTtl) {
    return new ClusterSettings(
        redisUrl,
        nodeId,
        keyTag,
        heartbeat,
        nodeTtl,
        presenceResync,
        busCheck,
        busTimeout,
        gapWait,
        redisTimeout,
        redisQueue);
  }

  public ClusterSettings withBusCheck(Duration busCheck, Duration busTimeout) {
    return new ClusterSettings(
        redisUrl,
        nodeId,
        keyTag,
        heartbeat,
        nodeTtl,
        presenceResync,
        busCheck,
        busTimeout,
        gapWait,
        redisTimeout,
        redisQueue);
  }

  public ClusterSettings withPresenceResync(Duration presenceResync) {
    return new ClusterSettings(
        redisUrl,
        nodeId,
        keyTag,
        heartbeat,
        nodeTtl,
        presenceResync,
        busCheck,
        busTimeout,
        gapWait,
        redisTimeout,
        redisQueue);
  }

  public ClusterSettings withRedisTimeout(Duration redisTimeout) {
    return new ClusterSettings(
        redisUrl,
        nodeId,
        keyTag,
        heartbeat,
        nodeTtl,
        presenceResync,
        busCheck,
        busTimeout,
        gapWait,
        redisTimeout,
        redisQueue);
  }

  /** The names of this cluster's keys and channels. */
  public ClusterKeys keys() {
    return new ClusterKeys(keyTag);
  }

  private static Duration duration(Settings settings, String key, String fallback) {
    Duration d = Durations.parse(key, settings.getOrDefault(key, fallback));
    if (d.isZero() || d.isNegative()) {
      throw new ConfigException(key + " must be longer than zero");
    }
    return d;
  }
}
