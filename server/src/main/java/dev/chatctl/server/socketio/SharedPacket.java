package dev.chatctl.server.socketio;

import dev.chatctl.server.engineio.PreparedMessage;

/**
 * A Socket.IO packet encoded once for many sockets of a namespace (a broadcast): its text, and the
 * Engine.IO message built from it once, whose WebSocket frame every connection shares.
 */
final class SharedPacket {
  private final String text;
  private final PreparedMessage prepared;

  SharedPacket(String text) {
    this.text = text;
    this.prepared = PreparedMessage.of(text);
  }

  /** The Socket.IO packet text. */
  String text() {
    return text;
  }

  PreparedMessage prepared() {
    return prepared;
  }
}
