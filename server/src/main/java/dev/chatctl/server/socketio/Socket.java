package dev.chatctl.server.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.server.engineio.HandshakeRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A client's connection to one namespace. Emitting is safe from any thread. */
public final class Socket {
  private final String id;
  private final String namespace;
  private final SocketIoClient client;
  private final Object state;
  private volatile boolean connected = true;
  private Map<Long, Consumer<List<JsonNode>>> acks; // guarded by this
  /** Events that arrived before the application started; null once it has. Serial executor only. */
  private List<SocketPacket> early = new ArrayList<>(0);
  private long nextAckId;

  Socket(String id, String namespace, SocketIoClient client, Object state) {
    this.id = id;
    this.namespace = namespace;
    this.client = client;
    this.state = state;
  }

  public String id() {
    return id;
  }

  public String namespace() {
    return namespace;
  }

  /** The application's state for this socket, from {@link Admission.Accepted}. */
  @SuppressWarnings("unchecked")
  public <T> T state() {
    return (T) state;
  }

  public HandshakeRequest handshake() {
    return client.session().request();
  }

  /** "websocket" or "polling". */
  public String transport() {
    return client.session().transportName();
  }

  public boolean connected() {
    return connected;
  }

  /** Emits an event; each argument is serialized as JSON (byte arrays become attachments). */
  public void emit(String event, Object... args) {
    ArrayNode data = JsonNodeFactory.instance.arrayNode(args.length + 1);
    data.add(event);
    for (Object arg : args) {
      data.add((JsonNode) Json.MAPPER.valueToTree(arg));
    }
    send(new SocketPacket(SocketPacket.Type.EVENT, namespace, SocketPacket.NO_ACK, data));
  }

  /** Emits an event whose arguments are JSON text already (no attachments). */
  public void emitJson(String event, String... jsonArgs) {
    sendEncoded(SocketCodec.eventText(namespace, event, jsonArgs));
  }

  /**
   * Sends a Socket.IO packet already encoded for this socket's namespace (see {@link
   * SocketCodec#eventText}): a broadcast is encoded once and sent to many sockets.
   */
  public void sendEncoded(String packetText) {
    if (connected) {
      client.session().send(packetText);
    }
  }

  /** Emits an event and calls {@code callback} with the client's acknowledgement. */
  public void emitWithAck(String event, Consumer<List<JsonNode>> callback, Object... args) {
    ArrayNode data = JsonNodeFactory.instance.arrayNode(args.length + 1);
    data.add(event);
    for (Object arg : args) {
      data.add((JsonNode) Json.MAPPER.valueToTree(arg));
    }
    long ackId;
    synchronized (this) {
      ackId = nextAckId++;
      if (acks == null) {
        acks = new HashMap<>();
      }
      acks.put(ackId, callback);
    }
    send(new SocketPacket(SocketPacket.Type.EVENT, namespace, ackId, data));
  }

  void onAck(long ackId, List<JsonNode> args) {
    Consumer<List<JsonNode>> callback;
    synchronized (this) {
      callback = acks == null ? null : acks.remove(ackId);
    }
    if (callback != null) {
      callback.accept(args);
    }
  }

  void send(SocketPacket packet) {
    if (!connected) {
      return;
    }
    SocketCodec.Encoded encoded = SocketCodec.encode(packet);
    client.session().send(encoded.text(), encoded.attachments());
  }

  /**
   * Disconnects this socket from the server's side (the client gets a DISCONNECT and does not
   * reconnect by itself); with {@code closeConnection}, the whole connection closes too.
   */
  public void disconnect(boolean closeConnection) {
    client.disconnect(this, closeConnection);
  }

  /** Holds an event that arrived before the application started; false once it has. */
  boolean holdIfStarting(SocketPacket packet) {
    if (early == null) {
      return false;
    }
    early.add(packet);
    return true;
  }

  /** Marks the application started; returns the events that waited for it. */
  List<SocketPacket> start() {
    List<SocketPacket> waited = early;
    early = null;
    return waited;
  }

  boolean started() {
    return early == null;
  }

  void markDisconnected() {
    connected = false;
  }

  Ack ack(long ackId) {
    return new Ack() {
      private boolean sent;

      @Override
      public synchronized void send(Object... args) {
        if (sent) {
          return;
        }
        sent = true;
        ArrayNode data = JsonNodeFactory.instance.arrayNode(args.length);
        for (Object arg : args) {
          data.add((JsonNode) Json.MAPPER.valueToTree(arg));
        }
        Socket.this.send(new SocketPacket(SocketPacket.Type.ACK, namespace, ackId, data));
      }
    };
  }

  @Override
  public String toString() {
    return "Socket[" + id + " " + namespace + "]";
  }
}
