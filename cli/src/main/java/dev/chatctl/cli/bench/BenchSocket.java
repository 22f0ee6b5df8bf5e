package dev.chatctl.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chatctl.protocol.engineio.EngineCodec;
import dev.chatctl.protocol.engineio.EnginePacket;
import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.protocol.socketio.SocketPacket;

/**
 * One Socket.IO client socket of a run, on the main namespace over the websocket transport: the
 * Engine.IO OPEN answered with a CONNECT carrying the token, the server's PING answered with PONG,
 * events handed to the scenario as raw text (a scenario reads only the fields it needs).
 */
final class BenchSocket implements WsConn.Handler {
  /** What a socket reports to its scenario, on the loop thread. */
  interface Listener {
    /** The CONNECT answer came (the server has authenticated the socket). */
    default void connected(BenchSocket socket) {}

    /**
     * The server refused the CONNECT; {@code code} is the contract's error code when it gave one.
     */
    default void refused(BenchSocket socket, String code) {}

    /** An event: {@code name} and the packet's whole text ({@code 42[...]}). */
    default void event(BenchSocket socket, String name, String packet) {}

    /** The socket ended without being closed by the run; {@code reason} says how. */
    default void lost(BenchSocket socket, String reason) {}
  }

  final String userId;
  final int index;
  private final String token;
  private final Listener listener;
  private WsConn conn;

  /** System.nanoTime() when the run started the socket, sent its CONNECT, and got the answer. */
  long startedAt;

  long connectSentAt;
  long connectedAt;
  private boolean connected;

  /** Started by the run's connect phase, and already counted there (BenchRun's bookkeeping). */
  boolean inPhase;

  boolean phaseCounted;
  private boolean closing;

  BenchSocket(String userId, int index, String token, Listener listener) {
    this.userId = userId;
    this.index = index;
    this.token = token;
    this.listener = listener;
  }

  void attach(WsConn conn) {
    this.conn = conn;
  }

  boolean isConnected() {
    return connected && conn != null && conn.isOpen();
  }

  /** Emits an event with one JSON argument and no ack (any thread); false when not connected. */
  boolean emit(String event, String jsonArgument) {
    return conn != null
        && conn.sendText(
            message(SocketCodec.eventText(SocketPacket.MAIN_NAMESPACE, event, jsonArgument)));
  }

  /** An Engine.IO MESSAGE carrying one Socket.IO packet's text. */
  private static String message(String socketIoText) {
    return EngineCodec.encodeText(EnginePacket.message(socketIoText));
  }

  private static String packet(SocketPacket.Type type, JsonNode data) {
    return message(
        SocketCodec.encode(
                new SocketPacket(type, SocketPacket.MAIN_NAMESPACE, SocketPacket.NO_ACK, data))
            .text());
  }

  /** Closes the socket as a client would (Socket.IO DISCONNECT, then the websocket close). */
  void close() {
    closing = true;
    if (conn != null) {
      if (conn.isOpen()) {
        conn.sendText(packet(SocketPacket.Type.DISCONNECT, null));
      }
      conn.close();
    }
  }

  @Override
  public void onOpen(WsConn conn) {
    // the Engine.IO OPEN packet comes as the first message
  }

  @Override
  public void onText(WsConn conn, String text) {
    if (text.isEmpty()) {
      return;
    }
    EnginePacket.Type type = EnginePacket.Type.of(text.charAt(0));
    if (type == null) {
      return;
    }
    switch (type) {
      case OPEN -> {
        connectSentAt = System.nanoTime();
        conn.sendText(
            packet(
                SocketPacket.Type.CONNECT,
                JsonNodeFactory.instance.objectNode().put("token", token)));
      }
      case PING ->
          conn.sendText(
              EngineCodec.encodeText(EnginePacket.of(EnginePacket.Type.PONG, text.substring(1))));
      case CLOSE -> lose("server closed the Engine.IO session");
      case MESSAGE -> socketIo(text);
      default -> {}
    }
  }

  /**
   * A Socket.IO packet, read without a full decode: a run reads only the event name here and only
   * the fields it needs later, which keeps the load generator's CPU off the measurement.
   */
  private void socketIo(String text) {
    SocketPacket.Type type = text.length() < 2 ? null : SocketPacket.Type.of(text.charAt(1));
    if (type == null) {
      return;
    }
    switch (type) {
      case CONNECT -> {
        if (!connected) {
          connected = true;
          connectedAt = System.nanoTime();
          listener.connected(this);
        }
      }
      case EVENT -> {
        int open = text.indexOf("[\"");
        if (open < 0) {
          return;
        }
        int close = text.indexOf('"', open + 2);
        if (close > 0) {
          listener.event(this, text.substring(open + 2, close), text);
        }
      }
      case CONNECT_ERROR -> {
        String code = stringField(text, "code");
        closing = true;
        conn.close();
        listener.refused(this, code == null ? "CONNECT_ERROR" : code);
      }
      case DISCONNECT -> lose("server disconnected the socket");
      default -> {}
    }
  }

  @Override
  public void onClose(WsConn conn, String reason) {
    lose(reason);
  }

  private void lose(String reason) {
    if (closing) {
      return;
    }
    closing = true;
    if (conn != null) {
      conn.close();
    }
    listener.lost(this, reason);
  }

  /** The value of the first string field {@code name} in a JSON text, else null (no unescaping). */
  static String stringField(String json, String name) {
    String marker = "\"" + name + "\":\"";
    int at = json.indexOf(marker);
    if (at < 0) {
      return null;
    }
    int start = at + marker.length();
    int end = start;
    while (end < json.length() && json.charAt(end) != '"') {
      if (json.charAt(end) == '\\') {
        end++;
      }
      end++;
    }
    return end <= json.length() ? json.substring(start, Math.min(end, json.length())) : null;
  }

  /**
   * The number at the start of the string field {@code name} (digits, then anything), else -1: the
   * bench writes its send time at the start of each message's content.
   */
  static long leadingNumber(String json, String name) {
    String marker = "\"" + name + "\":\"";
    int at = json.indexOf(marker);
    if (at < 0) {
      return -1;
    }
    int i = at + marker.length();
    long value = 0;
    int digits = 0;
    while (i < json.length() && Character.isDigit(json.charAt(i)) && digits < 19) {
      value = value * 10 + (json.charAt(i) - '0');
      i++;
      digits++;
    }
    return digits == 0 ? -1 : value;
  }
}
