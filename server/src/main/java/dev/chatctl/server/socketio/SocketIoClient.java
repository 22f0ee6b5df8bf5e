package dev.chatctl.server.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.server.engineio.EngineSession;
import dev.chatctl.util.RandomIds;
import dev.chatctl.util.SerialExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioExecutor;

/**
 * The Socket.IO side of one Engine.IO session: decodes its packets, connects its namespaces and
 * dispatches their events. All of it runs on one {@link SerialExecutor}, so the application sees
 * one connection's callbacks one at a time, in arrival order, with no lock held.
 */
final class SocketIoClient implements EngineSession.Handler {
  private static final Logger log = LoggerFactory.getLogger(SocketIoClient.class);

  private static final long OUTPUT_HOLD_MILLIS = 1;

  private final SocketIoServer server;
  private final EngineSession session;
  private final SerialExecutor serial =
      SerialExecutor.direct(e -> log.error("socket task failed", e));
  private final SocketCodec.Decoder decoder = new SocketCodec.Decoder();
  // touched only on the serial executor
  private final SocketSet sockets = new SocketSet();
  private Set<String> connecting; // namespaces whose CONNECT is being decided; null when none
  private XnioExecutor.Key connectTimer;
  private boolean closed;

  SocketIoClient(SocketIoServer server, EngineSession session) {
    this.server = server;
    this.session = session;
    connectTimer =
        session.schedule(
            () -> serial.execute(this::onConnectTimeout), server.connectTimeoutMillis());
  }

  EngineSession session() {
    return session;
  }

  @Override
  public void onMessage(String text) {
    receive(() -> decoder.decode(text));
  }

  @Override
  public void onMessage(byte[] binary) {
    receive(() -> decoder.decode(binary));
  }

  /** Decoding one Engine.IO message; null while a packet waits for its attachments. */
  private interface Decoding {
    SocketPacket decode() throws ProtocolException;
  }

  private void receive(Decoding decoding) {
    serial.execute(
        () -> {
          if (closed) {
            return;
          }
          SocketPacket packet;
          try {
            packet = decoding.decode();
          } catch (ProtocolException e) {
            log.debug("closing {}: {}", session.sid(), e.getMessage());
            session.close();
            return;
          }
          if (packet != null) {
            onPacket(packet);
          }
        });
  }

  @Override
  public void onClose(String reason) {
    serial.execute(
        () -> {
          if (closed) {
            return;
          }
          closed = true;
          if (connectTimer != null) {
            connectTimer.remove();
          }
          List<Socket> gone = sockets.clear();
          for (Socket socket : gone) {
            end(socket, reason);
          }
        });
  }

  private void onConnectTimeout() {
    connectTimer = null;
    if (!closed && sockets.isEmpty()) {
      session.close();
    }
  }

  private void onPacket(SocketPacket packet) {
    String namespace = packet.namespace();
    if (packet.type() == SocketPacket.Type.CONNECT) {
      connect(namespace, packet.data());
      return;
    }
    Socket socket = sockets.get(namespace);
    if (socket == null) {
      // anything but CONNECT before CONNECT (or a CONNECT_ERROR, which only servers send): the
      // protocol says the server closes the connection at once
      log.debug("closing {}: {} for a namespace not connected", session.sid(), packet.type());
      session.close();
      return;
    }
    switch (packet.type()) {
      case DISCONNECT -> {
        sockets.remove(socket);
        end(socket, "client namespace disconnect");
      }
      case EVENT, BINARY_EVENT -> dispatch(socket, packet);
      case ACK, BINARY_ACK -> {} // the server asks for no acknowledgements
      case CONNECT_ERROR -> session.close(); // only servers send these
      case CONNECT -> {} // handled above
    }
  }

  private void dispatch(Socket socket, SocketPacket packet) {
    List<JsonNode> args = new ArrayList<>(packet.data().size());
    packet.data().forEach(args::add);
    JsonNode name = args.remove(0);
    Ack ack = packet.wantsAck() ? socket.ack(packet.ackId()) : null;
    server.handler(socket.namespace()).onEvent(socket, name.asText(), args, ack);
  }

  private void end(Socket socket, String reason) {
    socket.markDisconnected();
    server.handler(socket.namespace()).onDisconnect(socket, reason);
  }

  private void connect(String namespace, JsonNode auth) {
    NamespaceHandler handler = server.handler(namespace);
    if (handler == null) {
      refuse(namespace, Admission.Refused.of("Invalid namespace", null));
      return;
    }
    if (sockets.contains(namespace) || (connecting != null && connecting.contains(namespace))) {
      return; // already connected or connecting
    }
    if (connecting == null) {
      connecting = new HashSet<>(2);
    }
    connecting.add(namespace);
    JsonNode payload = auth != null ? auth : JsonNodeFactory.instance.objectNode();
    handler
        .admit(session.request(), payload)
        .whenComplete(
            (admission, error) ->
                serial.execute(() -> admitted(namespace, handler, admission, error)));
  }

  private void admitted(
      String namespace, NamespaceHandler handler, Admission admission, Throwable error) {
    connecting.remove(namespace);
    if (connecting.isEmpty()) {
      connecting = null;
    }
    if (closed) {
      return;
    }
    if (error != null) {
      log.error("admission to {} failed", namespace, error);
      admission = Admission.Refused.of("Internal error", null);
    }
    switch (admission) {
      case Admission.Dropped dropped -> session.close();
      case Admission.Refused refused -> refuse(namespace, refused);
      case Admission.Accepted accepted -> {
        Socket socket = new Socket(newId(), namespace, this, accepted.state());
        sockets.put(socket);
        if (connectTimer != null) {
          connectTimer.remove();
          connectTimer = null;
        }
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("sid", socket.id());
        answer.putAll(accepted.answer());
        // The application starts at once, but what the socket emits waits: the CONNECT answer
        // goes first, in a write of its own, and the rest a moment later. socket.io's server
        // separates them by a turn of its event loop, and clients that read one frame per turn
        // (the protocol's test-suite) rely on it.
        socket.holdOutput();
        handler.onConnect(socket);
        answer(SocketPacket.Type.CONNECT, namespace, Json.MAPPER.valueToTree(answer));
        session.schedule(socket::releaseOutput, OUTPUT_HOLD_MILLIS);
      }
    }
  }

  private void refuse(String namespace, Admission.Refused refused) {
    answer(SocketPacket.Type.CONNECT_ERROR, namespace, refused.error());
  }

  /** Sends the answer to a CONNECT. */
  private void answer(SocketPacket.Type type, String namespace, JsonNode data) {
    session.send(
        SocketCodec.encode(new SocketPacket(type, namespace, SocketPacket.NO_ACK, data)).text());
  }

  void disconnect(Socket socket, boolean closeConnection) {
    serial.execute(
        () -> {
          if (sockets.remove(socket)) {
            socket.releaseOutput(); // what was emitted before the disconnect goes first
            socket.send(
                new SocketPacket(
                    SocketPacket.Type.DISCONNECT, socket.namespace(), SocketPacket.NO_ACK, null));
            end(socket, "server namespace disconnect");
          }
          if (closeConnection) {
            session.close();
          }
        });
  }

  private static String newId() {
    return RandomIds.urlSafe(15);
  }
}
