package dev.chatctl.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.testing.ServeMain;
import dev.chatctl.server.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server process that runs out of file descriptors ({@code ulimit -n 300}, with MAX_CONNECTIONS
 * set above it so the cap does not step in first) keeps running and accepts again once the
 * connections that took them are gone.
 */
class AcceptAfterEmfileTest {

  @Test
  void acceptWorksAgainAfterEmfile(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("server.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                "sh",
                "-c",
                "ulimit -n 300 && exec \"$0\" serve",
                ServeMain.launcher(dir).toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().remove("DATABASE_URL");
    builder.environment().put("NEXTAUTH_SECRET", TestServer.SECRET);
    builder.environment().put("HOST", "127.0.0.1");
    builder.environment().put("WS_PORT", String.valueOf(port));
    builder.environment().put("CHATCTL_DATA_DIR", dir.resolve("data").toString());
    builder.environment().put("MAX_CONNECTIONS", "100000");
    builder.environment().put("MAX_CONNECTIONS_PER_IP", "0");
    Process server = builder.start();
    List<RawHttp> flood = new ArrayList<>();
    try {
      assertEquals("200 {\"status\":\"ok\"}", healthz(port, 60_000), "the server starts");
      for (int i = 0; i < 400; i++) {
        flood.add(
            new RawHttp(
                port)); // the kernel completes these; the server runs out while accepting them
      }
      String output = "";
      for (int i = 0; i < 100 && !output.contains("Too many open files"); i++) {
        Thread.sleep(100);
        output = Files.readString(log, StandardCharsets.UTF_8);
      }
      assertTrue(output.contains("Too many open files"), "accept failed with EMFILE:\n" + output);
      for (RawHttp c : flood) {
        c.close();
      }
      flood.clear();
      assertEquals(
          "200 {\"status\":\"ok\"}",
          healthz(port, 30_000),
          "accepting again once descriptors are free");
      assertTrue(server.isAlive());
    } finally {
      for (RawHttp c : flood) {
        c.close();
      }
      server.toHandle().destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /** GET /healthz until it answers (or the time is up: null). */
  private static String healthz(int port, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      try (RawHttp c = new RawHttp(port)) {
        c.socket.setSoTimeout(2_000);
        String answer = c.get("/healthz");
        if (answer != null) {
          return answer;
        }
      } catch (IOException e) {
        // not up (yet, or again)
      }
      Thread.sleep(200);
    }
    return null;
  }
}
