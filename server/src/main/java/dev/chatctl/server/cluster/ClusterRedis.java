package dev.chatctl.server.cluster;

import dev.chatctl.util.ConfigException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A node's link to the cluster's Redis: one Lettuce client (two I/O threads), the connections
 * presence and the bus open on it, and the one scheduler thread their timers run on. Commands are
 * bounded: each waits at most {@code REDIS_TIMEOUT}, at most {@code REDIS_QUEUE} wait per
 * connection, and while a connection is down commands fail at once instead of piling up (what they
 * carried is in the database or is re-sent by the next heartbeat or re-sync). Lettuce reconnects by
 * itself and subscribes again to what a pub/sub connection had subscribed.
 */
public final class ClusterRedis implements AutoCloseable {
  /** Channel names as text, payloads as bytes: what the bus carries is opaque. */
  static final RedisCodec<String, byte[]> BYTES =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final ClusterSettings settings;
  private final ClientResources resources;
  private final RedisClient client;
  private final ScheduledExecutorService scheduler;

  public ClusterRedis(ClusterSettings settings) {
    this.settings = settings;
    RedisURI uri;
    try {
      uri = RedisURI.create(settings.redisUrl());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "REDIS_URL '"
              + settings.redisUrl()
              + "' is not a Redis URL (redis://host:6379): "
              + e.getMessage());
    }
    uri.setTimeout(settings.redisTimeout());
    resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .commandLatencyRecorder(CommandLatencyRecorder.disabled()) // /metrics has its own
            .build();
    client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .maintNotificationsConfig(
                MaintNotificationsConfig
                    .disabled()) // Redis 7 refuses the handshake's CLIENT MAINT_NOTIFICATIONS
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(settings.redisQueue())
            .timeoutOptions(TimeoutOptions.enabled(settings.redisTimeout()))
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(settings.redisTimeout())
                    .keepAlive(true)
                    .build())
            .build());
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("chatctl-cluster").daemon(true).unstarted(r));
  }

  public ClusterSettings settings() {
    return settings;
  }

  public ClusterKeys keys() {
    return settings.keys();
  }

  /** The thread cluster timers run on; tasks must not block. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** A command connection (fails if Redis cannot be reached now). */
  StatefulRedisConnection<String, String> connectText() {
    return client.connect();
  }

  StatefulRedisConnection<String, byte[]> connectBytes() {
    return client.connect(BYTES);
  }

  StatefulRedisPubSubConnection<String, String> connectTextPubSub() {
    return client.connectPubSub();
  }

  StatefulRedisPubSubConnection<String, byte[]> connectBytesPubSub() {
    return client.connectPubSub(BYTES);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
