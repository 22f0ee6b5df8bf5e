package dev.chatctl.server.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of a test's own, on a free port, for tests that kill its connections or pause it
 * (never the shared one). Closing it stops the process.
 */
public final class PrivateRedis implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private PrivateRedis(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts redis-server; skips (or fails in CI) when it is not installed. */
  public static PrivateRedis start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path log = Files.createTempFile("chatctl-redis-", ".log");
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      TestRedis.unavailable(
          "redis-server cannot be started (" + e.getMessage() + ")",
          "install redis-server; CI installs it");
      throw e;
    }
    PrivateRedis redis = new PrivateRedis(process, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        if (TestRedis.command("127.0.0.1", port, "PING").equals("+PONG")) {
          return redis;
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          redis.close();
          throw new IOException(
              "redis-server on port " + port + " did not start: " + Files.readString(log), e);
        }
      }
      Thread.sleep(50);
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Sends one command; the first line of the answer. */
  public String command(String... args) throws IOException {
    return TestRedis.command("127.0.0.1", port, args);
  }

  /** Stops the server process where it stands (SIGSTOP): connections stay open, nothing answers. */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Lets a paused server go on (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill " + signal + " " + process.pid() + " failed");
    }
  }

  @Override
  public void close() {
    try {
      signal("-CONT"); // a paused server would not see the TERM
    } catch (IOException | InterruptedException e) {
      // gone already
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(log);
    } catch (InterruptedException | IOException e) {
      process.destroyForcibly();
    }
  }
}
