package dev.chatctl.cli;

import dev.chatctl.server.config.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Flags shared by the commands that use the server's settings. A flag wins over the environment,
 * which wins over ./.env.
 */
public final class SettingsOptions {

  @Option(names = "--database-url", paramLabel = "URL", description = "Database (DATABASE_URL): postgresql://user:pass@host:5432/db?schema=public or a jdbc: URL; unset: the embedded file under ./data/.")
  String databaseUrl;

  @Option(names = "--secret", paramLabel = "SECRET", description = "NEXTAUTH_SECRET that keys tokens; unset: the development secret in ./data/dev-secret.")
  String secret;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the embedded database and development secret live (CHATCTL_DATA_DIR, default ./data).")
  String dataDir;

  /** The flags as settings keys. */
  Map<String, String> flags() {
    Map<String, String> flags = new HashMap<>();
    put(flags, "DATABASE_URL", databaseUrl);
    put(flags, "NEXTAUTH_SECRET", secret);
    put(flags, "CHATCTL_DATA_DIR", dataDir);
    return flags;
  }

  /** The database of these settings: DATABASE_URL, else the embedded file in the data directory. */
  dev.chatctl.server.config.DatabaseUrl database() {
    Settings s = settings(Map.of());
    String url = s.get("DATABASE_URL");
    return url == null ? dev.chatctl.server.config.DatabaseUrl.embedded(dataDir(s)) : dev.chatctl.server.config.DatabaseUrl.parse(url);
  }

  /** CHATCTL_DATA_DIR, default ./data: the embedded database and the development secret. */
  static java.nio.file.Path dataDir(Settings s) {
    return java.nio.file.Path.of(s.getOrDefault("CHATCTL_DATA_DIR", "data"));
  }

  /**
   * The secret every command mints or checks tokens with: NEXTAUTH_SECRET / AUTH_SECRET, else the
   * development secret in the data directory (made when {@code create}).
   */
  public static dev.chatctl.server.config.Secret secret(Settings s, boolean create) {
    return dev.chatctl.server.config.Secret.resolve(s, dataDir(s), create);
  }

  Settings settings(Map<String, String> more) {
    Map<String, String> all = flags();
    all.putAll(more);
    return Settings.load(all);
  }

  public static void put(Map<String, String> flags, String key, Object value) {
    if (value instanceof List<?> list) {
      if (!list.isEmpty()) {
        flags.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
      }
    } else if (value != null) {
      flags.put(key, String.valueOf(value));
    }
  }
}
