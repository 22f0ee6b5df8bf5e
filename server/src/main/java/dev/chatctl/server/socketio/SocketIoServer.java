package dev.chatctl.server.socketio;

import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.server.engineio.EngineListener;
import dev.chatctl.server.engineio.EngineSession;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Socket.IO v5 protocol layer over Engine.IO: namespaces with their applications, CONNECT with
 * an auth payload, CONNECT_ERROR, events, acknowledgements, binary attachments, and the CONNECT
 * timeout (a connection that joins no namespace in time is closed).
 */
public final class SocketIoServer implements EngineListener {
  private final Map<String, NamespaceHandler> namespaces = new ConcurrentHashMap<>();
  private final long connectTimeoutMillis;

  public SocketIoServer(Duration connectTimeout) {
    this.connectTimeoutMillis = connectTimeout.toMillis();
  }

  /** socket.io's default CONNECT timeout: 45 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(45);

  /** Mounts an application on a namespace ("/" is the main one). */
  public SocketIoServer mount(String namespace, NamespaceHandler handler) {
    if (!namespace.startsWith("/")) {
      throw new IllegalArgumentException("a namespace starts with '/': " + namespace);
    }
    namespaces.put(namespace, handler);
    return this;
  }

  public SocketIoServer mount(NamespaceHandler handler) {
    return mount(SocketPacket.MAIN_NAMESPACE, handler);
  }

  NamespaceHandler handler(String namespace) {
    return namespaces.get(namespace);
  }

  long connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  @Override
  public EngineSession.Handler onOpen(EngineSession session) {
    return new SocketIoClient(this, session);
  }
}
