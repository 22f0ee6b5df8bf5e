package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.testing.NodeProcess;
import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.TcpProxy;
import dev.chatctl.server.testing.TestDatabases;
import dev.chatctl.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROTOCOL.md "Limits", the database outage: the server's PostgreSQL is reached through a TCP proxy
 * that the test takes down (every connection reset, new ones refused) under traffic and brings
 * back. The real socket.io-client ({@code server/src/test/node/outage.mjs}) checks what clients
 * see: UNAVAILABLE instead of a hang, sockets kept, nothing acknowledged lost, and service back
 * without a restart; this test checks /readyz.
 */
class DatabaseOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void sendsAreAnsweredUnavailableAndServiceResumesWhenTheDatabaseReturns(@TempDir Path dir)
      throws Exception {
    String url = TestDatabases.freshPostgresSchema();
    URI database = URI.create(url);
    try (TcpProxy proxy = new TcpProxy(database.getPort())) {
      String proxied =
          url.replace(database.getHost() + ":" + database.getPort(), "127.0.0.1:" + proxy.port());
      try (TestServer server =
              TestServer.on(
                  dir,
                  proxied,
                  c -> c.withLimits(c.limits().withStoreTimeout(Duration.ofSeconds(2))));
          NodeProcess client =
              NodeProcess.start(
                  "outage.mjs", "--url", server.url(), "--secret", TestServer.SECRET)) {
        String before =
            client.awaitLine(l -> l.startsWith("stored ") || l.startsWith("FAILED"), WAIT);
        assertTrue(before != null && before.startsWith("stored "), "before the outage: " + before);
        assertEquals(200, readyz(server), "ready while the database answers");

        proxy.down();
        assertEquals(503, readyz(server), "/readyz while the database is gone");
        client.writeLine("down");
        String during =
            client.awaitLine(l -> l.startsWith("unavailable ") || l.startsWith("FAILED"), WAIT);
        assertTrue(
            during != null && during.startsWith("unavailable "), "during the outage: " + during);

        proxy.restore();
        assertEquals(200, awaitReady(server), "/readyz once the database is back");
        client.writeLine("up");
        NodeScript.Result result = client.await(WAIT);
        System.out.println(result.stdout());
        assertTrue(result.ok(), result::toString);
      }
    } finally {
      TestDatabases.dropSchema(url);
    }
  }

  private int readyz(TestServer server) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + "/readyz"))
            .timeout(Duration.ofSeconds(30))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * /readyz until it answers 200 (the pool makes new connections by itself), or the last answer.
   */
  private int awaitReady(TestServer server) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int status;
    while ((status = readyz(server)) != 200 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    return status;
  }
}
