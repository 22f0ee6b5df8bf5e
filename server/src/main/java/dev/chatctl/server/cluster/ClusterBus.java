package dev.chatctl.server.cluster;

// Over 350 lines: subscriptions (counted, confirmed, retried) and the self-heartbeat share the
// connection state they watch.

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live traffic between nodes (docs: CLUSTER.md, "Live delivery", "Bus self-check"): one Redis
 * channel per user ({@code {tag}:u:<user>}), subscribed by each node with a socket of the user, and
 * opaque payloads published to it. {@link #subscribe} completes when Redis has confirmed the
 * subscription, so anything published after it is heard. The bus is lossy by design: what it loses,
 * the database has (the caller fills gaps with {@link OffsetSequencer}).
 *
 * <p>Self-check: every {@code CLUSTER_BUS_CHECK} the node publishes a heartbeat to its own channel;
 * if it has not heard one for {@code CLUSTER_BUS_TIMEOUT} (or the connection dropped), the bus is
 * {@link State#DOWN} and every channel is subscribed again, until a heartbeat is heard and it is
 * {@link State#UP} again. A state listener told UP after DOWN must catch up from the database: what
 * was published meanwhile is lost. Subscriptions are counted per user (subscribe and unsubscribe in
 * pairs); one that fails stays wanted and is made again at the next recovery. Message and state
 * listeners run on Redis threads and must not block.
 */
public final class ClusterBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterBus.class);

  /** Channels per SUBSCRIBE when subscribing everything again. */
  private static final int RESUBSCRIBE_BATCH = 1_000;

  public enum State {
    UP,
    DOWN
  }

  /** Gets the payloads published to the channels of the users this node subscribed. */
  public interface Listener {
    void onMessage(String userId, byte[] payload);
  }

  private final ClusterRedis redis;
  private final ClusterKeys keys;
  private final String nodeChannel;
  private final Listener listener;

  /** A user's channel here: how many local subscribers, and Redis's confirmation. */
  private static final class Channel {
    int count; // changed in the map entry's lock
    volatile CompletableFuture<Void> confirmed = new CompletableFuture<>();
  }

  private final Map<String, Channel> subscriptions = new ConcurrentHashMap<>();
  private final List<Consumer<State>> stateListeners = new CopyOnWriteArrayList<>();
  private final Counter published;
  private final Counter publishFailures;
  private final Counter received;
  private final Counter dropped;
  private final Counter recoveries;
  private StatefulRedisConnection<String, byte[]> connection;
  private StatefulRedisPubSubConnection<String, byte[]> pubsub;
  private ScheduledFuture<?> check;
  private volatile State state = State.DOWN;
  private volatile long lastHeard; // System.nanoTime() of the last own heartbeat heard
  private volatile long lastRecovery;
  private volatile double dropShare;
  private volatile boolean closed;

  /** Subscribes and unsubscribes, in one order, a bounded number unanswered. */
  private final Throttle throttle;

  public ClusterBus(ClusterRedis redis, Listener listener, MeterRegistry metrics) {
    this.redis = redis;
    this.keys = redis.keys();
    this.nodeChannel = keys.nodeChannel(redis.settings().nodeId());
    this.listener = listener;
    this.throttle = Throttle.under(redis.settings().redisQueue());
    metrics.gauge("chatctl.cluster.bus.up", this, b -> b.state == State.UP ? 1 : 0);
    metrics.gauge("chatctl.cluster.bus.channels", subscriptions, Map::size);
    published =
        Counter.builder("chatctl.cluster.bus.published")
            .description("Payloads published to the bus")
            .register(metrics);
    publishFailures =
        Counter.builder("chatctl.cluster.bus.publish.failures")
            .description("Publishes Redis refused or did not answer")
            .register(metrics);
    received =
        Counter.builder("chatctl.cluster.bus.received")
            .description("Payloads received from the bus")
            .register(metrics);
    dropped =
        Counter.builder("chatctl.cluster.bus.dropped")
            .description("Payloads dropped by the test hook")
            .register(metrics);
    recoveries =
        Counter.builder("chatctl.cluster.bus.recoveries")
            .description("Times the bus was found down and subscribed again")
            .register(metrics);
  }

  /** Connects, subscribes to the node's own channel and starts the self-check. */
  public void start() {
    connection = redis.connectBytes();
    pubsub = redis.connectBytesPubSub();
    pubsub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, byte[] message) {
            onMessage(channel, message);
          }
        });
    pubsub.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
            if (!closed) {
              setState(State.DOWN);
            }
          }
        });
    Futures.await(pubsub.async().subscribe(nodeChannel));
    lastHeard = System.nanoTime();
    setState(State.UP);
    long every = redis.settings().busCheck().toMillis();
    check = redis.scheduler().scheduleAtFixedRate(this::selfCheck, 0, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Listens to the user's channel; completes when Redis has confirmed (the user's later subscribers
   * get the same confirmation). Completions run on the cluster scheduler thread.
   */
  public CompletionStage<Void> subscribe(String userId) {
    Channel channel =
        subscriptions.compute(
            userId,
            (user, c) -> {
              if (c == null) {
                c = new Channel();
                sendSubscribe(user, c); // in the map entry's lock: in order with an unsubscribe
              }
              c.count++;
              return c;
            });
    return channel.confirmed;
  }

  /**
   * Subscribes the user's channel; a failure is retried every CLUSTER_BUS_CHECK while it is wanted.
   */
  private void sendSubscribe(String userId, Channel channel) {
    CompletableFuture<Void> confirmed = channel.confirmed;
    throttle
        .send(() -> pubsub.async().subscribe(keys.userChannel(userId)))
        .whenCompleteAsync(
            (v, error) -> {
              Futures.complete(confirmed, null, error);
              if (error != null && !closed) {
                redis
                    .scheduler()
                    .schedule(
                        () -> retrySubscribe(userId),
                        redis.settings().busCheck().toMillis(),
                        TimeUnit.MILLISECONDS);
              }
            },
            redis.scheduler());
  }

  private void retrySubscribe(String userId) {
    subscriptions.computeIfPresent(
        userId,
        (user, c) -> {
          if (c.confirmed.isCompletedExceptionally()) {
            c.confirmed = new CompletableFuture<>();
            sendSubscribe(user, c);
          }
          return c;
        });
  }

  /**
   * Stops listening when the last local subscriber of the user leaves; completes when confirmed.
   */
  public CompletionStage<Void> unsubscribe(String userId) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    boolean[] sent = {false};
    subscriptions.computeIfPresent(
        userId,
        (user, c) -> {
          if (--c.count > 0) {
            return c;
          }
          sent[0] = true;
          throttle
              .send(() -> pubsub.async().unsubscribe(keys.userChannel(user)))
              .whenCompleteAsync((v, e) -> Futures.complete(done, null, e), redis.scheduler());
          return null;
        });
    if (!sent[0]) {
      done.complete(null); // still wanted here, or not subscribed at all
    }
    return done;
  }

  /** Publishes to the user's channel; completes with how many nodes heard it. */
  public CompletionStage<Long> publish(String userId, byte[] payload) {
    return connection
        .async()
        .publish(keys.userChannel(userId), payload)
        .whenComplete(
            (n, e) -> {
              if (e != null) {
                publishFailures.increment();
              } else {
                published.increment();
              }
            });
  }

  public State state() {
    return state;
  }

  /** Called with each change of {@link #state}. */
  public void addStateListener(Consumer<State> stateListener) {
    stateListeners.add(stateListener);
  }

  /** Test hook: drop this share (0..1) of the payloads received, as a lossy bus would. */
  public void dropShare(double share) {
    this.dropShare = share;
  }

  /** How many users this node listens to. */
  public int channelCount() {
    return subscriptions.size();
  }

  /**
   * Test hook: makes Redis forget this node's subscriptions behind the bus's back, the silent
   * failure the self-check exists for (the connection stays up, nothing arrives).
   */
  void forgetSubscriptions() {
    pubsub.async().unsubscribe();
  }

  @Override
  public void close() {
    closed = true;
    if (check != null) {
      check.cancel(false);
    }
    if (pubsub != null) {
      pubsub.close();
    }
    if (connection != null) {
      connection.close();
    }
    state = State.DOWN;
  }

  private void onMessage(String channel, byte[] message) {
    if (channel.equals(nodeChannel)) {
      lastHeard = System.nanoTime();
      setState(State.UP);
      return;
    }
    String userId = keys.userOf(channel);
    if (userId == null) {
      return;
    }
    double share = dropShare;
    if (share > 0 && ThreadLocalRandom.current().nextDouble() < share) {
      dropped.increment();
      return;
    }
    received.increment();
    try {
      listener.onMessage(userId, message);
    } catch (RuntimeException e) {
      log.error("bus listener failed", e);
    }
  }

  private void selfCheck() {
    long now = System.nanoTime();
    long timeout = redis.settings().busTimeout().toNanos();
    if (now - lastHeard > timeout) {
      setState(State.DOWN);
      if (now - lastRecovery > timeout) {
        lastRecovery = now;
        recoveries.increment();
        resubscribeAll();
      }
    }
    connection.async().publish(nodeChannel, ByteBuffer.allocate(8).putLong(now).array());
  }

  /**
   * Subscribes every wanted channel again (idempotent in Redis: mends a connection Redis forgot).
   */
  private void resubscribeAll() {
    List<String> channels = new ArrayList<>(subscriptions.size() + 1);
    channels.add(nodeChannel);
    for (String user : subscriptions.keySet()) {
      channels.add(keys.userChannel(user));
    }
    for (int i = 0; i < channels.size(); i += RESUBSCRIBE_BATCH) {
      String[] batch =
          channels
              .subList(i, Math.min(channels.size(), i + RESUBSCRIBE_BATCH))
              .toArray(String[]::new);
      pubsub
          .async()
          .subscribe(batch)
          .whenComplete(
              (v, e) -> {
                if (e != null) {
                  log.debug("resubscribing failed: {}", e.toString());
                }
              });
    }
  }

  private void setState(State next) {
    State previous;
    synchronized (this) {
      previous = state;
      state = next;
    }
    if (previous == State.DOWN && next == State.UP) {
      resubscribeAll(); // what failed while it was down is wanted still
    }
    if (previous != next) {
      log.info(
          "cluster bus {}",
          next == State.UP ? "up" : "down (catching up from the database until it is back)");
      for (var l : stateListeners) {
        try {
          l.accept(next);
        } catch (RuntimeException e) {
          log.error("bus state listener failed", e);
        }
      }
    }
  }
}
