package dev.chatctl.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.chatctl.server.config.DatabaseUrl;
import dev.chatctl.util.ConfigException;
import dev.chatctl.util.Throwables;
import dev.chatctl.util.UnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The database behind the server and the admin commands: a HikariCP pool, the Flyway migrations of
 * the {@code jooq-codegen} module, and a jOOQ context in the right dialect (PostgreSQL, or H2 for
 * the embedded file). Errors a user can cause (unreachable host, wrong credentials, missing
 * database) surface as {@link ConfigException} with one clear line.
 */
public final class Database implements AutoCloseable {
  private final DatabaseUrl url;
  private final HikariDataSource dataSource;
  private final DSLContext dsl;

  private Database(DatabaseUrl url, HikariDataSource dataSource) {
    this.url = url;
    this.dataSource = dataSource;
    SQLDialect dialect =
        url.kind() == DatabaseUrl.Kind.POSTGRESQL ? SQLDialect.POSTGRES : SQLDialect.H2;
    this.dsl =
        DSL.using(
            dataSource,
            dialect,
            new Settings()
                .withExecuteLogging(false)
                .withRenderSchema(false)
                .withRenderCatalog(false));
  }

  /** Opens the pool (failing fast when the database cannot be reached) without migrating. */
  public static Database open(DatabaseUrl url, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) {
      config.setUsername(url.user());
    }
    if (url.password() != null) {
      config.setPassword(url.password());
    }
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(2, poolSize));
    config.setConnectionTimeout(5_000);
    config.setInitializationFailTimeout(1);
    config.setPoolName("chatctl-db");
    config.setAutoCommit(true);
    if (url.kind() == DatabaseUrl.Kind.POSTGRESQL) {
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
      config.addDataSourceProperty("tcpKeepAlive", "true");
      config.addDataSourceProperty("ApplicationName", "chatctl");
    }
    try {
      return new Database(url, new HikariDataSource(config));
    } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
      throw new UnavailableException("cannot open the " + url.display() + ": " + reason(e), e);
    }
  }

  /** Opens the database and migrates it to the newest schema. */
  public static Database openAndMigrate(DatabaseUrl url, int poolSize) {
    Database database = open(url, poolSize);
    try {
      database.migrate();
      return database;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  private Flyway flyway() {
    return flyway(null);
  }

  private Flyway flyway(String target) {
    var configure =
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration")
            // a database made by the app (Prisma's tables) is not empty: start from version 0
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .placeholders(
                java.util.Map.of(
                    "undeliveredIndex",
                    url.kind() == DatabaseUrl.Kind.POSTGRESQL
                        ? "(recipient_id, recipient_seq) WHERE delivered_at IS NULL"
                        : "(recipient_id, delivered_at, recipient_seq)"))
            .loggers("slf4j");
    if (url.schema() != null) {
      configure.schemas(url.schema()).defaultSchema(url.schema()).createSchemas(true);
    }
    if (target != null) {
      configure.target(target);
    }
    return configure.load();
  }

  /** Applies the pending migrations; returns how many ran. */
  public int migrate() {
    try {
      MigrateResult result = flyway().migrate();
      return result.migrationsExecuted;
    } catch (FlywayException e) {
      throw new ConfigException("cannot migrate the " + url.display() + ": " + reason(e), e);
    }
  }

  /** Applies the migrations up to a version only (tests of upgrades from an older schema). */
  public int migrateTo(String version) {
    try {
      return flyway(version).migrate().migrationsExecuted;
    } catch (FlywayException e) {
      throw new ConfigException("cannot migrate the " + url.display() + ": " + reason(e), e);
    }
  }

  /** Applied and pending migrations, for {@code chatctl db info}. */
  public List<MigrationInfo> migrations() {
    try {
      return List.of(flyway().info().all());
    } catch (FlywayException e) {
      throw new ConfigException(
          "cannot read the migrations of the " + url.display() + ": " + reason(e), e);
    }
  }

  public DSLContext dsl() {
    return dsl;
  }

  public SQLDialect dialect() {
    return dsl.dialect();
  }

  public DatabaseUrl url() {
    return url;
  }

  /** True when the database answers a trivial query within two seconds. */
  public boolean ping() {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }

  /** The one-line reason of a database failure, from the innermost SQL error. */
  static String reason(Throwable e) {
    SQLException sql = Throwables.findLast(e, SQLException.class);
    if (sql != null) {
      String state = sql.getSQLState() == null ? "" : sql.getSQLState();
      String message = firstLine(sql.getMessage());
      return switch (state) {
        case "08001", "08006", "08004", "08000", "08003" -> "cannot connect (" + message + ")";
        case "28P01", "28000" -> "authentication failed (" + message + ")";
        case "3D000" -> "the database does not exist (" + message + ")";
        default -> message;
      };
    }
    return firstLine(e.getMessage());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }
}
