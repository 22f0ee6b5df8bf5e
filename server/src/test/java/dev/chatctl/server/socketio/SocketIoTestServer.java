package dev.chatctl.server.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.server.engineio.EngineIoServer;
import dev.chatctl.server.engineio.EngineOptions;
import dev.chatctl.server.http.HandshakeRequest;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Socket.IO server on a free port with a small application on "/" and "/custom": it admits unless
 * the auth says {@code refuse} or {@code drop}; the event {@code bye} is answered with {@code
 * bye-back} and a server-side disconnect that closes the connection (as a token expiry does: {@code
 * auth:expired}, then the disconnect); any other event is echoed. Connects and disconnects are
 * recorded.
 */
final class SocketIoTestServer implements AutoCloseable {
  private final Undertow undertow;
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  final int port;

  SocketIoTestServer(Duration connectTimeout) {
    SocketIoServer socketIo =
        new SocketIoServer(connectTimeout).mount("/", new App()).mount("/custom", new App());
    EngineIoServer engine = new EngineIoServer(EngineOptions.defaults(), socketIo);
    undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(Handlers.path().addPrefixPath("/socket.io/", engine))
            .build();
    undertow.start();
    port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** The next connect or disconnect: "connect /custom", "disconnect / REASON". */
  String event() throws InterruptedException {
    return events.poll(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    undertow.stop();
  }

  private final class App implements NamespaceHandler {
    @Override
    public CompletionStage<Admission> admit(HandshakeRequest request, JsonNode auth) {
      Admission admission =
          auth.has("refuse")
              ? Admission.Refused.of("refused", auth.get("refuse"))
              : auth.has("drop") ? new Admission.Dropped() : new Admission.Accepted(auth);
      return CompletableFuture.completedFuture(admission);
    }

    @Override
    public void onConnect(Socket socket) {
      events.add("connect " + socket.namespace());
    }

    @Override
    public void onEvent(Socket socket, String event, List<JsonNode> args, Ack ack) {
      if (event.equals("bye")) {
        socket.emit("bye-back");
        socket.disconnect(true);
      } else {
        socket.emit(event, args.toArray());
      }
    }

    @Override
    public void onDisconnect(Socket socket, String reason) {
      events.add("disconnect " + socket.namespace() + " " + reason);
    }
  }
}
