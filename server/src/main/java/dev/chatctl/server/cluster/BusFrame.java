package dev.chatctl.server.cluster;

import dev.chatctl.protocol.ProtocolException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What one node publishes for another's sockets on a user's bus channel: a Socket.IO event with its
 * JSON arguments unchanged, the sending node (so it can skip its own frames) and, for
 * offset-numbered events ({@code message:receive}), the recipient offset, so the receiving node's
 * {@link OffsetSequencer} can order it without parsing JSON. Binary, versioned: {@code version(1)
 * offset(8) node(len+utf8) event(len+utf8) argCount(2) args(len+utf8 each)}.
 *
 * @param nodeId the publishing node
 * @param event the event name
 * @param offset the recipient offset, or {@link #NO_OFFSET}
 * @param args the event's arguments as JSON text
 */
public record BusFrame(String nodeId, String event, long offset, List<String> args) {
  public static final long NO_OFFSET = -1;
  private static final byte VERSION = 1;

  /** Most arguments in one frame (events carry two or three). */
  private static final int MAX_ARGS = 64;

  public BusFrame {
    args = List.copyOf(args);
    if (args.size() > MAX_ARGS) {
      throw new IllegalArgumentException("at most " + MAX_ARGS + " arguments");
    }
  }

  public static BusFrame of(String nodeId, String event, long offset, String... args) {
    return new BusFrame(nodeId, event, offset, Arrays.asList(args));
  }

  public boolean hasOffset() {
    return offset != NO_OFFSET;
  }

  public byte[] encode() {
    byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
    byte[] name = event.getBytes(StandardCharsets.UTF_8);
    byte[][] texts = new byte[args.size()][];
    int size = 1 + 8 + 4 + node.length + 4 + name.length + 2;
    for (int i = 0; i < texts.length; i++) {
      texts[i] = args.get(i).getBytes(StandardCharsets.UTF_8);
      size += 4 + texts[i].length;
    }
    ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putLong(offset);
    out.putInt(node.length).put(node).putInt(name.length).put(name).putShort((short) texts.length);
    for (byte[] text : texts) {
      out.putInt(text.length).put(text);
    }
    return out.array();
  }

  /** Reads a frame; a malformed one (another version, cut short, trailing bytes) is refused. */
  public static BusFrame decode(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      if (in.get() != VERSION) {
        throw new ProtocolException("bus frame of an unknown version");
      }
      long offset = in.getLong();
      String node = text(in);
      String event = text(in);
      int count = in.getShort();
      if (count < 0 || count > MAX_ARGS) {
        throw new ProtocolException("bus frame with " + count + " arguments");
      }
      String[] args = new String[count];
      for (int i = 0; i < count; i++) {
        args[i] = text(in);
      }
      if (in.hasRemaining()) {
        throw new ProtocolException("bus frame with trailing bytes");
      }
      return of(node, event, offset, args);
    } catch (BufferUnderflowException e) {
      throw new ProtocolException("bus frame cut short");
    }
  }

  private static String text(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new ProtocolException("bus frame with a bad length");
    }
    byte[] b = new byte[length];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
