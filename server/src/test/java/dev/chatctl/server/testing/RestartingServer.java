package dev.chatctl.server.testing;

import dev.chatctl.server.config.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs a Node.js script against a server in-process that the script may ask to restart (its {@code
 * --restart-via-stdio}): at each line {@code # restart-request} the server is stopped and started
 * again on the same database and the same port, so clients reconnect to it, and the script is told
 * so with the line {@code restarted}.
 */
public final class RestartingServer {

  /** What the script printed, and how many restarts it asked for. */
  public record Run(NodeScript.Result result, int restarts) {}

  private RestartingServer() {}

  /**
   * Starts the server ({@code config} applied, then a fixed free port), runs {@code node script
   * --url URL args...} and restarts the server whenever asked; {@code timeout} bounds the wait for
   * each request and for the script's end.
   */
  public static Run run(
      Path dir,
      String databaseUrl,
      UnaryOperator<ServerConfig> config,
      Duration timeout,
      String script,
      String... args)
      throws IOException, InterruptedException {
    int port = freePort();
    UnaryOperator<ServerConfig> samePort = c -> config.apply(c).withPort(port);
    TestServer server = TestServer.on(dir, databaseUrl, samePort);
    List<String> command = new ArrayList<>(List.of("--url", server.url()));
    command.addAll(List.of(args));
    int restarts = 0;
    try (NodeProcess node = NodeProcess.start(script, command.toArray(String[]::new))) {
      while (node.awaitLine(line -> line.startsWith("# restart-request"), timeout) != null) {
        server.close();
        server = TestServer.on(dir, databaseUrl, samePort);
        restarts++;
        node.writeLine("restarted");
      }
      NodeScript.Result result = node.await(timeout);
      System.out.println(result.stdout());
      return new Run(result, restarts);
    } finally {
      server.close();
    }
  }

  /** A port that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
