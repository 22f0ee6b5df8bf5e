package dev.chatctl.util;

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
 * made once (mode 0600) in one per-user place, {@code ~/.config/chatctl/dev-secret}, or in the data
 * directory when one is set ({@code CHATCTL_DATA_DIR}). {@code serve}, {@code token}, the client
 * commands and {@code bench} all find it there, from any working directory, so a first try needs no
 * set-up.
 *
 * @param value the secret
 * @param source where it came from, for messages: {@code NEXTAUTH_SECRET (environment)}, {@code
 *     development secret /home/me/.config/chatctl/dev-secret}
 * @param development whether it is the development secret
 */
public record Secret(String value, String source, boolean development) {

  public static final String DEV_SECRET_FILE = "dev-secret";

  /** Below this many bytes a configured secret is accepted with a warning (NextAuth's advice). */
  public static final int RECOMMENDED_BYTES = 32;

  private static final String[] KEYS = {"NEXTAUTH_SECRET", "AUTH_SECRET"};

  /**
   * The secret of these settings.
   *
   * @param create whether a missing development secret may be made ({@code serve} and {@code token}
   *     do; commands that only read, like a client, do not)
   * @throws ConfigException for a secret set but empty, or a development secret that cannot be read
   */
  public static Secret resolve(Settings settings, boolean create) {
    for (String key : KEYS) {
      String blank = settings.blankSource(key);
      if (blank != null) {
        throw new ConfigException(
            key
                + " is set but empty ("
                + blank
                + "): set it to the app's secret, or unset it to use the development secret");
      }
      String value = settings.get(key);
      if (value != null) {
        return new Secret(value, key + " (" + settings.sourceOf(key) + ")", false);
      }
    }
    return development(developmentFile(settings), create);
  }

  /**
   * Where the development secret lives: {@code <data dir>/dev-secret} when CHATCTL_DATA_DIR is set,
   * else {@code $CHATCTL_CONFIG_DIR}, {@code $XDG_CONFIG_HOME/chatctl} or {@code
   * ~/.config/chatctl}.
   */
  public static Path developmentFile(Settings settings) {
    String dataDir = settings.get("CHATCTL_DATA_DIR");
    if (dataDir != null) {
      return Path.of(dataDir).resolve(DEV_SECRET_FILE);
    }
    return configDirectory(settings).resolve(DEV_SECRET_FILE);
  }

  /**
   * chatctl's per-user directory: CHATCTL_CONFIG_DIR, else $XDG_CONFIG_HOME/chatctl, else
   * ~/.config/chatctl.
   */
  public static Path configDirectory(Settings settings) {
    String explicit = settings.get("CHATCTL_CONFIG_DIR");
    if (explicit != null) {
      return Path.of(explicit);
    }
    String xdg = settings.get("XDG_CONFIG_HOME");
    return (xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config"))
        .resolve("chatctl");
  }

  /** A sentence for a configured secret shorter than {@link #RECOMMENDED_BYTES}, else null. */
  public String warning() {
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (development || bytes >= RECOMMENDED_BYTES) {
      return null;
    }
    return source
        + " is "
        + bytes
        + " byte"
        + (bytes == 1 ? "" : "s")
        + " long; use at least "
        + RECOMMENDED_BYTES
        + " random bytes (openssl rand -base64 32)";
  }

  private static Secret development(Path file, boolean create) {
    try {
      if (Files.isRegularFile(file)) {
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!value.isEmpty()) {
          return new Secret(value, "development secret " + file, true);
        }
      }
      if (!create) {
        throw new ConfigException(
            "no secret: set NEXTAUTH_SECRET (or AUTH_SECRET) to the server's, or run `chatctl serve` once to make "
                + file);
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String value = Base64.getEncoder().encodeToString(bytes);
      Files.createDirectories(file.getParent());
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
      } catch (FileAlreadyExistsException raced) {
        return development(file, false); // another process made it first
      } catch (UnsupportedOperationException noPosix) {
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
      }
      return new Secret(value, "development secret " + file + " (new)", true);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot use the development secret "
              + file
              + ": "
              + IoErrors.describe(e)
              + " (set NEXTAUTH_SECRET, or CHATCTL_DATA_DIR to a writable directory)");
    }
  }
}
