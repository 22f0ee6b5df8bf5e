package dev.chatctl.server.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.server.engineio.HandshakeRequest;
import dev.chatctl.server.engineio.PreparedMessage;
import java.util.ArrayList;
import java.util.List;

/** A client's connection to one namespace. Emitting is safe from any thread. */
public final class Socket {
  private final String id;
  private final String namespace;
  private final SocketIoClient client;
  private final Object state;
  private volatile boolean connected = true;
  /** Frames emitted while output is held (just after connecting); null otherwise. */
  private volatile List<Object[]> held;

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
      transmit(packetText, List.of());
    }
  }

  /**
   * Sends a packet prepared once for many sockets of this socket's namespace (a broadcast, see
   * {@link Adapter}): its WebSocket frame is built once and shared.
   */
  void sendPrepared(PreparedMessage message) {
    if (!connected) {
      return;
    }
    if (held != null) {
      synchronized (this) {
        if (held != null) {
          held.add(new Object[] {message, null});
          return;
        }
      }
    }
    client.session().send(message);
  }

  void send(SocketPacket packet) {
    if (!connected) {
      return;
    }
    SocketCodec.Encoded encoded = SocketCodec.encode(packet);
    transmit(encoded.text(), encoded.attachments());
  }

  /**
   * Disconnects this socket from the server's side (the client gets a DISCONNECT and does not
   * reconnect by itself); with {@code closeConnection}, the whole connection closes too.
   */
  public void disconnect(boolean closeConnection) {
    client.disconnect(this, closeConnection);
  }

  /** Makes what this socket emits wait until {@link #releaseOutput}. */
  synchronized void holdOutput() {
    held = new ArrayList<>(2);
  }

  /** Sends what waited, in order; from now on emits go out at once. */
  synchronized void releaseOutput() {
    List<Object[]> waiting = held;
    if (waiting != null && connected) {
      for (Object[] frame : waiting) {
        if (frame[0] instanceof PreparedMessage prepared) {
          client.session().send(prepared);
        } else {
          @SuppressWarnings("unchecked")
          List<byte[]> attachments = (List<byte[]>) frame[1];
          client.session().send((String) frame[0], attachments);
        }
      }
    }
    // cleared only now: a sender that finds it set waits on this monitor, and goes after these
    held = null;
  }

  /** Sends a packet's frames now, or after the held ones. */
  private void transmit(String text, List<byte[]> attachments) {
    if (held != null) {
      synchronized (this) {
        if (held != null) {
          held.add(new Object[] {text, attachments});
          return;
        }
      }
    }
    client.session().send(text, attachments);
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

      @Override
      public synchronized void sendJson(String... jsonArgs) {
        if (sent) {
          return;
        }
        sent = true;
        sendEncoded(SocketCodec.ackText(namespace, ackId, jsonArgs));
      }
    };
  }

  @Override
  public String toString() {
    return "Socket[" + id + " " + namespace + "]";
  }
}
