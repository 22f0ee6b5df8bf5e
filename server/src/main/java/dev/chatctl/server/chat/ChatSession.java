package dev.chatctl.server.chat;

import dev.chatctl.server.auth.Identity;
import dev.chatctl.server.socketio.Socket;
import dev.chatctl.server.store.StoreLane;
import dev.chatctl.server.store.UserRecord;

/**
 * The chat state of one socket: who it is, its recovery session, whether it takes live messages yet
 * (after its backlog), the queue that keeps its answers in order, and its lane to the store.
 */
final class ChatSession {
  final Identity identity;
  final String pid;

  /** Where the first backlog starts: after this offset (recovered), or null (undelivered). */
  final Long replayAfter;

  final boolean recovered;
  final UserRecord user;
  final Replies replies;

  /** Where this socket's storage requests wait their turn (see {@link StoreLane}). */
  final StoreLane lane = new StoreLane();

  /** Takes live messages: its backlog has been written. */
  private volatile boolean live;

  /** Disconnected: never goes live again. Guarded by this. */
  private boolean gone;

  /** Its token's expiry has been announced. */
  volatile boolean expired;

  ChatSession(
      Identity identity,
      String pid,
      boolean recovered,
      Long replayAfter,
      UserRecord user,
      Replies replies) {
    this.replies = replies;
    this.identity = identity;
    this.pid = pid;
    this.recovered = recovered;
    this.replayAfter = replayAfter;
    this.user = user;
  }

  String userId() {
    return identity.userId();
  }

  /** The socket takes live messages from now on; false when it is gone already. */
  synchronized boolean goLive() {
    if (gone) {
      return false;
    }
    live = true;
    return true;
  }

  /** The socket is gone; returns whether it took live messages until now. */
  synchronized boolean end() {
    gone = true;
    boolean was = live;
    live = false;
    return was;
  }

  /**
   * Whether a socket takes live messages (a {@link dev.chatctl.server.socketio.Broadcast} test).
   */
  static boolean isLive(Socket socket) {
    return ((ChatSession) socket.state()).live;
  }
}
