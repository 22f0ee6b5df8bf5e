package dev.chatctl.server.config;

import dev.chatctl.util.ConfigException;
import dev.chatctl.util.Durations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverDotenv() {
    Settings s =
        new Settings(
            Map.of("WS_PORT", "4000"),
            Map.of("WS_PORT", "5000", "MAX_MESSAGE_LENGTH", "10"),
            Map.of("WS_PORT", "6000", "MAX_MESSAGE_LENGTH", "20", "RECOVERY_WINDOW", "90s"),
            Path.of(".env"));
    assertEquals("4000", s.get("WS_PORT"));
    assertEquals("--ws-port", s.sourceOf("WS_PORT"));
    assertEquals("10", s.get("MAX_MESSAGE_LENGTH"));
    assertEquals("environment", s.sourceOf("MAX_MESSAGE_LENGTH"));
    assertEquals("90s", s.get("RECOVERY_WINDOW"));
    assertNull(s.get("DATABASE_URL"));
  }

  @Test
  void dotenvIsReadAsDotenvDoes() {
    Map<String, String> values =
        Settings.parseDotenv(
            "# comment\n\nexport NEXTAUTH_SECRET=\"s3cr#t\"\nDATABASE_URL='postgresql://u:p@h/db?schema=x'\nWS_PORT=3002 # port\nEMPTY=\nBAD LINE\n");
    assertEquals("s3cr#t", values.get("NEXTAUTH_SECRET"));
    assertEquals("postgresql://u:p@h/db?schema=x", values.get("DATABASE_URL"));
    assertEquals("3002", values.get("WS_PORT"));
    assertEquals("", values.get("EMPTY"));
  }

  @Test
  void durationsInEveryForm() {
    assertEquals(Duration.ofMillis(500), Durations.parse("X", "500ms"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("X", "90s"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("X", "90"));
    assertEquals(Duration.ofMinutes(30), Durations.parse("X", "30m"));
    assertEquals(Duration.ofHours(24), Durations.parse("X", "24h"));
    assertEquals(Duration.ofDays(2), Durations.parse("X", "2d"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("X", "1.5s"));
    ConfigException e = assertThrows(ConfigException.class, () -> Durations.parse("RECOVERY_WINDOW", "soon"));
    assertTrue(e.getMessage().startsWith("RECOVERY_WINDOW 'soon' is not a duration"));
    assertEquals("24h", Durations.format(Duration.ofHours(24)));
    assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
  }

  @Test
  void prismaUrlsBecomeJdbcUrlsWithTheirSchema() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app:p%40ss@db.example:5433/chat?schema=public&connection_limit=5&sslmode=require");
    assertEquals(DatabaseUrl.Kind.POSTGRESQL, url.kind());
    assertEquals("jdbc:postgresql://db.example:5433/chat?sslmode=require&currentSchema=public", url.jdbcUrl());
    assertEquals("app", url.user());
    assertEquals("p@ss", url.password());
    assertEquals("public", url.schema());
    assertTrue(!url.display().contains("p@ss"), "the password stays out of messages");

    DatabaseUrl plain = DatabaseUrl.parse("postgres://root@127.0.0.1/test");
    assertEquals("jdbc:postgresql://127.0.0.1/test", plain.jdbcUrl());
    assertNull(plain.schema());

    DatabaseUrl jdbc = DatabaseUrl.parse("jdbc:postgresql://h:5432/db?user=u&password=secret&currentSchema=s");
    assertEquals("s", jdbc.schema());
    assertTrue(!jdbc.display().contains("secret"));
  }

  @Test
  void aDatabaseUrlOfAnotherKindIsAClearError() {
    ConfigException e = assertThrows(ConfigException.class, () -> DatabaseUrl.parse("mysql://u@h/db"));
    assertTrue(e.getMessage().startsWith("DATABASE_URL must be"));
  }

  @Test
  void originsComeFromNextAuthUrlAndCorsOrigins() {
    assertEquals(
        Set.of("https://app.example", "http://localhost:3000", "http://other.example"),
        ServerConfig.origins("https://app.example/api/auth", "http://localhost:3000/, http://other.example"));
    assertEquals(Set.of("http://a.example"), ServerConfig.origins("http://a.example:80", null));
    assertEquals(Set.of(), ServerConfig.origins(null, " , "));
  }

  @Test
  void badNumbersAreClearErrors(@TempDir Path dir) {
    Map<String, String> env = Map.of("NEXTAUTH_SECRET", "s", "CHATCTL_DATA_DIR", dir.toString());
    ConfigException port = assertThrows(ConfigException.class, () -> ServerConfig.from(Settings.of(Map.of("WS_PORT", "http"), env)));
    assertEquals("WS_PORT must be a number, not 'http'", port.getMessage());
    ConfigException range = assertThrows(ConfigException.class, () -> ServerConfig.from(Settings.of(Map.of("WS_PORT", "70000"), env)));
    assertTrue(range.getMessage().startsWith("WS_PORT must be between"));
  }

  @Test
  void withoutASecretADevelopmentSecretIsMadeOnceWithMode0600(@TempDir Path dir) throws Exception {
    Settings none = Settings.of(Map.of(), Map.of());
    Secret first = Secret.resolve(none, dir, true);
    assertTrue(first.development());
    Path file = dir.resolve(Secret.DEV_SECRET_FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    Secret again = Secret.resolve(none, dir, true);
    assertEquals(first.value(), again.value(), "serve and token share it");
    assertTrue(first.value().length() >= 40);

    Secret configured = Secret.resolve(Settings.of(Map.of(), Map.of("AUTH_SECRET", "app-secret")), dir, true);
    assertEquals("app-secret", configured.value());
    assertTrue(!configured.development());
  }

  @Test
  void aClientWithoutASecretDoesNotMakeOne(@TempDir Path dir) {
    assertThrows(ConfigException.class, () -> Secret.resolve(Settings.of(Map.of(), Map.of()), dir.resolve("none"), false));
    assertTrue(!Files.exists(dir.resolve("none").resolve(Secret.DEV_SECRET_FILE)));
  }
}
