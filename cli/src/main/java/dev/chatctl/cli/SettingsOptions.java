package dev.chatctl.cli;

import dev.chatctl.server.config.DatabaseUrl;
import dev.chatctl.util.Durations;
import dev.chatctl.util.Secret;
import dev.chatctl.util.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Flags of the commands that work on the server's own database ({@code serve}, {@code users},
 * {@code db}). A flag wins over the environment, which wins over ./.env.
 */
public final class SettingsOptions {
  /** The flags whose names are not the setting's key in kebab case, for messages that name them. */
  static final Map<String, String> FLAG_NAMES =
      Map.of(
          "NEXTAUTH_SECRET",
          "--secret",
          "WS_PORT",
          "--port",
          "CHATCTL_DATA_DIR",
          "--data-dir",
          "CORS_ORIGINS",
          "--cors-origin");

  @Option(
      names = "--database-url",
      paramLabel = "URL",
      description =
          "Database (DATABASE_URL): postgresql://USER:PASS@HOST:5432/DB?schema=public or a jdbc: URL; unset: the embedded file in the data directory.")
  String databaseUrl;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the embedded database lives (CHATCTL_DATA_DIR, default ./data); also holds the development secret when set.")
  String dataDir;

  /** The flags as settings keys. */
  Map<String, String> flags() {
    Map<String, String> flags = new HashMap<>();
    put(flags, "DATABASE_URL", databaseUrl);
    put(flags, "CHATCTL_DATA_DIR", dataDir);
    return flags;
  }

  /** The database of these settings: DATABASE_URL, else the embedded file in the data directory. */
  DatabaseUrl database() {
    Settings s = settings(Map.of());
    String url = s.get("DATABASE_URL");
    return url == null
        ? DatabaseUrl.embedded(DataDirectory.prepare(dataDir(s)))
        : DatabaseUrl.parse(url);
  }

  /** CHATCTL_DATA_DIR, default ./data: the embedded database. */
  static Path dataDir(Settings s) {
    return Path.of(s.getOrDefault("CHATCTL_DATA_DIR", "data"));
  }

  /**
   * The secret every command mints or checks tokens with: NEXTAUTH_SECRET / AUTH_SECRET, else the
   * development secret (made when {@code create}).
   */
  public static Secret secret(Settings s, boolean create) {
    return Secret.resolve(s, create);
  }

  Settings settings(Map<String, String> more) {
    Map<String, String> all = flags();
    all.putAll(more);
    return Settings.load(all).withFlagNames(FLAG_NAMES);
  }

  public static void put(Map<String, String> flags, String key, Object value) {
    if (value instanceof List<?> list) {
      if (!list.isEmpty()) {
        flags.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
      }
    } else if (value instanceof Duration d) {
      flags.put(key, Durations.format(d));
    } else if (value != null) {
      flags.put(key, String.valueOf(value));
    }
  }
}
