package dev.chatctl.server.testing;

import dev.chatctl.server.config.DatabaseUrl;
import java.nio.file.Path;

/** An empty database for one test: an H2 file in a temp dir, or a new PostgreSQL schema. */
public record FreshDatabase(DatabaseUrl url, String postgresUrl) implements AutoCloseable {

  public enum Kind {
    H2,
    POSTGRES
  }

  public static FreshDatabase of(Kind kind, Path dir) {
    if (kind == Kind.H2) {
      return new FreshDatabase(TestDatabases.h2(dir), null);
    }
    String url = TestDatabases.freshPostgresSchema();
    return new FreshDatabase(DatabaseUrl.parse(url), url);
  }

  @Override
  public void close() {
    if (postgresUrl != null) {
      TestDatabases.dropSchema(postgresUrl);
    }
  }
}
