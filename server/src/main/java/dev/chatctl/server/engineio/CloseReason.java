package dev.chatctl.server.engineio;

/** Why an Engine.IO session ends, in the words socket.io reports to applications. */
enum CloseReason {
  /** The client closed: a CLOSE packet, or its WebSocket went away. */
  TRANSPORT_CLOSE("transport close"),
  /** The client left a ping unanswered for pingTimeout. */
  PING_TIMEOUT("ping timeout"),
  /** The client broke the transport's rules (two polls at once, a body too large). */
  TRANSPORT_ERROR("transport error"),
  /** The client sent a packet that does not parse. */
  PARSE_ERROR("parse error"),
  /** The application closed the session. */
  FORCED_CLOSE("forced close"),
  SERVER_SHUTTING_DOWN("server shutting down");

  final String text;

  CloseReason(String text) {
    this.text = text;
  }

  /** Whether the client can still be told (else the transport is dropped at once). */
  boolean clientReachable() {
    return this != TRANSPORT_CLOSE && this != PING_TIMEOUT;
  }
}
