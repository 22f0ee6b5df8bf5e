package dev.chatctl.server.chat;

import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.chat.Events;
import dev.chatctl.protocol.chat.UserPresence;
import dev.chatctl.server.socketio.Adapter;
import dev.chatctl.server.socketio.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is online: a user is online from their first socket to their last. {@code user:online} and
 * {@code user:offline} mark those moments, to every other socket, once each and in the order they
 * happened: a transition is queued under the same lock as the membership change that caused it, and
 * one thread announces the queue through the {@link Adapter}.
 */
public final class Presence {
  private static final Logger log = LoggerFactory.getLogger(Presence.class);

  /** Most presence changes announced in one pass over the sockets. */
  private static final int ANNOUNCE_BATCH = 64;

  /**
   * Locks for membership changes, by user: a user's joins and leaves queue in the order they
   * happen.
   */
  private static final int STRIPES = 64;

  private record Transition(String userId, boolean online, Socket cause) {}

  private final Adapter sockets;
  private final Object[] locks = new Object[STRIPES];
  private final LinkedBlockingQueue<Transition> transitions = new LinkedBlockingQueue<>();
  private final Thread announcer;
  private volatile boolean stopped;

  public Presence(Adapter sockets) {
    this.sockets = sockets;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
    announcer = Thread.ofPlatform().name("chatctl-presence").daemon(true).start(this::announce);
  }

  /** Adds a connected socket; the user's first announces {@code user:online}. */
  void add(Socket socket, String userId) {
    synchronized (lock(userId)) {
      if (sockets.join(socket, userId)) {
        transitions.add(new Transition(userId, true, socket));
      }
    }
  }

  /** Removes a socket; the user's last announces {@code user:offline}. */
  void remove(Socket socket, String userId) {
    synchronized (lock(userId)) {
      if (sockets.leave(socket, userId)) {
        transitions.add(new Transition(userId, false, socket));
      }
    }
  }

  private Object lock(String userId) {
    return locks[Math.floorMod(userId.hashCode(), STRIPES)];
  }

  boolean isOnline(String userId) {
    return sockets.has(userId);
  }

  /** The ids of the users online, each once. */
  List<String> onlineUserIds() {
    return new ArrayList<>(sockets.userIds());
  }

  public void stop() {
    stopped = true;
    announcer.interrupt();
  }

  private void announce() {
    while (!stopped) {
      List<Transition> pending = new ArrayList<>();
      try {
        pending.add(transitions.take());
      } catch (InterruptedException e) {
        continue;
      }
      // what queued up meanwhile goes out together: each socket's frames in one write
      transitions.drainTo(pending, ANNOUNCE_BATCH - 1);
      sockets.batch(
          () -> {
            for (Transition t : pending) {
              try {
                String event = t.online() ? Events.USER_ONLINE : Events.USER_OFFLINE;
                sockets
                    .everyone()
                    .except(t.cause())
                    .emit(event, Json.write(new UserPresence(t.userId())));
              } catch (RuntimeException e) {
                log.error("presence announcement failed", e);
              }
            }
          });
    }
  }
}
