package dev.chatctl.server.engineio;

import dev.chatctl.protocol.engineio.EnginePacket;

/**
 * An Engine.IO MESSAGE prepared once for many sessions: its text (for polling) and, built on first
 * use and then shared, its WebSocket frame. A broadcast to thousands of sockets is encoded once.
 */
public final class PreparedMessage {
  private final String text;
  private volatile byte[] frame;

  private PreparedMessage(String text) {
    this.text = text;
  }

  /** A MESSAGE carrying this (Socket.IO) packet text. */
  public static PreparedMessage of(String packet) {
    return new PreparedMessage(EnginePacket.Type.MESSAGE.digit + packet);
  }

  String text() {
    return text;
  }

  byte[] frame() {
    byte[] f = frame;
    if (f == null) {
      f = WsFrames.text(text);
      frame = f; // a race builds it twice at worst
    }
    return f;
  }
}
