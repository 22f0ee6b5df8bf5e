package dev.chatctl.server.socketio;

import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.server.engineio.WsConnection;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link Adapter} of one node: its sockets by user, in memory. Membership changes under the
 * user's map entry and is read without locks; an emit encodes its packet once (its WebSocket frame
 * too, on first use) and writes it to every chosen socket inside a {@link WsConnection#batch}.
 */
public final class LocalAdapter implements Adapter {
  private final String namespace;
  private final Map<String, List<Socket>> users = new ConcurrentHashMap<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  /** An adapter for the sockets of one namespace. */
  public LocalAdapter(String namespace) {
    this.namespace = namespace;
  }

  @Override
  public boolean join(Socket socket, String userId) {
    boolean[] first = {false};
    users.compute(
        userId,
        (id, list) -> {
          List<Socket> l = list != null ? list : new CopyOnWriteArrayList<>();
          first[0] = l.isEmpty();
          l.add(socket);
          return l;
        });
    sockets.add(socket);
    return first[0];
  }

  @Override
  public boolean leave(Socket socket, String userId) {
    boolean[] last = {false};
    sockets.remove(socket);
    users.computeIfPresent(
        userId,
        (id, l) -> {
          if (l.remove(socket) && l.isEmpty()) {
            last[0] = true;
          }
          return l.isEmpty() ? null : l;
        });
    return last[0];
  }

  @Override
  public List<Socket> socketsOf(String userId) {
    List<Socket> l = users.get(userId);
    return l == null ? List.of() : Collections.unmodifiableList(l);
  }

  @Override
  public boolean has(String userId) {
    return users.containsKey(userId);
  }

  @Override
  public Collection<String> userIds() {
    return Collections.unmodifiableSet(users.keySet());
  }

  @Override
  public Collection<Socket> sockets() {
    return Collections.unmodifiableSet(sockets);
  }

  @Override
  public int userCount() {
    return users.size();
  }

  @Override
  public int socketCount() {
    return sockets.size();
  }

  @Override
  public int emit(Broadcast target, String event, String... jsonArgs) {
    Collection<Socket> candidates =
        target.userId() == null ? sockets : users.getOrDefault(target.userId(), List.of());
    if (candidates.isEmpty()) {
      return 0;
    }
    int[] written = {0};
    batch(
        () -> {
          SharedPacket packet = null; // encoded for the first socket that takes it, once
          for (Socket socket : candidates) {
            if (target.includes(socket)) {
              if (packet == null) {
                packet = new SharedPacket(SocketCodec.eventText(namespace, event, jsonArgs));
              }
              socket.sendShared(packet);
              written[0]++;
            }
          }
        });
    return written[0];
  }

  @Override
  public void batch(Runnable emits) {
    WsConnection.batch(emits);
  }
}
