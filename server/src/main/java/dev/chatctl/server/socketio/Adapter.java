package dev.chatctl.server.socketio;

import java.util.Collection;
import java.util.List;

/**
 * The seam between an application and the sockets it reaches, as socket.io's {@code Adapter} is
 * one: which sockets belong to which user, and emits addressed to users or to everyone, each packet
 * encoded once for all its sockets and the writes of a {@link #batch} flushed together.
 *
 * <p>{@link LocalAdapter} holds this node's sockets. Cluster mode plugs in an implementation that
 * also publishes {@link #emit} to the other nodes (user, event, arguments, exception) and applies
 * what they publish to its own sockets through a local one: arguments pass through unchanged, so a
 * {@code message:receive} keeps the per-recipient offset that lets a node fill gaps from the
 * database. The membership methods answer for this node.
 */
public interface Adapter {

  /** Adds a connected socket of a user; true when it is the user's first socket here. */
  boolean join(Socket socket, String userId);

  /** Removes a socket of a user; true when it was the user's last socket here. */
  boolean leave(Socket socket, String userId);

  /** The user's sockets here (a live view: it changes as sockets come and go). */
  List<Socket> socketsOf(String userId);

  /** Whether the user has a socket here. */
  boolean has(String userId);

  /** The users with a socket here. */
  Collection<String> userIds();

  /** Every socket here. */
  Collection<Socket> sockets();

  /** Emits to the sockets of {@code target}; returns how many sockets here were written to. */
  int emit(Broadcast target, String event, String... jsonArgs);

  /**
   * Runs {@code emits} (from a thread that is not an I/O thread) with the writes they cause
   * gathered, one flush per connection at the end; nested batches join the outer one.
   */
  void batch(Runnable emits);

  /** Every socket of a user. */
  default Broadcast to(String userId) {
    return new Broadcast(this, userId, null, null);
  }

  /** Every socket. */
  default Broadcast everyone() {
    return new Broadcast(this, null, null, null);
  }

  default int userCount() {
    return userIds().size();
  }

  default int socketCount() {
    return sockets().size();
  }
}
