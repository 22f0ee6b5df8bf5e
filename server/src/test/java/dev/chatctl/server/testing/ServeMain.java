package dev.chatctl.server.testing;

import dev.chatctl.server.ChatServer;
import dev.chatctl.server.config.ServerConfig;
import dev.chatctl.util.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code chatctl serve} as a process of its own, from the test classpath (what the cli's
 * ServeCommand does: settings from the environment and ./.env, then ChatServer.start; SIGTERM stops
 * it cleanly). For tests that must kill a real server process, such as {@code crash.mjs}, without
 * depending on a built cli/target/chatctl.jar. {@link #launcher} writes a script that runs it as
 * {@code LAUNCHER serve}.
 */
public final class ServeMain {

  private ServeMain() {}

  public static void main(String[] args) throws InterruptedException {
    ChatServer server = ChatServer.start(ServerConfig.from(Settings.load(Map.of())));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  /**
   * A shell script in {@code dir} that runs this class on this JVM with the test classpath; its
   * first argument ({@code serve}) is ignored.
   */
  public static Path launcher(Path dir) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String options =
        Runtime.version().feature() >= 24 ? "--sun-misc-unsafe-memory-access=allow " : "";
    Path script = dir.resolve("chatctl-serve-from-classpath");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "# chatctl serve from the test classpath (written by ServeMain.launcher)\n"
            + "exec "
            + quote(java)
            + " "
            + options
            + "-cp "
            + quote(classpath)
            + " "
            + ServeMain.class.getName()
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
