package dev.chatctl.server.testing;

import dev.chatctl.server.config.DatabaseUrl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases tests run on: the embedded H2 file, and real PostgreSQL at TEST_DATABASE_URL
 * (default {@code postgresql://root@127.0.0.1:5432/test}), each test in a schema of its own.
 * Outside CI a missing PostgreSQL skips its tests with a line that says so; in CI (CI set) it fails
 * them.
 */
public final class TestDatabases {
  public static final String DEFAULT_URL = "postgresql://root@127.0.0.1:5432/test";

  private TestDatabases() {}

  public static String postgresUrl() {
    String url = System.getenv("TEST_DATABASE_URL");
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  /**
   * A fresh schema on the test PostgreSQL, as a Prisma-style URL; skips (or fails in CI) if down.
   */
  public static String freshPostgresSchema() {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String base = postgresUrl();
    requirePostgres(base);
    return base + (base.contains("?") ? "&" : "?") + "schema=" + schema;
  }

  /** Drops the schema of a URL made by {@link #freshPostgresSchema}. */
  public static void dropSchema(String url) {
    DatabaseUrl parsed = DatabaseUrl.parse(url);
    if (parsed.schema() == null) {
      return;
    }
    try (Connection c =
            DriverManager.getConnection(
                parsed.jdbcUrl().replaceAll("[?&]currentSchema=[^&]*", ""),
                parsed.user(),
                parsed.password());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS \"" + parsed.schema() + "\" CASCADE");
    } catch (SQLException e) {
      System.err.println("could not drop test schema " + parsed.schema() + ": " + e.getMessage());
    }
  }

  public static void requirePostgres(String url) {
    DatabaseUrl parsed = DatabaseUrl.parse(url);
    try (Connection c =
        DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password())) {
      c.isValid(2);
    } catch (SQLException e) {
      String line =
          "PostgreSQL at " + parsed.display() + " is not reachable (" + e.getMessage() + ")";
      if (System.getenv("CI") != null) {
        throw new AssertionError(line + "; CI must run the PostgreSQL tests");
      }
      System.err.println(
          "SKIPPING PostgreSQL tests: " + line + " (set TEST_DATABASE_URL; CI starts PostgreSQL)");
      Assumptions.abort(line);
    }
  }

  /** An embedded H2 database file in a directory. */
  public static DatabaseUrl h2(Path dir) {
    return DatabaseUrl.embedded(dir);
  }

  public static String kindName(DatabaseUrl url) {
    return url.kind().name().toLowerCase(Locale.ROOT);
  }
}
