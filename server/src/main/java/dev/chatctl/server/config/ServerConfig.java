package dev.chatctl.server.config;

import dev.chatctl.server.engineio.EngineOptions;
import dev.chatctl.server.http.HttpLimits;
import dev.chatctl.util.ConfigException;
import dev.chatctl.util.Durations;
import dev.chatctl.util.Secret;
import dev.chatctl.util.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Everything {@code chatctl serve} is configured with, built once ({@link #from}) and handed down
 * by constructor.
 *
 * @param host the interface to listen on
 * @param port the listen port (0: any free port, for tests)
 * @param secret NEXTAUTH_SECRET / AUTH_SECRET, or the development secret
 * @param secretSource where the secret came from, for the start-up line
 * @param allowedOrigins browser origins allowed; empty: every origin
 * @param database the database to use
 * @param dataDirectory where the embedded database and the development secret live
 * @param maxMessageLength longest content after trimming, in UTF-16 code units
 * @param recoveryWindow how long after a socket was last seen its pid can be recovered
 * @param engine Engine.IO heartbeat and payload settings
 * @param poolSize database connections
 * @param storeBatchSize most operations stored in one transaction
 * @param http connection timeouts and caps (slowloris, idle connections, floods)
 * @param limits what one client may ask of the chat (rates, requests in flight, store timeout)
 */
public record ServerConfig(
    String host,
    int port,
    String secret,
    String secretSource,
    Set<String> allowedOrigins,
    DatabaseUrl database,
    Path dataDirectory,
    int maxMessageLength,
    Duration recoveryWindow,
    EngineOptions engine,
    int poolSize,
    int storeBatchSize,
    HttpLimits http,
    ChatLimits limits) {

  public static final int DEFAULT_PORT = 3001;
  public static final int DEFAULT_MAX_MESSAGE_LENGTH = 4000;
  public static final Duration DEFAULT_RECOVERY_WINDOW = Duration.ofHours(24);
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final int DEFAULT_STORE_BATCH_SIZE = 512;

  /** Builds the configuration from settings (flags > environment > .env). */
  public static ServerConfig from(Settings settings) {
    Path dataDir = Path.of(settings.getOrDefault("CHATCTL_DATA_DIR", "data"));
    Secret secret = Secret.resolve(settings, true);
    String databaseUrl = settings.get("DATABASE_URL");
    return new ServerConfig(
        settings.getOrDefault("HOST", "0.0.0.0"),
        intSetting(settings, "WS_PORT", DEFAULT_PORT, 0, 65535),
        secret.value(),
        secret.source(),
        origins(settings.get("NEXTAUTH_URL"), settings.get("CORS_ORIGINS")),
        databaseUrl == null ? DatabaseUrl.embedded(dataDir) : DatabaseUrl.parse(databaseUrl),
        dataDir,
        intSetting(settings, "MAX_MESSAGE_LENGTH", DEFAULT_MAX_MESSAGE_LENGTH, 1, 1_000_000),
        positive(
            "RECOVERY_WINDOW",
            Durations.parse("RECOVERY_WINDOW", settings.getOrDefault("RECOVERY_WINDOW", "24h"))),
        EngineOptions.defaults(),
        intSetting(settings, "DB_POOL_SIZE", DEFAULT_POOL_SIZE, 2, 200),
        intSetting(settings, "STORE_BATCH_SIZE", DEFAULT_STORE_BATCH_SIZE, 1, 10_000),
        httpLimits(settings),
        chatLimits(settings));
  }

  /**
   * HEADERS_TIMEOUT, IDLE_CONNECTION_TIMEOUT, REQUEST_TIMEOUT, MAX_CONNECTIONS,
   * MAX_CONNECTIONS_PER_IP.
   */
  private static HttpLimits httpLimits(Settings settings) {
    return new HttpLimits(
        duration(settings, "HEADERS_TIMEOUT", HttpLimits.DEFAULT_HEADERS_TIMEOUT),
        duration(settings, "IDLE_CONNECTION_TIMEOUT", HttpLimits.DEFAULT_IDLE_TIMEOUT),
        duration(settings, "REQUEST_TIMEOUT", HttpLimits.DEFAULT_REQUEST_TIMEOUT),
        intSetting(settings, "MAX_CONNECTIONS", HttpLimits.defaultMaxConnections(), 1, 10_000_000),
        intSetting(
            settings,
            "MAX_CONNECTIONS_PER_IP",
            HttpLimits.DEFAULT_MAX_CONNECTIONS_PER_IP,
            0,
            10_000_000),
        false);
  }

  /**
   * MESSAGE_RATE_LIMIT (sends per second per user, 0: off), MESSAGE_RATE_BURST, MAX_IN_FLIGHT,
   * STORE_TIMEOUT.
   */
  private static ChatLimits chatLimits(Settings settings) {
    return new ChatLimits(
        intSetting(
            settings, "MESSAGE_RATE_LIMIT", (int) ChatLimits.DEFAULT_MESSAGE_RATE, 0, 1_000_000),
        intSetting(settings, "MESSAGE_RATE_BURST", ChatLimits.DEFAULT_MESSAGE_BURST, 1, 1_000_000),
        intSetting(settings, "MAX_IN_FLIGHT", ChatLimits.DEFAULT_MAX_IN_FLIGHT, 1, 100_000),
        duration(settings, "STORE_TIMEOUT", ChatLimits.DEFAULT_STORE_TIMEOUT));
  }

  private static Duration duration(Settings settings, String key, Duration fallback) {
    String value = settings.get(key);
    Duration d = value == null ? fallback : positive(key, Durations.parse(key, value));
    if (d.toMillis() > Integer.MAX_VALUE) {
      throw new ConfigException(key + " must be shorter than 24 days");
    }
    return d;
  }

  public ServerConfig withPort(int port) {
    return new ServerConfig(
        host,
        port,
        secret,
        secretSource,
        allowedOrigins,
        database,
        dataDirectory,
        maxMessageLength,
        recoveryWindow,
        engine,
        poolSize,
        storeBatchSize,
        http,
        limits);
  }

  public ServerConfig withEngine(EngineOptions engine) {
    return new ServerConfig(
        host,
        port,
        secret,
        secretSource,
        allowedOrigins,
        database,
        dataDirectory,
        maxMessageLength,
        recoveryWindow,
        engine,
        poolSize,
        storeBatchSize,
        http,
        limits);
  }

  public ServerConfig withHttp(HttpLimits http) {
    return new ServerConfig(
        host,
        port,
        secret,
        secretSource,
        allowedOrigins,
        database,
        dataDirectory,
        maxMessageLength,
        recoveryWindow,
        engine,
        poolSize,
        storeBatchSize,
        http,
        limits);
  }

  public ServerConfig withLimits(ChatLimits limits) {
    return new ServerConfig(
        host,
        port,
        secret,
        secretSource,
        allowedOrigins,
        database,
        dataDirectory,
        maxMessageLength,
        recoveryWindow,
        engine,
        poolSize,
        storeBatchSize,
        http,
        limits);
  }

  public ServerConfig withRecoveryWindow(Duration recoveryWindow) {
    return new ServerConfig(
        host,
        port,
        secret,
        secretSource,
        allowedOrigins,
        database,
        dataDirectory,
        maxMessageLength,
        recoveryWindow,
        engine,
        poolSize,
        storeBatchSize,
        http,
        limits);
  }

  public ServerConfig withAllowedOrigins(Set<String> allowedOrigins) {
    return new ServerConfig(
        host,
        port,
        secret,
        secretSource,
        allowedOrigins,
        database,
        dataDirectory,
        maxMessageLength,
        recoveryWindow,
        engine,
        poolSize,
        storeBatchSize,
        http,
        limits);
  }

  /** The origin of NEXTAUTH_URL and those listed in CORS_ORIGINS (comma-separated). */
  static Set<String> origins(String nextAuthUrl, String corsOrigins) {
    Set<String> origins = new LinkedHashSet<>();
    if (nextAuthUrl != null) {
      origins.add(origin(nextAuthUrl));
    }
    if (corsOrigins != null) {
      for (String part : corsOrigins.split(",")) {
        if (!part.isBlank()) {
          origins.add(origin(part.trim()));
        }
      }
    }
    return Set.copyOf(origins);
  }

  /** scheme://host[:port] of a URL, as browsers send it in Origin; a non-URL is kept as is. */
  static String origin(String url) {
    try {
      URI uri = URI.create(url.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        return url.trim();
      }
      String scheme = uri.getScheme().toLowerCase();
      int port = uri.getPort();
      boolean defaultPort =
          port < 0
              || (scheme.equals("http") && port == 80)
              || (scheme.equals("https") && port == 443);
      return scheme + "://" + uri.getHost().toLowerCase() + (defaultPort ? "" : ":" + port);
    } catch (IllegalArgumentException e) {
      return url.trim();
    }
  }

  private static int intSetting(Settings settings, String key, int fallback, int min, int max) {
    String value = settings.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new ConfigException(
            settings.nameOf(key) + " must be between " + min + " and " + max + ", not " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(settings.nameOf(key) + " must be a number, not '" + value + "'");
    }
  }

  private static Duration positive(String key, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new ConfigException(key + " must be longer than zero");
    }
    return d;
  }
}
