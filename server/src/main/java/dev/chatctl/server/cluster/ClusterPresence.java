package dev.chatctl.server.cluster;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is online across the cluster (docs: CLUSTER.md, "Presence"). The node tells Redis only a
 * user's first local socket ({@link #userUp}) and last ({@link #userDown}); Lua scripts keep the
 * users per node and the live-node count per user, and publish each cluster-wide change with a
 * sequence number, so every node sees one order. A heartbeat ({@code CLUSTER_HEARTBEAT}) renews the
 * node's registration ({@code CLUSTER_NODE_TTL}) and drops nodes whose deadline passed, their
 * last-node users going offline; a node that finds itself dropped, or whose change may not have
 * reached Redis, writes its whole user set back. {@link #onlineUsers} reads a local mirror kept
 * from the events and read again in full every {@code CLUSTER_PRESENCE_RESYNC}, after a reconnect,
 * when an event went missing, and when Redis lost its data.
 *
 * <p>Listeners get every change in order, this node's own included (announce {@code
 * user:online}/{@code user:offline} from them, not from {@link #userUp}'s answer); they run on
 * Redis threads and must not block.
 */
public final class ClusterPresence implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterPresence.class);
  private static final LuaScript UP = new LuaScript("up.lua", ScriptOutputType.INTEGER);
  private static final LuaScript DOWN = new LuaScript("down.lua", ScriptOutputType.INTEGER);
  private static final LuaScript BEAT = new LuaScript("beat.lua", ScriptOutputType.MULTI);
  private static final LuaScript SYNC = new LuaScript("sync.lua", ScriptOutputType.MULTI);
  private static final LuaScript LEAVE = new LuaScript("leave.lua", ScriptOutputType.INTEGER);
  private static final LuaScript SNAPSHOT = new LuaScript("snapshot.lua", ScriptOutputType.MULTI);
  private static final LuaScript NODES = new LuaScript("nodes.lua", ScriptOutputType.MULTI);

  /** How long an event may wait for a missing earlier one before the mirror is read again. */
  private static final Duration STALL_LIMIT = Duration.ofSeconds(1);

  /** Gets presence changes in the cluster's order. */
  public interface Listener {
    void onChange(PresenceEvent event);
  }

  private final ClusterRedis redis;
  private final ClusterSettings settings;
  private final ClusterKeys keys;
  private final IntSupplier socketCount;
  private final String[] sharedKeys;
  private final PresenceMirror mirror = new PresenceMirror();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Object deliverLock = new Object();

  /** The users with a socket here; changed together with dispatching the script, in one order. */
  private final Set<String> localUsers = new HashSet<>();

  /** Ups, downs and syncs leave in the order they were made, a bounded number unanswered. */
  private final Throttle changes;

  private volatile boolean dirty;
  private StatefulRedisConnection<String, String> connection;
  private RedisAsyncCommands<String, String> commands;
  private StatefulRedisPubSubConnection<String, String> pubsub;
  private ScheduledFuture<?> heartbeat;
  private volatile long lastResync; // System.nanoTime()
  private volatile long lastBeatSeq = -1;

  public ClusterPresence(ClusterRedis redis, IntSupplier socketCount, MeterRegistry metrics) {
    this.redis = redis;
    this.settings = redis.settings();
    this.keys = redis.keys();
    this.socketCount = socketCount;
    this.changes = Throttle.under(settings.redisQueue());
    this.sharedKeys = new String[] {keys.nodes(), keys.userNodes(), keys.presenceSeq()};
    metrics.gauge("chatctl.cluster.users.online", mirror.online(), Set::size);
  }

  /** Connects, subscribes to the changes, registers the node and reads who is online. */
  public void start() {
    connection = redis.connectText();
    commands = connection.async();
    pubsub = redis.connectTextPubSub();
    pubsub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            PresenceEvent event = PresenceEvent.parse(message);
            if (event != null) {
              deliver(() -> mirror.apply(event));
            }
          }
        });
    pubsub.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
            // subscribed again (confirmed): now a snapshot misses nothing
            pubsub.async().subscribe(keys.presenceChannel()).thenRun(() -> resync(false));
          }
        });
    Futures.await(pubsub.async().subscribe(keys.presenceChannel()));
    Futures.await(sync());
    Futures.await(resync(false));
    long every = settings.heartbeat().toMillis();
    heartbeat =
        redis.scheduler().scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Who is online in the cluster (a live, read-only view of the mirror). */
  public Set<String> onlineUsers() {
    return Collections.unmodifiableSet(mirror.online());
  }

  /**
   * The user's first socket on this node: true if the user came online in the cluster, false if
   * they were online already (or this node had to register again first, when the answer is not
   * known; the listeners still get the change). Fails if Redis cannot be reached: the change is
   * then written at the next heartbeat.
   */
  public CompletionStage<Boolean> userUp(String userId) {
    CompletionStage<Long> result;
    synchronized (localUsers) {
      if (!localUsers.add(userId)) {
        return CompletableFuture.completedFuture(false);
      }
      result = changes.send(() -> UP.run(commands, sharedKeys, args(userId)));
    }
    return result.handle(
        (seq, error) -> {
          if (error != null) {
            dirty = true;
            throw new IllegalStateException(
                "presence of " + userId + " not written to Redis (retried)", error);
          }
          if (seq < 0) {
            sync(); // dropped by the others: write everything back
            return false;
          }
          return seq > 0;
        });
  }

  /** The user's last socket on this node closed: true if the user went offline in the cluster. */
  public CompletionStage<Boolean> userDown(String userId) {
    CompletionStage<Long> result;
    synchronized (localUsers) {
      if (!localUsers.remove(userId)) {
        return CompletableFuture.completedFuture(false);
      }
      result = changes.send(() -> DOWN.run(commands, sharedKeys, args(userId)));
    }
    return result.handle(
        (seq, error) -> {
          if (error != null) {
            dirty = true;
            throw new IllegalStateException(
                "presence of " + userId + " not written to Redis (retried)", error);
          }
          return seq > 0;
        });
  }

  /** The nodes registered now, with their socket and user counts and heartbeat ages. */
  public CompletionStage<List<NodeStatus>> nodes() {
    return NODES
        .<List<Object>>run(commands, sharedKeys, keys.presenceChannel(), keys.nodePrefix())
        .thenApply(
            row -> {
              long now = Long.parseLong(row.get(0).toString());
              List<NodeStatus> nodes = new ArrayList<>();
              for (int i = 1; i + 4 < row.size(); i += 5) {
                long deadline = (long) Double.parseDouble(row.get(i + 1).toString());
                long beat = Long.parseLong(row.get(i + 2).toString());
                nodes.add(
                    new NodeStatus(
                        row.get(i).toString(),
                        Long.parseLong(row.get(i + 3).toString()),
                        Long.parseLong(row.get(i + 4).toString()),
                        Duration.ofMillis(now - beat),
                        Duration.ofMillis(deadline - now)));
              }
              return nodes;
            });
  }

  /** Reads who is online in full and tells the listeners what changed (unless it is older). */
  public CompletionStage<Void> resync(boolean force) {
    lastResync = System.nanoTime();
    return SNAPSHOT
        .<List<Object>>run(commands, sharedKeys, keys.presenceChannel(), keys.nodePrefix())
        .thenAccept(
            row -> {
              long seq = Long.parseLong(row.get(0).toString());
              List<String> users = new ArrayList<>(row.size() - 1);
              for (int i = 1; i < row.size(); i++) {
                users.add(row.get(i).toString());
              }
              deliver(() -> mirror.replace(seq, users, force));
            });
  }

  /** Leaves the cluster: this node's users go offline where it was their last node. */
  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    if (commands != null) {
      try {
        Futures.await(
            LEAVE.run(
                commands,
                sharedKeys,
                keys.presenceChannel(),
                keys.nodePrefix(),
                settings.nodeId()));
      } catch (RuntimeException e) {
        log.warn(
            "could not leave the cluster's presence (the others drop this node after {}): {}",
            settings.nodeTtl(),
            e.getMessage());
      }
    }
    if (pubsub != null) {
      pubsub.close();
    }
    if (connection != null) {
      connection.close();
    }
  }

  /** Registers the node and writes its whole user set. */
  private CompletionStage<Object> sync() {
    CompletionStage<Object> result;
    synchronized (localUsers) {
      dirty = false;
      List<String> args =
          new ArrayList<>(
              List.of(
                  keys.presenceChannel(), keys.nodePrefix(), settings.nodeId(), ttl(), sockets()));
      args.addAll(localUsers);
      result = changes.send(() -> SYNC.run(commands, sharedKeys, args.toArray(String[]::new)));
    }
    return result.whenComplete(
        (r, error) -> {
          if (error != null) {
            dirty = true;
          }
        });
  }

  private void beat() {
    BEAT.<List<Object>>run(
            commands,
            sharedKeys,
            keys.presenceChannel(),
            keys.nodePrefix(),
            settings.nodeId(),
            ttl(),
            sockets())
        .whenComplete(
            (row, error) -> {
              if (error != null) {
                log.debug("presence heartbeat failed: {}", error.toString());
                return;
              }
              boolean registered = ((Long) row.get(0)) == 1;
              long seq = (Long) row.get(2);
              if (!registered || dirty) {
                sync();
              }
              long mirrored = mirror.seq();
              long stalled = mirror.stalledSince();
              if (seq < mirrored) {
                resync(true); // Redis lost its data and counts from zero again
              } else if ((lastBeatSeq >= 0 && mirrored < lastBeatSeq)
                  || (stalled != 0 && System.nanoTime() - stalled > STALL_LIMIT.toNanos())
                  || System.nanoTime() - lastResync > settings.presenceResync().toNanos()) {
                resync(false);
              }
              lastBeatSeq = seq;
            });
  }

  private void deliver(Supplier<List<PresenceEvent>> change) {
    synchronized (deliverLock) {
      for (PresenceEvent event : change.get()) {
        for (Listener listener : listeners) {
          try {
            listener.onChange(event);
          } catch (RuntimeException e) {
            log.error("presence listener failed", e);
          }
        }
      }
    }
  }

  private String[] args(String userId) {
    return new String[] {keys.presenceChannel(), keys.nodePrefix(), settings.nodeId(), userId};
  }

  private String ttl() {
    return Long.toString(settings.nodeTtl().toMillis());
  }

  private String sockets() {
    return Integer.toString(socketCount.getAsInt());
  }
}
