package dev.chatctl.server.engineio;

import java.nio.charset.StandardCharsets;

/**
 * Server-to-client WebSocket frames (RFC 6455 section 5.2): FIN set, no mask, no extensions. A
 * frame's bytes are the same for every recipient, so a broadcast is framed once.
 */
public final class WsFrames {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  private WsFrames() {}

  public static byte[] text(String text) {
    return frame(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] binary(byte[] data) {
    return frame(BINARY, data);
  }

  static byte[] close(int code) {
    return frame(CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
  }

  /** A whole frame: header, then the payload. */
  static byte[] frame(int opcode, byte[] payload) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    byte[] frame = new byte[header + length];
    frame[0] = (byte) (0x80 | opcode);
    if (length < 126) {
      frame[1] = (byte) length;
    } else if (length <= 0xFFFF) {
      frame[1] = 126;
      frame[2] = (byte) (length >>> 8);
      frame[3] = (byte) length;
    } else {
      frame[1] = 127;
      long l = length;
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) (l >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, frame, header, length);
    return frame;
  }
}
