package dev.chatctl.server.socketio;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sockets of one connection, by namespace: almost always one, so it takes one field; a map only
 * when a client joins several namespaces. Not thread-safe (the connection's serial executor).
 */
final class SocketSet {
  private Socket only;
  private Map<String, Socket> more;

  Socket get(String namespace) {
    if (only != null && only.namespace().equals(namespace)) {
      return only;
    }
    return more == null ? null : more.get(namespace);
  }

  boolean contains(String namespace) {
    return get(namespace) != null;
  }

  void put(Socket socket) {
    if (only == null || only.namespace().equals(socket.namespace())) {
      only = socket;
    } else {
      if (more == null) {
        more = new HashMap<>(4);
      }
      more.put(socket.namespace(), socket);
    }
  }

  /** Removes this very socket; false when it is not here. */
  boolean remove(Socket socket) {
    if (only == socket) {
      only = null;
      return true;
    }
    return more != null && more.remove(socket.namespace(), socket);
  }

  boolean isEmpty() {
    return only == null && (more == null || more.isEmpty());
  }

  /** Empties the set; returns what it held. */
  List<Socket> clear() {
    List<Socket> all = new ArrayList<>(1);
    if (only != null) {
      all.add(only);
    }
    if (more != null) {
      all.addAll(more.values());
    }
    only = null;
    more = null;
    return all;
  }
}
