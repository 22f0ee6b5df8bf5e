package dev.chatctl.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One Socket.IO v5 packet. {@code data} is the JSON payload with binary attachments in place, as
 * {@link com.fasterxml.jackson.databind.node.BinaryNode}s (the codec swaps them for placeholders on
 * the wire); null when the packet has none. {@code ackId} is -1 when no acknowledgement is asked.
 */
public record SocketPacket(Type type, String namespace, long ackId, JsonNode data) {

  /** Packet types of Socket.IO v5, with their wire digit. */
  public enum Type {
    CONNECT,
    DISCONNECT,
    EVENT,
    ACK,
    CONNECT_ERROR,
    BINARY_EVENT,
    BINARY_ACK;

    private static final Type[] BY_DIGIT = values();

    public char digit() {
      return (char) ('0' + ordinal());
    }

    public static Type of(char digit) {
      int i = digit - '0';
      return i >= 0 && i < BY_DIGIT.length ? BY_DIGIT[i] : null;
    }
  }

  public static final String MAIN_NAMESPACE = "/";
  public static final long NO_ACK = -1;

  public SocketPacket {
    Objects.requireNonNull(type, "type");
    namespace = namespace == null || namespace.isEmpty() ? MAIN_NAMESPACE : namespace;
  }

  public boolean wantsAck() {
    return ackId >= 0;
  }
}
