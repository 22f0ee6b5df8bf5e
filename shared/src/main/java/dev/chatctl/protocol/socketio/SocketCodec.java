package dev.chatctl.protocol.socketio;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.socketio.SocketPacket.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Socket.IO v5 packet encoding: {@code <type>[<attachments>-][<namespace>,][<ack id>][<json>]},
 * followed, for BINARY_EVENT and BINARY_ACK, by one binary Engine.IO message per attachment. The
 * same rules as the reference {@code socket.io-parser}: a packet that breaks them is refused with
 * {@link ProtocolException}, and the connection that sent it is closed.
 */
public final class SocketCodec {

  /** Event names a peer may not emit: they are the client library's own. */
  public static final Set<String> RESERVED_EVENTS =
      Set.of(
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener");

  private static final int MAX_ATTACHMENTS = 10_000;

  /**
   * The attachments of one packet together, in bytes: as much as one Engine.IO packet may hold
   * (maxPayload), so a peer cannot make a decoder hold 10,000 of them.
   */
  public static final int MAX_ATTACHMENT_BYTES = 1_000_000;

  private SocketCodec() {}

  /** A packet as its text frame and the binary frames of its attachments, in order. */
  public record Encoded(String text, List<byte[]> attachments) {
    public boolean hasAttachments() {
      return !attachments.isEmpty();
    }
  }

  public static Encoded encode(SocketPacket packet) {
    List<byte[]> attachments = new ArrayList<>();
    JsonNode data = packet.data() == null ? null : deconstruct(packet.data(), attachments);
    Type type = packet.type();
    if (!attachments.isEmpty()) {
      if (type == Type.EVENT) {
        type = Type.BINARY_EVENT;
      } else if (type == Type.ACK) {
        type = Type.BINARY_ACK;
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(type.digit());
    if (type == Type.BINARY_EVENT || type == Type.BINARY_ACK) {
      out.append(attachments.size()).append('-');
    }
    appendNamespace(out, packet.namespace(), packet.ackId() >= 0 || data != null);
    if (packet.ackId() >= 0) {
      out.append(packet.ackId());
    }
    if (data != null) {
      out.append(toJson(data));
    }
    return new Encoded(out.toString(), attachments);
  }

  /**
   * The text of an EVENT packet built from JSON that is already serialized: {@code
   * 2[<namespace>,]["<event>",<arg>,...]}. The fast path for server broadcasts: a payload is
   * serialized once and framed for many sockets.
   */
  public static String eventText(String namespace, String event, String... jsonArgs) {
    StringBuilder out = new StringBuilder(32 + event.length() + totalLength(jsonArgs));
    out.append(Type.EVENT.digit());
    appendNamespace(out, namespace, true);
    out.append("[\"");
    JsonStringEncoder.getInstance().quoteAsString(event, out);
    out.append('"');
    for (String arg : jsonArgs) {
      out.append(',').append(arg);
    }
    return out.append(']').toString();
  }

  /** The text of an ACK packet built from JSON that is already serialized. */
  public static String ackText(String namespace, long ackId, String... jsonArgs) {
    StringBuilder out = new StringBuilder(16 + totalLength(jsonArgs));
    out.append(Type.ACK.digit());
    appendNamespace(out, namespace, true);
    out.append(ackId).append('[');
    for (int i = 0; i < jsonArgs.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(jsonArgs[i]);
    }
    return out.append(']').toString();
  }

  private static int totalLength(String[] parts) {
    int n = 0;
    for (String part : parts) {
      n += part.length() + 1;
    }
    return n;
  }

  private static void appendNamespace(StringBuilder out, String namespace, boolean more) {
    if (namespace != null && !namespace.equals(SocketPacket.MAIN_NAMESPACE)) {
      out.append(namespace);
      if (more) {
        out.append(',');
      }
    }
  }

  /** Serializes a JSON tree. */
  public static String toJson(JsonNode node) {
    return Json.write(node);
  }

  /** Replaces binary nodes with numbered placeholders, collecting their bytes. */
  private static JsonNode deconstruct(JsonNode node, List<byte[]> attachments) {
    if (node instanceof BinaryNode binary) {
      ObjectNode placeholder = JsonNodeFactory.instance.objectNode();
      placeholder.put("_placeholder", true);
      placeholder.put("num", attachments.size());
      attachments.add(binary.binaryValue());
      return placeholder;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = null;
      for (int i = 0; i < array.size(); i++) {
        JsonNode item = array.get(i);
        JsonNode replaced = deconstruct(item, attachments);
        if (replaced != item && copy == null) {
          copy = array.deepCopy();
        }
        if (copy != null) {
          copy.set(i, replaced);
        }
      }
      return copy != null ? copy : array;
    }
    if (node instanceof ObjectNode object) {
      ObjectNode copy = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode replaced = deconstruct(field.getValue(), attachments);
        if (replaced != field.getValue() && copy == null) {
          copy = object.deepCopy();
        }
        if (copy != null) {
          copy.set(field.getKey(), replaced);
        }
      }
      return copy != null ? copy : object;
    }
    return node;
  }

  /**
   * Decodes the packets of one connection. Text packets without attachments come out at once; a
   * BINARY_EVENT or BINARY_ACK comes out when its last attachment has arrived. Not thread-safe: one
   * decoder per connection, fed in arrival order.
   */
  public static final class Decoder {
    private SocketPacket pending;
    private int expected;
    private long bufferedBytes;
    private final List<byte[]> buffers = new ArrayList<>(0);

    /** Feeds a text frame; returns the packet, or null while attachments are awaited. */
    public SocketPacket decode(String text) {
      if (pending != null) {
        throw new ProtocolException("got a text packet while awaiting binary attachments");
      }
      Header header = parseHeader(text);
      if (header.attachments > 0) {
        pending = header.packet;
        expected = header.attachments;
        return null;
      }
      return header.packet;
    }

    /** Feeds a binary frame; returns the completed packet once all attachments are in. */
    public SocketPacket decode(byte[] binary) {
      if (pending == null) {
        throw new ProtocolException("got a binary attachment that no packet announced");
      }
      bufferedBytes += binary.length;
      if (bufferedBytes > MAX_ATTACHMENT_BYTES) {
        throw new ProtocolException("attachments larger than " + MAX_ATTACHMENT_BYTES + " bytes");
      }
      buffers.add(binary);
      if (buffers.size() < expected) {
        return null;
      }
      SocketPacket done = pending;
      JsonNode data = reconstruct(done.data(), buffers);
      pending = null;
      expected = 0;
      bufferedBytes = 0;
      buffers.clear();
      return new SocketPacket(done.type(), done.namespace(), done.ackId(), data);
    }

    /** True while a binary packet's attachments are still awaited. */
    public boolean awaitingAttachments() {
      return pending != null;
    }
  }

  private record Header(SocketPacket packet, int attachments) {}

  private static Header parseHeader(String text) {
    int length = text.length();
    if (length == 0) {
      throw new ProtocolException("empty packet");
    }
    Type type = Type.of(text.charAt(0));
    if (type == null) {
      throw new ProtocolException("unknown packet type " + text.charAt(0));
    }
    int i = 1;
    int attachments = 0;
    if (type == Type.BINARY_EVENT || type == Type.BINARY_ACK) {
      int start = i;
      while (i < length && text.charAt(i) != '-') {
        if (!Character.isDigit(text.charAt(i))) {
          throw new ProtocolException("illegal attachments");
        }
        i++;
      }
      if (i == start || i == length || i - start > 5) {
        throw new ProtocolException("illegal attachments");
      }
      attachments = Integer.parseInt(text, start, i, 10);
      if (attachments > MAX_ATTACHMENTS) {
        throw new ProtocolException("too many attachments");
      }
      i++; // '-'
    }
    String namespace = SocketPacket.MAIN_NAMESPACE;
    if (i < length && text.charAt(i) == '/') {
      int comma = text.indexOf(',', i);
      int end = comma < 0 ? length : comma;
      namespace = text.substring(i, end);
      i = comma < 0 ? length : comma + 1;
    }
    long ackId = SocketPacket.NO_ACK;
    if (i < length && Character.isDigit(text.charAt(i))) {
      int start = i;
      while (i < length && Character.isDigit(text.charAt(i))) {
        i++;
      }
      if (i - start > 15) {
        throw new ProtocolException("illegal ack id");
      }
      ackId = Long.parseLong(text, start, i, 10);
    }
    JsonNode data = null;
    if (i < length) {
      data = Json.read(text.substring(i));
    }
    if (!payloadValid(type, data)) {
      throw new ProtocolException("invalid payload for " + type);
    }
    if (attachments > 0 && data != null && countPlaceholders(data) > attachments) {
      throw new ProtocolException("placeholder beyond the announced attachments");
    }
    return new Header(new SocketPacket(type, namespace, ackId, data), attachments);
  }

  private static boolean payloadValid(Type type, JsonNode data) {
    return switch (type) {
      case CONNECT -> data == null || data.isObject();
      case DISCONNECT -> data == null;
      case CONNECT_ERROR -> data != null && (data.isTextual() || data.isObject());
      case EVENT, BINARY_EVENT ->
          data != null
              && data.isArray()
              && !data.isEmpty()
              && (data.get(0).isNumber()
                  || (data.get(0).isTextual() && !RESERVED_EVENTS.contains(data.get(0).asText())));
      case ACK, BINARY_ACK -> data != null && data.isArray();
    };
  }

  private static int countPlaceholders(JsonNode node) {
    if (isPlaceholder(node)) {
      return node.get("num").asInt() + 1;
    }
    int max = 0;
    for (JsonNode child : node) {
      max = Math.max(max, countPlaceholders(child));
    }
    return max;
  }

  private static boolean isPlaceholder(JsonNode node) {
    return node.isObject()
        && node.path("_placeholder").asBoolean(false)
        && node.path("num").isIntegralNumber();
  }

  /** Puts the attachments back where their placeholders are. */
  private static JsonNode reconstruct(JsonNode node, List<byte[]> buffers) {
    if (node == null) {
      return null;
    }
    if (isPlaceholder(node)) {
      int num = node.get("num").asInt();
      if (num < 0 || num >= buffers.size()) {
        throw new ProtocolException("illegal attachment number");
      }
      return BinaryNode.valueOf(buffers.get(num));
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, reconstruct(array.get(i), buffers));
      }
    } else if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        field.setValue(reconstruct(field.getValue(), buffers));
      }
    }
    return node;
  }
}
