package dev.chatctl.server.engineio;

import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.engineio.EngineCodec;
import dev.chatctl.protocol.engineio.EnginePacket;

/**
 * The WebSocket transport of a session (engine.io's {@code transports/websocket}): each text or
 * binary message is one Engine.IO packet; the socket closing ends the session.
 */
final class WebSocketTransport implements WsConnection.Listener {
  private final EngineSession session;

  WebSocketTransport(EngineSession session) {
    this.session = session;
  }

  @Override
  public void onText(WsConnection ws, String text) {
    try {
      session.onPacket(EngineCodec.decodeText(text));
    } catch (ProtocolException e) {
      session.close(CloseReason.PARSE_ERROR);
    }
  }

  @Override
  public void onBinary(WsConnection ws, byte[] data) {
    session.onPacket(EnginePacket.message(data));
  }

  @Override
  public void onClose(WsConnection ws) {
    session.webSocketClosed(ws);
  }
}
