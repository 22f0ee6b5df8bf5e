package dev.chatctl.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.server.engineio.EngineIoServer;
import dev.chatctl.server.engineio.EngineOptions;
import dev.chatctl.server.http.HandshakeRequest;
import dev.chatctl.server.socketio.Ack;
import dev.chatctl.server.socketio.Admission;
import dev.chatctl.server.socketio.NamespaceHandler;
import dev.chatctl.server.socketio.Socket;
import dev.chatctl.server.socketio.SocketIoServer;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The application the socket.io-protocol repository's test-suite expects (its README): the protocol
 * layer with pingInterval 300, pingTimeout 200, connectTimeout 1000, every origin allowed, {@code
 * message} echoed as {@code message-back}, {@code message-with-ack} acknowledged with its
 * arguments, the handshake's auth emitted as {@code auth}, on "/" and "/custom".
 *
 * <p>Run with {@code scripts/conformance-server PORT}; it serves until killed.
 */
public final class ConformanceServer {

  /** The test-suite's configuration: its timings are tight, for a suite that waits for them. */
  public static Undertow start(int port) {
    return start(
        port,
        EngineOptions.defaults().withPing(Duration.ofMillis(300), Duration.ofMillis(200)),
        Duration.ofMillis(1000));
  }

  /**
   * The same application with other timings: socket.io's defaults suit tests that are not about
   * them, and a loaded machine.
   */
  public static Undertow start(int port, EngineOptions options, Duration connectTimeout) {
    SocketIoServer socketIo =
        new SocketIoServer(connectTimeout).mount("/", new Echo()).mount("/custom", new Echo());
    EngineIoServer engineIo = new EngineIoServer(options, socketIo);
    Undertow server =
        Undertow.builder()
            .addHttpListener(port, "0.0.0.0")
            .setHandler(Handlers.path().addPrefixPath("/socket.io/", engineIo))
            .build();
    server.start();
    return server;
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    start(port);
    System.out.println("conformance server listening on :" + port);
  }

  /** The echo handlers of the test-suite's reference configuration. */
  static final class Echo implements NamespaceHandler {
    @Override
    public CompletionStage<Admission> admit(HandshakeRequest request, JsonNode auth) {
      return CompletableFuture.completedFuture(new Admission.Accepted(auth));
    }

    @Override
    public void onConnect(Socket socket) {
      socket.emit("auth", (JsonNode) socket.state());
    }

    @Override
    public void onEvent(Socket socket, String event, List<JsonNode> args, Ack ack) {
      if (event.equals("message")) {
        socket.emit("message-back", args.toArray());
      } else if (event.equals("message-with-ack") && ack != null) {
        ack.send(args.toArray());
      }
    }

    @Override
    public void onDisconnect(Socket socket, String reason) {}
  }
}
