package dev.chatctl.protocol.engineio;

import dev.chatctl.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO v4 encoding: one packet per WebSocket frame (text frames start with the type digit,
 * binary frames are the raw bytes of a MESSAGE), and HTTP long-polling payloads where packets are
 * joined by the record separator 0x1E and binary packets are written as {@code b<base64>}.
 */
public final class EngineCodec {

  /** Separates packets in a long-polling payload. */
  public static final char RECORD_SEPARATOR = '\u001e';

  private EngineCodec() {}

  /** The text frame (or polling record) of a text packet. */
  public static String encodeText(EnginePacket packet) {
    if (packet.isBinary()) {
      throw new IllegalArgumentException("binary packet has no text form: " + packet);
    }
    return packet.type().digit + packet.text();
  }

  /** A text frame as one packet; throws {@link ProtocolException} when it is not one. */
  public static EnginePacket decodeText(String frame) {
    if (frame.isEmpty()) {
      throw new ProtocolException("empty packet");
    }
    EnginePacket.Type type = EnginePacket.Type.of(frame.charAt(0));
    if (type == null) {
      throw new ProtocolException("unknown packet type '" + frame.charAt(0) + "'");
    }
    return EnginePacket.of(type, frame.substring(1));
  }

  /** A long-polling response body holding the given packets. */
  public static String encodePayload(List<EnginePacket> packets) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < packets.size(); i++) {
      if (i > 0) {
        out.append(RECORD_SEPARATOR);
      }
      appendRecord(out, packets.get(i));
    }
    return out.toString();
  }

  /** Appends one polling record: the text form, or {@code b} and the base64 of a binary packet. */
  public static void appendRecord(StringBuilder out, EnginePacket packet) {
    if (packet.isBinary()) {
      out.append('b').append(Base64.getEncoder().encodeToString(packet.binary()));
    } else {
      out.append(packet.type().digit).append(packet.text());
    }
  }

  /**
   * The packets of a long-polling request body; throws {@link ProtocolException} on a bad record.
   */
  public static List<EnginePacket> decodePayload(String payload) {
    List<EnginePacket> packets = new ArrayList<>();
    int start = 0;
    while (true) {
      int end = payload.indexOf(RECORD_SEPARATOR, start);
      String record = end < 0 ? payload.substring(start) : payload.substring(start, end);
      packets.add(decodeRecord(record));
      if (end < 0) {
        return packets;
      }
      start = end + 1;
    }
  }

  private static EnginePacket decodeRecord(String record) {
    if (record.startsWith("b")) {
      try {
        return EnginePacket.message(Base64.getDecoder().decode(record.substring(1)));
      } catch (IllegalArgumentException e) {
        throw new ProtocolException("bad base64 in binary packet");
      }
    }
    return decodeText(record);
  }
}
