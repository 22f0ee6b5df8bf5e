package dev.chatctl.cli.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Websocket frames as a client sees them (RFC 6455 section 5): masked frames out; unmasked frames
 * in, text reassembled from fragments. One {@link Reader} per connection keeps the fragments.
 */
final class WsFrames {
  static final int OP_CONT = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  /** Status 1000, normal closure, as a close frame's payload. */
  static final byte[] NORMAL_CLOSURE = {0x03, (byte) 0xE8};

  /** The largest frame a reader accepts. */
  static final long MAX_FRAME = 64L * 1024 * 1024;

  private WsFrames() {}

  /** One whole frame with a fresh mask, as a client must send it. */
  static byte[] masked(int opcode, byte[] payload) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    byte[] frame = new byte[header + 4 + length];
    frame[0] = (byte) (0x80 | opcode);
    if (length < 126) {
      frame[1] = (byte) (0x80 | length);
    } else if (length <= 0xFFFF) {
      frame[1] = (byte) (0x80 | 126);
      frame[2] = (byte) (length >>> 8);
      frame[3] = (byte) length;
    } else {
      frame[1] = (byte) (0x80 | 127);
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
      }
    }
    int mask = ThreadLocalRandom.current().nextInt();
    byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    System.arraycopy(m, 0, frame, header, 4);
    int at = header + 4;
    for (int i = 0; i < length; i++) {
      frame[at + i] = (byte) (payload[i] ^ m[i & 3]);
    }
    return frame;
  }

  /** What a reader hands on: whole text messages, pings, the close, and protocol errors. */
  interface Sink {
    void text(String text);

    void ping(byte[] payload);

    /** The server's close frame; {@code status} is -1 when it gave none. */
    void close(int status);

    void error(String reason);
  }

  /** Reads the frames of one connection; keeps the fragments of a message between reads. */
  static final class Reader {
    /** Text of a fragmented message so far, else null. */
    private byte[] fragments;

    /**
     * Handles the frame at {@code at}; returns its length, 0 when it is not whole yet or an error
     * was reported to the sink.
     */
    int next(byte[] data, int at, int length, Sink sink) {
      if (length - at < 2) {
        return 0;
      }
      int b0 = data[at] & 0xFF;
      int b1 = data[at + 1] & 0xFF;
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0F;
      long len = b1 & 0x7F;
      int header = 2;
      if (len == 126) {
        if (length - at < 4) {
          return 0;
        }
        len = ((data[at + 2] & 0xFF) << 8) | (data[at + 3] & 0xFF);
        header = 4;
      } else if (len == 127) {
        if (length - at < 10) {
          return 0;
        }
        len = 0;
        for (int i = 0; i < 8; i++) {
          len = (len << 8) | (data[at + 2 + i] & 0xFF);
        }
        header = 10;
      }
      if ((b1 & 0x80) != 0) {
        sink.error("the server masked a frame");
        return 0;
      }
      if (len > MAX_FRAME) {
        sink.error("frame too large: " + len + " bytes");
        return 0;
      }
      if (length - at - header < len) {
        return 0;
      }
      int start = at + header;
      int size = (int) len;
      switch (opcode) {
        case OP_TEXT, OP_BINARY, OP_CONT -> data(opcode, fin, data, start, size, sink);
        case OP_PING -> sink.ping(Arrays.copyOfRange(data, start, start + size));
        case OP_PONG -> {}
        case OP_CLOSE ->
            sink.close(size >= 2 ? ((data[start] & 0xFF) << 8) | (data[start + 1] & 0xFF) : -1);
        default -> {
          sink.error("unknown opcode " + opcode);
          return 0;
        }
      }
      return header + size;
    }

    private void data(int opcode, boolean fin, byte[] data, int start, int size, Sink sink) {
      if (opcode != OP_CONT && fin && fragments == null) {
        if (opcode == OP_TEXT) {
          sink.text(new String(data, start, size, StandardCharsets.UTF_8));
        }
        return;
      }
      byte[] sofar = fragments == null ? new byte[0] : fragments;
      byte[] more = Arrays.copyOf(sofar, sofar.length + size);
      System.arraycopy(data, start, more, sofar.length, size);
      fragments = more;
      if (fin) {
        fragments = null;
        sink.text(new String(more, StandardCharsets.UTF_8));
      }
    }

    void clear() {
      fragments = null;
    }
  }
}
