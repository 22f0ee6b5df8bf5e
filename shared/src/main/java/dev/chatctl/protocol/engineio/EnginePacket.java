package dev.chatctl.protocol.engineio;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Engine.IO v4 packet. Text packets carry {@code text} (possibly empty), binary packets carry
 * {@code binary}; only MESSAGE packets may be binary.
 */
public record EnginePacket(Type type, String text, byte[] binary) {

  /** Packet types of Engine.IO v4, with their wire digit. */
  public enum Type {
    OPEN('0'),
    CLOSE('1'),
    PING('2'),
    PONG('3'),
    MESSAGE('4'),
    UPGRADE('5'),
    NOOP('6');

    private static final Type[] BY_DIGIT = values();
    public final char digit;

    Type(char digit) {
      this.digit = digit;
    }

    /** The type for a wire digit, or null if it is none. */
    public static Type of(char digit) {
      int i = digit - '0';
      return i >= 0 && i < BY_DIGIT.length ? BY_DIGIT[i] : null;
    }
  }

  public EnginePacket {
    Objects.requireNonNull(type, "type");
    if (binary != null && type != Type.MESSAGE) {
      throw new IllegalArgumentException("only MESSAGE packets can be binary");
    }
    if (binary == null && text == null) {
      text = "";
    }
  }

  public static final EnginePacket PING = new EnginePacket(Type.PING, "", null);
  public static final EnginePacket PONG = new EnginePacket(Type.PONG, "", null);
  public static final EnginePacket NOOP = new EnginePacket(Type.NOOP, "", null);
  public static final EnginePacket CLOSE = new EnginePacket(Type.CLOSE, "", null);

  public static EnginePacket message(String text) {
    return new EnginePacket(Type.MESSAGE, text, null);
  }

  public static EnginePacket message(byte[] binary) {
    return new EnginePacket(Type.MESSAGE, null, binary);
  }

  public static EnginePacket of(Type type, String text) {
    return new EnginePacket(type, text, null);
  }

  public boolean isBinary() {
    return binary != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnginePacket p
        && p.type == type
        && Objects.equals(p.text, text)
        && Arrays.equals(p.binary, binary);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, text, Arrays.hashCode(binary));
  }

  @Override
  public String toString() {
    return binary != null ? type + "<" + binary.length + " bytes>" : type + "(" + text + ")";
  }
}
