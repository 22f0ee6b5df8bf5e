package dev.chatctl.server.chat;

import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.chat.Events;
import dev.chatctl.protocol.chat.UserPresence;
import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.server.engineio.PreparedMessage;
import dev.chatctl.server.engineio.WsConnection;
import dev.chatctl.server.socketio.Socket;
import dev.chatctl.server.store.StoreWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is online on this node, through which sockets, and which of those take live messages. A
 * user is online from their first socket to their last: {@code user:online} and {@code
 * user:offline} mark those moments, to every other socket, in the order they happened (the
 * transitions are queued under the user's map entry and announced by one thread, each payload
 * encoded once for every socket).
 */
public final class Presence implements StoreWriter.Inboxes {
  private static final Logger log = LoggerFactory.getLogger(Presence.class);
  /** Most presence changes announced in one pass over the sockets. */
  private static final int ANNOUNCE_BATCH = 64;

  /** A user's sockets here: changed under the map entry (compute), read without locks. */
  private static final class UserSockets {
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
  }

  private record Transition(String userId, boolean online, Socket cause) {}

  private final Map<String, UserSockets> users = new ConcurrentHashMap<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final LinkedBlockingQueue<Transition> transitions = new LinkedBlockingQueue<>();
  private final Thread announcer;
  private volatile boolean stopped;

  public Presence() {
    announcer = Thread.ofPlatform().name("chatctl-presence").daemon(true).start(this::announce);
  }

  /** Adds a connected socket; the user's first announces {@code user:online}. */
  void add(Socket socket, String userId) {
    users.compute(
        userId,
        (id, entry) -> {
          UserSockets e = entry != null ? entry : new UserSockets();
          if (e.sockets.isEmpty()) {
            transitions.add(new Transition(id, true, socket));
          }
          e.sockets.add(socket);
          return e;
        });
    sockets.add(socket);
  }

  /** Removes a socket; the user's last announces {@code user:offline}. */
  void remove(Socket socket, String userId) {
    sockets.remove(socket);
    users.computeIfPresent(
        userId,
        (id, e) -> {
          e.sockets.remove(socket);
          if (e.sockets.isEmpty()) {
            transitions.add(new Transition(id, false, socket));
            return null;
          }
          return e;
        });
  }

  /** The user's sockets here (a copy). */
  List<Socket> socketsOf(String userId) {
    UserSockets e = users.get(userId);
    return e == null ? List.of() : e.sockets;
  }

  /** The user's sockets that take live messages. */
  List<Socket> readySocketsOf(String userId) {
    List<Socket> ready = new ArrayList<>(2);
    for (Socket s : socketsOf(userId)) {
      if (((ChatSession) s.state()).ready && s.connected()) {
        ready.add(s);
      }
    }
    return ready;
  }

  @Override
  public boolean hasReadySocket(String userId) {
    for (Socket s : socketsOf(userId)) {
      if (((ChatSession) s.state()).ready && s.connected()) {
        return true;
      }
    }
    return false;
  }

  boolean isOnline(String userId) {
    return users.containsKey(userId);
  }

  /** The ids of the users online here, each once. */
  List<String> onlineUserIds() {
    return new ArrayList<>(users.keySet());
  }

  int userCount() {
    return users.size();
  }

  int socketCount() {
    return sockets.size();
  }

  /** Every connected socket (for the periodic refresh of recovery sessions). */
  Set<Socket> sockets() {
    return sockets;
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
      WsConnection.batch(() -> {
        for (Transition t : pending) {
          try {
            String event = t.online() ? Events.USER_ONLINE : Events.USER_OFFLINE;
            PreparedMessage message =
                PreparedMessage.of(SocketCodec.eventText(SocketPacket.MAIN_NAMESPACE, event, Json.write(new UserPresence(t.userId()))));
            for (Socket socket : sockets) {
              if (socket != t.cause()) {
                socket.sendPrepared(message);
              }
            }
          } catch (RuntimeException e) {
            log.error("presence announcement failed", e);
          }
        }
      });
    }
  }
}
