package dev.chatctl.server.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.protocol.socketio.SocketPacket;
import java.util.ArrayList;
import java.util.List;

/** A client's connection to one namespace. Emitting is safe from any thread. */
public final class Socket {

  /** Where a socket's packets go: its Engine.IO session, through its client. */
  interface Output {
    void send(String text, List<byte[]> attachments);

    void send(SharedPacket packet);

    /** Ends the socket (the client's DISCONNECT or the whole connection). */
    void disconnect(Socket socket, boolean closeConnection);

    /** Stops or restarts reading the connection (backpressure). */
    void pauseReading(boolean paused);
  }

  /** A packet that waits while output is held: its own text and attachments, or a shared one. */
  private record Held(String text, List<byte[]> attachments, SharedPacket shared) {}

  private final String id;
  private final String namespace;
  private final Output output;
  private final Object state;
  private volatile boolean connected = true;

  /** Packets emitted while output is held (just after connecting); null otherwise. */
  private volatile List<Held> held;

  Socket(String id, String namespace, SocketIoClient client, Object state) {
    this(id, namespace, state, over(client));
  }

  Socket(String id, String namespace, Object state, Output output) {
    this.id = id;
    this.namespace = namespace;
    this.state = state;
    this.output = output;
  }

  private static Output over(SocketIoClient client) {
    return new Output() {
      @Override
      public void send(String text, List<byte[]> attachments) {
        client.session().send(text, attachments);
      }

      @Override
      public void send(SharedPacket packet) {
        client.session().send(packet.prepared());
      }

      @Override
      public void disconnect(Socket socket, boolean closeConnection) {
        client.disconnect(socket, closeConnection);
      }

      @Override
      public void pauseReading(boolean paused) {
        client.session().pauseReading(paused);
      }
    };
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
    if (connected) {
      transmit(new Held(SocketCodec.eventText(namespace, event, jsonArgs), List.of(), null));
    }
  }

  /** Sends a packet encoded once for many sockets of this namespace (see {@link Adapter}). */
  void sendShared(SharedPacket packet) {
    if (connected) {
      transmit(new Held(null, null, packet));
    }
  }

  void send(SocketPacket packet) {
    if (!connected) {
      return;
    }
    SocketCodec.Encoded encoded = SocketCodec.encode(packet);
    transmit(new Held(encoded.text(), encoded.attachments(), null));
  }

  /**
   * Disconnects this socket from the server's side (the client gets a DISCONNECT and does not
   * reconnect by itself); with {@code closeConnection}, the whole connection closes too.
   */
  public void disconnect(boolean closeConnection) {
    output.disconnect(this, closeConnection);
  }

  /**
   * Stops reading this socket's connection (TCP backpressure: the application has too many of its
   * requests in flight), or starts again. Over polling, reading is not paused.
   */
  public void pauseReading(boolean paused) {
    output.pauseReading(paused);
  }

  /** Makes what this socket emits wait until {@link #releaseOutput}. */
  synchronized void holdOutput() {
    held = new ArrayList<>(2);
  }

  /** Sends what waited, in order; from now on emits go out at once. */
  synchronized void releaseOutput() {
    List<Held> waiting = held;
    if (waiting != null && connected) {
      waiting.forEach(this::write);
    }
    // cleared only now: a sender that finds it set waits on this monitor, and goes after these
    held = null;
  }

  /** Sends a packet now, or after the held ones. */
  private void transmit(Held packet) {
    if (held != null) {
      synchronized (this) {
        if (held != null) {
          held.add(packet);
          return;
        }
      }
    }
    write(packet);
  }

  private void write(Held packet) {
    if (packet.shared() != null) {
      output.send(packet.shared());
    } else {
      output.send(packet.text(), packet.attachments());
    }
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
        if (connected) {
          transmit(new Held(SocketCodec.ackText(namespace, ackId, jsonArgs), List.of(), null));
        }
      }
    };
  }

  @Override
  public String toString() {
    return "Socket[" + id + " " + namespace + "]";
  }
}
