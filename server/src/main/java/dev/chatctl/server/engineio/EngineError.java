package dev.chatctl.server.engineio;

/**
 * The error codes of Engine.IO's HTTP answers ({@code {"code":N,"message":"..."}}, status 400
 * unless said otherwise), with engine.io's messages.
 */
public enum EngineError {
  UNKNOWN_TRANSPORT(0, "Transport unknown"),
  UNKNOWN_SID(1, "Session ID unknown"),
  BAD_HANDSHAKE_METHOD(2, "Bad handshake method"),
  BAD_REQUEST(3, "Bad request"),
  FORBIDDEN(4, "Forbidden"),
  UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version");

  public final int code;
  public final String message;

  EngineError(int code, String message) {
    this.code = code;
    this.message = message;
  }
}
