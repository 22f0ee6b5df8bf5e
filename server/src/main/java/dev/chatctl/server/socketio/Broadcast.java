package dev.chatctl.server.socketio;

import java.util.function.Predicate;

/**
 * The sockets an emit goes to: a user's (or everyone's), less one socket, and only those a
 * condition of this node's socket state accepts. Immutable; {@link #emit} hands it to its {@link
 * Adapter}.
 *
 * @param userId the user whose sockets; null for every socket
 * @param except a socket left out (the one whose event caused the emit); null for none
 * @param when sockets must pass this test, evaluated where the socket lives; null for all
 */
public record Broadcast(Adapter adapter, String userId, Socket except, Predicate<Socket> when) {

  /** The same sockets less {@code socket}. */
  public Broadcast except(Socket socket) {
    return new Broadcast(adapter, userId, socket, when);
  }

  /** The same sockets, only those that pass {@code test}. */
  public Broadcast when(Predicate<Socket> test) {
    return new Broadcast(adapter, userId, except, test);
  }

  /** Whether a socket is one of these (its user already chosen). */
  boolean includes(Socket socket) {
    return socket != except && socket.connected() && (when == null || when.test(socket));
  }

  /**
   * Emits an event whose arguments are JSON text; returns how many sockets here it was written to.
   */
  public int emit(String event, String... jsonArgs) {
    return adapter.emit(this, event, jsonArgs);
  }
}
