package dev.chatctl.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis cluster-mode tests run on: TEST_REDIS_URL (default {@code redis://127.0.0.1:6379},
 * which .ci/run starts), each test under a hash tag of its own so runs never see each other's keys.
 * Outside CI a missing Redis skips its tests with a line that says so; in CI (CI set) it fails
 * them. Tests that stop or pause Redis use a {@link PrivateRedis} instead.
 */
public final class TestRedis {
  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";

  private TestRedis() {}

  /** The shared test Redis, checked to answer; skips (or fails in CI) if it does not. */
  public static String url() {
    String url = System.getenv("TEST_REDIS_URL");
    url = url == null || url.isBlank() ? DEFAULT_URL : url;
    URI uri = URI.create(url);
    try {
      String reply = command(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), "PING");
      if (!reply.equals("+PONG")) {
        throw new IOException("PING answered " + reply);
      }
    } catch (IOException e) {
      unavailable(
          "Redis at " + url + " is not reachable (" + e.getMessage() + ")",
          "set TEST_REDIS_URL; CI starts Redis");
    }
    return url;
  }

  /** A hash tag no other test uses (keys and channels of one test's cluster). */
  public static String freshTag() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Sends one command over a fresh connection and returns the first line of the answer. */
  public static String command(String host, int port, String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
      socket.setSoTimeout(5_000);
      StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
      for (String arg : args) {
        request
            .append('$')
            .append(arg.getBytes(StandardCharsets.UTF_8).length)
            .append("\r\n")
            .append(arg)
            .append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      String line =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (line == null) {
        throw new IOException("no answer to " + args[0]);
      }
      return line;
    }
  }

  /** Skips the test outside CI, fails it in CI. */
  static void unavailable(String line, String hint) {
    if (System.getenv("CI") != null) {
      throw new AssertionError(line + "; CI must run the Redis tests");
    }
    System.err.println("SKIPPING Redis tests: " + line + " (" + hint + ")");
    Assumptions.abort(line);
  }
}
