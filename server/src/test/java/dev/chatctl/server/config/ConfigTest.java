package dev.chatctl.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.util.ConfigException;
import dev.chatctl.util.Durations;
import dev.chatctl.util.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  @Test
  void durationsInEveryForm() {
    assertEquals(Duration.ofMillis(500), Durations.parse("X", "500ms"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("X", "90s"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("X", "90"));
    assertEquals(Duration.ofMinutes(30), Durations.parse("X", "30m"));
    assertEquals(Duration.ofHours(24), Durations.parse("X", "24h"));
    assertEquals(Duration.ofDays(2), Durations.parse("X", "2d"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("X", "1.5s"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> Durations.parse("RECOVERY_WINDOW", "soon"));
    assertTrue(e.getMessage().startsWith("RECOVERY_WINDOW 'soon' is not a duration"));
    assertEquals("24h", Durations.format(Duration.ofHours(24)));
    assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
  }

  @Test
  void prismaUrlsBecomeJdbcUrlsWithTheirSchema() {
    DatabaseUrl url =
        DatabaseUrl.parse(
            "postgresql://app:p%40ss@db.example:5433/chat?schema=public&connection_limit=5&sslmode=require");
    assertEquals(DatabaseUrl.Kind.POSTGRESQL, url.kind());
    assertEquals(
        "jdbc:postgresql://db.example:5433/chat?sslmode=require&currentSchema=public",
        url.jdbcUrl());
    assertEquals("app", url.user());
    assertEquals("p@ss", url.password());
    assertEquals("public", url.schema());
    assertTrue(!url.display().contains("p@ss"), "the password stays out of messages");

    DatabaseUrl plain = DatabaseUrl.parse("postgres://root@127.0.0.1/test");
    assertEquals("jdbc:postgresql://127.0.0.1/test", plain.jdbcUrl());
    assertNull(plain.schema());

    DatabaseUrl jdbc =
        DatabaseUrl.parse("jdbc:postgresql://h:5432/db?user=u&password=secret&currentSchema=s");
    assertEquals("s", jdbc.schema());
    assertTrue(!jdbc.display().contains("secret"));
  }

  @Test
  void aDatabaseUrlOfAnotherKindIsAClearError() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> DatabaseUrl.parse("mysql://u@h/db"));
    assertTrue(e.getMessage().startsWith("DATABASE_URL must be"));
  }

  @Test
  void originsComeFromNextAuthUrlAndCorsOrigins() {
    assertEquals(
        Set.of("https://app.example", "http://localhost:3000", "http://other.example"),
        ServerConfig.origins(
            "https://app.example/api/auth", "http://localhost:3000/, http://other.example"));
    assertEquals(Set.of("http://a.example"), ServerConfig.origins("http://a.example:80", null));
    assertEquals(Set.of(), ServerConfig.origins(null, " , "));
  }

  @Test
  void badNumbersAreClearErrors(@TempDir Path dir) {
    Map<String, String> env = Map.of("NEXTAUTH_SECRET", "s", "CHATCTL_DATA_DIR", dir.toString());
    Map<String, String> badPort = new java.util.HashMap<>(env);
    badPort.put("WS_PORT", "http");
    ConfigException port =
        assertThrows(
            ConfigException.class, () -> ServerConfig.from(Settings.of(Map.of(), badPort)));
    assertEquals("WS_PORT must be a number, not 'http'", port.getMessage());
    ConfigException range =
        assertThrows(
            ConfigException.class,
            () ->
                ServerConfig.from(
                    Settings.of(Map.of("WS_PORT", "70000"), env)
                        .withFlagNames(Map.of("WS_PORT", "--port"))));
    assertEquals(
        "--port must be between 0 and 65535, not 70000",
        range.getMessage(),
        "a flag is named as the user typed it");
  }
}
