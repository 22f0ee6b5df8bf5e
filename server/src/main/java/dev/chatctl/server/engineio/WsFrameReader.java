package dev.chatctl.server.engineio;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the frames a client sends on one WebSocket (RFC 6455 section 5): masking, the three length
 * encodings, fragmented messages with control frames in between, UTF-8 of text messages and close
 * reasons, close codes. Whatever breaks the RFC ends the reading with a {@link WsProtocolException}
 * naming the close code to answer with.
 *
 * <p>Bytes are taken as they come, from any buffer: a frame may be split anywhere. What is kept
 * between reads grows with the bytes actually received, never with a length the peer announces
 * (that is only checked against {@code maxMessage}), and nothing is kept between messages but the
 * few bytes of a split header. Not thread-safe: one connection's I/O thread.
 */
final class WsFrameReader {

  /** Where whole messages and control frames go. */
  interface Sink {
    void onText(String text);

    void onBinary(byte[] data);

    void onPing(byte[] payload);

    /** A valid close frame ({@link CloseCode#NO_STATUS} when it had no code); reading stops. */
    void onClose(int code);
  }

  static final int CONTINUATION = 0x0;
  private static final int MAX_CONTROL_PAYLOAD = 125;
  private static final int MIN_GROWTH = 256;
  private static final ThreadLocal<CharsetDecoder> UTF8 =
      ThreadLocal.withInitial(
          () ->
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT));

  private final int maxMessage;
  private final Sink sink;
  private boolean stopped;

  // the frame being read
  private final byte[] head = new byte[14];
  private int headLength; // header bytes read so far; the header is whole when payload >= 0
  private boolean fin;
  private int opcode;
  private long payloadLength = -1; // -1 while the header is incomplete
  private long payloadRead;
  private int maskKey;
  private byte[] control; // a control frame's payload

  // the data message being read (maybe over several frames)
  private byte[] message;
  private int messageLength;
  private int messageOpcode = -1; // -1 between messages

  WsFrameReader(int maxMessage, Sink sink) {
    this.maxMessage = maxMessage;
    this.sink = sink;
  }

  /** Reads no more (the connection is closing); later bytes are ignored. */
  void stop() {
    stopped = true;
    message = null;
    control = null;
  }

  boolean stopped() {
    return stopped;
  }

  /** Consumes every byte of {@code in}, reporting each whole message or control frame. */
  void read(ByteBuffer in) throws WsProtocolException {
    try {
      while (in.hasRemaining() && !stopped) {
        if (payloadLength < 0) {
          readHeader(in);
        } else {
          readPayload(in);
        }
      }
    } catch (WsProtocolException e) {
      stop();
      throw e;
    }
  }

  private void readHeader(ByteBuffer in) throws WsProtocolException {
    int need = headLength < 2 ? 2 : headerSize();
    int take = Math.min(need - headLength, in.remaining());
    in.get(head, headLength, take);
    headLength += take;
    if (headLength < need) {
      return;
    }
    if (need == 2) {
      checkFirstBytes();
      return; // the rest of the header (length, mask key) next round
    }
    int b1 = head[1] & 0x7F;
    long length;
    int at;
    if (b1 == 126) {
      length = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
      at = 4;
    } else if (b1 == 127) {
      length = ByteBuffer.wrap(head, 2, 8).getLong();
      at = 10;
      if (length < 0) {
        throw new WsProtocolException(
            CloseCode.PROTOCOL_ERROR, "64-bit length with its top bit set");
      }
    } else {
      length = b1;
      at = 2;
    }
    maskKey = ByteBuffer.wrap(head, at, 4).getInt();
    headLength = 0;
    startPayload(length);
  }

  /** The header's size, known once its first two bytes are in. */
  private int headerSize() {
    int b1 = head[1] & 0x7F;
    return (b1 == 126 ? 4 : b1 == 127 ? 10 : 2) + 4;
  }

  private void checkFirstBytes() throws WsProtocolException {
    int b0 = head[0] & 0xFF;
    int b1 = head[1] & 0xFF;
    fin = (b0 & 0x80) != 0;
    opcode = b0 & 0x0F;
    if ((b0 & 0x70) != 0) {
      throw new WsProtocolException(
          CloseCode.PROTOCOL_ERROR, "reserved bits set, no extension agreed");
    }
    if ((b1 & 0x80) == 0) {
      throw new WsProtocolException(CloseCode.PROTOCOL_ERROR, "an unmasked client frame");
    }
    boolean known =
        opcode == CONTINUATION
            || opcode == WsFrames.TEXT
            || opcode == WsFrames.BINARY
            || opcode == WsFrames.CLOSE
            || opcode == WsFrames.PING
            || opcode == WsFrames.PONG;
    if (!known) {
      throw new WsProtocolException(CloseCode.PROTOCOL_ERROR, "unknown opcode " + opcode);
    }
    if (isControl() && (!fin || (b1 & 0x7F) > MAX_CONTROL_PAYLOAD)) {
      throw new WsProtocolException(CloseCode.PROTOCOL_ERROR, "a fragmented or long control frame");
    }
  }

  private boolean isControl() {
    return opcode >= WsFrames.CLOSE;
  }

  private void startPayload(long length) throws WsProtocolException {
    if (isControl()) {
      control = new byte[(int) length]; // at most 125 bytes
    } else {
      if (opcode == CONTINUATION && messageOpcode < 0) {
        throw new WsProtocolException(CloseCode.PROTOCOL_ERROR, "a continuation of nothing");
      }
      if (opcode != CONTINUATION && messageOpcode >= 0) {
        throw new WsProtocolException(
            CloseCode.PROTOCOL_ERROR, "a new message inside a fragmented one");
      }
      if (messageLength + length > maxMessage) {
        throw new WsProtocolException(CloseCode.TOO_BIG, "message over " + maxMessage + " bytes");
      }
      if (opcode != CONTINUATION) {
        messageOpcode = opcode;
      }
    }
    payloadLength = length;
    payloadRead = 0;
    if (length == 0) {
      endFrame();
    }
  }

  private void readPayload(ByteBuffer in) throws WsProtocolException {
    int n = (int) Math.min(payloadLength - payloadRead, in.remaining());
    byte[] into;
    int at;
    if (control != null) {
      into = control;
      at = (int) payloadRead;
    } else {
      into = room(n, (int) (payloadLength - payloadRead));
      at = messageLength;
      messageLength += n;
    }
    in.get(into, at, n);
    for (int i = 0; i < n; i++) {
      into[at + i] ^= (byte) (maskKey >>> (24 - 8 * (int) ((payloadRead + i) & 3)));
    }
    payloadRead += n;
    if (payloadRead == payloadLength) {
      endFrame();
    }
  }

  /**
   * The message buffer with room for {@code n} more bytes: grown by doubling, up to what the frame
   * still announces, so a lying length costs nothing until its bytes arrive.
   */
  private byte[] room(int n, int frameRest) {
    int need = messageLength + n;
    if (message == null || message.length < need) {
      int capacity = message == null ? 0 : message.length;
      int grown =
          (int) Math.min((long) messageLength + frameRest, Math.max(MIN_GROWTH, 2L * capacity));
      message =
          message == null
              ? new byte[Math.max(need, grown)]
              : Arrays.copyOf(message, Math.max(need, grown));
    }
    return message;
  }

  private void endFrame() throws WsProtocolException {
    payloadLength = -1;
    if (control != null) {
      byte[] payload = control;
      control = null;
      controlFrame(payload);
      return;
    }
    if (!fin) {
      return;
    }
    byte[] whole =
        message == null
            ? new byte[0]
            : message.length == messageLength ? message : Arrays.copyOf(message, messageLength);
    int kind = messageOpcode;
    message = null;
    messageLength = 0;
    messageOpcode = -1;
    if (kind == WsFrames.BINARY) {
      sink.onBinary(whole);
    } else {
      sink.onText(utf8(whole, 0));
    }
  }

  private void controlFrame(byte[] payload) throws WsProtocolException {
    switch (opcode) {
      case WsFrames.PING -> sink.onPing(payload);
      case WsFrames.PONG -> {}
      default -> { // CLOSE
        int code = CloseCode.NO_STATUS.code;
        if (payload.length == 1) {
          throw new WsProtocolException(CloseCode.PROTOCOL_ERROR, "a one-byte close payload");
        }
        if (payload.length >= 2) {
          code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
          if (!CloseCode.allowedOnWire(code)) {
            throw new WsProtocolException(CloseCode.PROTOCOL_ERROR, "close code " + code);
          }
          utf8(payload, 2); // the reason must be valid UTF-8
        }
        stopped = true;
        sink.onClose(code);
      }
    }
  }

  private static String utf8(byte[] bytes, int from) throws WsProtocolException {
    try {
      return UTF8.get()
          .reset()
          .decode(ByteBuffer.wrap(bytes, from, bytes.length - from))
          .toString();
    } catch (CharacterCodingException e) {
      throw new WsProtocolException(CloseCode.INVALID_DATA, "invalid UTF-8");
    }
  }
}
