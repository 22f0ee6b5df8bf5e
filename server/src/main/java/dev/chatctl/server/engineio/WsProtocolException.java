package dev.chatctl.server.engineio;

/** A peer broke RFC 6455: the connection closes with {@link #code}. */
public final class WsProtocolException extends Exception {
  private final CloseCode code;

  WsProtocolException(CloseCode code, String message) {
    super(message, null, false, false); // thrown per bad peer: no stack trace to fill
    this.code = code;
  }

  public CloseCode code() {
    return code;
  }
}
