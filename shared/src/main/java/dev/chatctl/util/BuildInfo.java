package dev.chatctl.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The build's version and the git revision it was built from, as the command line and the server's
 * first log line show them.
 */
public final class BuildInfo {
  private static final String VERSION = read();

  private BuildInfo() {}

  /**
   * {@code 0.1.0 (3f2a9c1)}, {@code 0.1.0 (3f2a9c1, modified)}, {@code 0.1.0} outside git, {@code
   * dev} outside a build.
   */
  public static String version() {
    return VERSION;
  }

  private static String read() {
    String version = "dev";
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        version = p.getProperty("version", version);
      }
    } catch (IOException e) {
      return version;
    }
    try (InputStream in = BuildInfo.class.getResourceAsStream("revision.txt")) {
      String revision =
          in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      // "3f2a9c1" or "3f2a9c1+modified" from git describe; anything else is not a revision
      return revision.matches("[0-9a-f]{7,40}(\\+modified)?")
          ? version + " (" + revision.replace("+", ", ") + ")"
          : version;
    } catch (IOException e) {
      return version;
    }
  }
}
