package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.chatctl.server.testing.NodeChecks;
import dev.chatctl.server.testing.NodeScript;
import dev.chatctl.server.testing.RestartingServer;
import dev.chatctl.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat in a real browser, by {@code server/src/test/node/browser.mjs}: Debian's Chromium,
 * driven by playwright-core, opens a page of another origin that loads socket.io-client's browser
 * build: two users chat over the default transports (with the upgrade), polling only and websocket
 * only; a refused origin; NextAuth and chunked Auth.js session cookies with withCredentials; token
 * expiry over both transports; a server restart with recovery (the server is restarted here when
 * the script asks); and a server-side close during the upgrade. Each check is a test of its own;
 * the screenshots land in {@code server/target/browser/}.
 *
 * <p>Needs Chromium ({@code /usr/bin/chromium}, or the path in the environment variable CHROMIUM):
 * skipped with a line saying so when it is not installed, except in CI (env CI set), where that
 * fails ({@code .ci/run} installs it).
 */
class BrowserTest {

  @TestFactory
  Stream<DynamicTest> aChatPageInChromium(@TempDir Path dir) throws Exception {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    if (!Files.isExecutable(chromium)) {
      if (System.getenv("CI") != null) {
        fail(
            "Chromium is needed for the browser test in CI, at "
                + chromium
                + " (.ci/run installs it: apt-get install -y chromium)");
      }
      String why =
          "Chromium is not installed at "
              + chromium
              + " (apt-get install -y chromium, as .ci/run does)";
      System.out.println("BrowserTest skipped: " + why);
      return Stream.of(
          DynamicTest.dynamicTest(
              "Chromium is installed", () -> Assumptions.abort(why))); // a skip the reports show
    }
    int pagePort = RestartingServer.freePort();
    Path screenshots = NodeScript.directory().resolve("../../../target/browser").normalize();
    RestartingServer.Run run =
        RestartingServer.run(
            dir,
            null,
            c -> c.withAllowedOrigins(Set.of("http://127.0.0.1:" + pagePort)),
            Duration.ofSeconds(240),
            "browser.mjs",
            "--secret",
            TestServer.SECRET,
            "--page-port",
            String.valueOf(pagePort),
            "--chromium",
            chromium.toString(),
            "--screenshot-dir",
            screenshots.toString(),
            "--restart-via-stdio");
    return Stream.concat(
        NodeChecks.of("browser.mjs", run.result()),
        Stream.of(
            DynamicTest.dynamicTest(
                "the restart check asked for one restart",
                () ->
                    assertEquals(1, run.restarts(), () -> "restarts asked for\n" + run.result()))));
  }
}
