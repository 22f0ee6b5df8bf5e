package dev.chatctl.server.engineio;

import dev.chatctl.server.conformance.ConformanceServer;
import dev.chatctl.server.socketio.SocketIoServer;
import io.undertow.Undertow;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance application on a free port, with socket.io's default timings, started once for a
 * test class that talks to it with raw clients.
 */
abstract class ConformanceAppTest {
  private static Undertow server;
  static int port;

  @BeforeAll
  static void start() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server =
        ConformanceServer.start(
            port, EngineOptions.defaults(), SocketIoServer.DEFAULT_CONNECT_TIMEOUT);
  }

  @AfterAll
  static void stop() {
    server.stop();
  }
}
