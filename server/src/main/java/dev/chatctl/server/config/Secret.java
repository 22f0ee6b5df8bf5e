package dev.chatctl.server.config;

import dev.chatctl.util.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret that keys every token: NEXTAUTH_SECRET, else AUTH_SECRET, else a development secret
 * made once in {@code <data>/dev-secret} (mode 0600) and shared by {@code serve} and {@code token},
 * so a first try needs no set-up.
 */
public record Secret(String value, String source, boolean development) {

  public static final String DEV_SECRET_FILE = "dev-secret";

  /**
   * @param create whether a missing development secret may be created ({@code serve} and {@code
   *     token} do; commands that only read, like a client, do not)
   */
  public static Secret resolve(Settings settings, Path dataDir, boolean create) {
    for (String key : new String[] {"NEXTAUTH_SECRET", "AUTH_SECRET"}) {
      String value = settings.get(key);
      if (value != null) {
        return new Secret(value, key + " (" + settings.sourceOf(key) + ")", false);
      }
    }
    Path file = dataDir.resolve(DEV_SECRET_FILE);
    try {
      if (Files.isRegularFile(file)) {
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!value.isEmpty()) {
          return new Secret(value, "development secret " + file, true);
        }
      }
      if (!create) {
        throw new ConfigException("no secret: set NEXTAUTH_SECRET (or AUTH_SECRET), or run `chatctl serve` once to make " + file);
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String value = Base64.getEncoder().encodeToString(bytes);
      Files.createDirectories(dataDir);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
      } catch (FileAlreadyExistsException raced) {
        return resolve(settings, dataDir, false); // another process made it first
      } catch (UnsupportedOperationException noPosix) {
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
      }
      return new Secret(value, "development secret " + file + " (new)", true);
    } catch (IOException e) {
      throw new ConfigException("cannot use the development secret " + file + ": " + e.getMessage());
    }
  }
}
