package dev.chatctl.protocol;

/** Input that is not a packet of the protocol. The connection that sent it is closed. */
public class ProtocolException extends RuntimeException {
  public ProtocolException(String message) {
    super(message, null, false, false);
  }
}
