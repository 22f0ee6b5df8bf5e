package dev.chatctl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where settings and the secret come from, as serve, token, the clients and bench all read them.
 */
class SettingsTest {

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
  void withoutASecretOnePerUserDevelopmentSecretIsMadeOnceWithMode0600(@TempDir Path dir)
      throws Exception {
    Settings none =
        Settings.of(Map.of(), Map.of("CHATCTL_CONFIG_DIR", dir.resolve("config").toString()));
    Secret first = Secret.resolve(none, true);
    assertTrue(first.development());
    Path file = dir.resolve("config").resolve(Secret.DEV_SECRET_FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    Secret again = Secret.resolve(none, false);
    assertEquals(first.value(), again.value(), "serve, token and the clients share it");
    assertTrue(first.value().length() >= 40);
    assertNull(first.warning());
  }

  @Test
  void theDevelopmentSecretFollowsTheUserNotTheWorkingDirectory(@TempDir Path dir) {
    Settings xdg = Settings.of(Map.of(), Map.of("XDG_CONFIG_HOME", dir.toString()));
    assertEquals(
        dir.resolve("chatctl").resolve(Secret.DEV_SECRET_FILE), Secret.developmentFile(xdg));
    Settings home = Settings.of(Map.of(), Map.of());
    assertEquals(
        Path.of(System.getProperty("user.home"), ".config", "chatctl", Secret.DEV_SECRET_FILE),
        Secret.developmentFile(home));
    Settings dataDir =
        Settings.of(
            Map.of("CHATCTL_DATA_DIR", dir.resolve("data").toString()),
            Map.of("XDG_CONFIG_HOME", dir.toString()));
    assertEquals(
        dir.resolve("data").resolve(Secret.DEV_SECRET_FILE),
        Secret.developmentFile(dataDir),
        "a data directory keeps its own");
  }

  @Test
  void aConfiguredSecretWinsAndAShortOneIsWarnedAbout(@TempDir Path dir) {
    Secret configured =
        Secret.resolve(Settings.of(Map.of(), Map.of("AUTH_SECRET", "app-secret")), true);
    assertEquals("app-secret", configured.value());
    assertFalse(configured.development());
    assertEquals(
        "AUTH_SECRET (environment) is 10 bytes long; use at least 32 random bytes (openssl rand -base64 32)",
        configured.warning());
    Secret good =
        Secret.resolve(Settings.of(Map.of("NEXTAUTH_SECRET", "x".repeat(32)), Map.of()), true);
    assertNull(good.warning());
  }

  @Test
  void anEmptySecretIsRefusedNotReplacedByTheDevelopmentOne(@TempDir Path dir) {
    Settings empty =
        Settings.of(Map.of(), Map.of("NEXTAUTH_SECRET", "", "CHATCTL_CONFIG_DIR", dir.toString()));
    ConfigException e = assertThrows(ConfigException.class, () -> Secret.resolve(empty, true));
    assertEquals(
        "NEXTAUTH_SECRET is set but empty (environment): set it to the app's secret, or unset it to use the development secret",
        e.getMessage());
    assertFalse(Files.exists(dir.resolve(Secret.DEV_SECRET_FILE)));
  }

  @Test
  void aClientWithoutASecretDoesNotMakeOne(@TempDir Path dir) {
    Settings none =
        Settings.of(Map.of(), Map.of("CHATCTL_CONFIG_DIR", dir.resolve("none").toString()));
    ConfigException e = assertThrows(ConfigException.class, () -> Secret.resolve(none, false));
    assertTrue(e.getMessage().startsWith("no secret: set NEXTAUTH_SECRET"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("none").resolve(Secret.DEV_SECRET_FILE)));
  }

  @Test
  void anUnusableDevelopmentSecretSaysWhy(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("file"), "x");
    Settings blocked =
        Settings.of(
            Map.of(), Map.of("CHATCTL_CONFIG_DIR", dir.resolve("file").resolve("sub").toString()));
    ConfigException e = assertThrows(ConfigException.class, () -> Secret.resolve(blocked, true));
    assertTrue(
        e.getMessage().contains("a file is in the way")
            || e.getMessage().contains("not a directory"),
        e.getMessage());
  }
}
