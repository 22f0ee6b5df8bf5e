package dev.chatctl.server.testing;

import dev.chatctl.protocol.auth.TokenMinter;
import dev.chatctl.server.ChatServer;
import dev.chatctl.server.config.DatabaseUrl;
import dev.chatctl.server.config.ServerConfig;
import dev.chatctl.util.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** A whole chatctl server in-process on a free port, with its own database and secret. */
public final class TestServer implements AutoCloseable {
  public static final String SECRET = "test-secret-" + UUID.randomUUID();
  public static final String ALLOWED_ORIGIN = "http://app.example";

  private final ChatServer server;
  private final String postgresUrl;

  private TestServer(ChatServer server, String postgresUrl) {
    this.server = server;
    this.postgresUrl = postgresUrl;
  }

  /** On the embedded H2 database in {@code dataDir}. */
  public static TestServer h2(Path dataDir, UnaryOperator<ServerConfig> tweak) {
    ServerConfig config = config(dataDir, null);
    return new TestServer(ChatServer.start(tweak.apply(config)), null);
  }

  public static TestServer h2(Path dataDir) {
    return h2(dataDir, c -> c);
  }

  /** On a fresh schema of the test PostgreSQL (dropped at close). */
  public static TestServer postgres(Path dataDir, UnaryOperator<ServerConfig> tweak) {
    String url = TestDatabases.freshPostgresSchema();
    ServerConfig config = config(dataDir, url);
    return new TestServer(ChatServer.start(tweak.apply(config)), url);
  }

  public static TestServer postgres(Path dataDir) {
    return postgres(dataDir, c -> c);
  }

  /** Starts on the database of an existing URL (restarts keep it). */
  public static TestServer on(Path dataDir, String databaseUrl, UnaryOperator<ServerConfig> tweak) {
    return new TestServer(ChatServer.start(tweak.apply(config(dataDir, databaseUrl))), null);
  }

  public static ServerConfig config(Path dataDir, String databaseUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("NEXTAUTH_SECRET", SECRET);
    env.put("CORS_ORIGINS", ALLOWED_ORIGIN);
    env.put("WS_PORT", "0");
    env.put("HOST", "127.0.0.1");
    env.put("CHATCTL_DATA_DIR", dataDir.toString());
    // the suites send thousands of messages from one user as fast as they can; the rate limit
    // has tests of its own (LimitsTest)
    env.put("MESSAGE_RATE_LIMIT", "0");
    if (databaseUrl != null) {
      env.put("DATABASE_URL", databaseUrl);
    }
    return ServerConfig.from(Settings.of(Map.of(), env));
  }

  public ChatServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  public DatabaseUrl database() {
    return server.config().database();
  }

  /** The database URL as DATABASE_URL would give it (PostgreSQL tests), else null. */
  public String postgresUrl() {
    return postgresUrl;
  }

  public String token(String userId) {
    return new TokenMinter(SECRET)
        .issue(userId, "User " + userId, userId + "@example.test", null, Duration.ofHours(1));
  }

  @Override
  public void close() {
    server.close();
    if (postgresUrl != null) {
      TestDatabases.dropSchema(postgresUrl);
    }
  }
}
