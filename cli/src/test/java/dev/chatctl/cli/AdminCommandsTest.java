package dev.chatctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.auth.AuthResult;
import dev.chatctl.server.auth.FoundToken;
import dev.chatctl.server.auth.TokenVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** token, users and db, run as a user would, on the embedded database. */
class AdminCommandsTest {

  @TempDir Path dir;

  @Test
  void tokenUsesTheDevelopmentSecretThatServeUses() throws Exception {
    ChatctlProcess token =
        ChatctlProcess.start(
            dir, Map.of(), "token", "--user", "alice", "--name", "Alice", "--ttl", "2h");
    assertEquals(0, token.waitFor(60));
    String jwt = token.stdout().get(0);
    String secret = Files.readString(dir.resolve("config/dev-secret")).strip();
    AuthResult result = new TokenVerifier(secret).verify(new FoundToken(jwt, null));
    AuthResult.Valid valid = (AuthResult.Valid) result;
    assertEquals("alice", valid.identity().userId());
    assertEquals("Alice", valid.identity().name());
    long lifetime = valid.identity().expiresAt() - System.currentTimeMillis() / 1000;
    assertTrue(lifetime > 7000 && lifetime <= 7200, "ttl 2h: " + lifetime);
  }

  @Test
  void everyTokenFormatIsAcceptedByTheServersVerifier() throws Exception {
    for (String format : new String[] {"jws", "nextauth", "authjs"}) {
      ChatctlProcess token =
          ChatctlProcess.start(
              dir,
              Map.of("NEXTAUTH_SECRET", "app-secret"),
              "token",
              "--user",
              "u-" + format,
              "--format",
              format);
      assertEquals(0, token.waitFor(60));
      AuthResult result =
          new TokenVerifier("app-secret")
              .verify(
                  new FoundToken(
                      token.stdout().get(0),
                      format.equals("authjs") ? "authjs.session-token" : null));
      assertEquals("u-" + format, ((AuthResult.Valid) result).identity().userId(), format);
    }
  }

  @Test
  void usersAddAndListShareTheServersDatabase() throws Exception {
    run("users", "add", "bob", "--name", "Bob", "--email", "bob@example.test");
    run("users", "add", "alice");
    ChatctlProcess list = ChatctlProcess.start(dir, Map.of(), "users", "list");
    assertEquals(0, list.waitFor(60));
    String out = String.join("\n", list.stdout());
    assertTrue(
        out.contains("alice") && out.contains("Bob") && out.contains("bob@example.test"), out);
    assertTrue(out.endsWith("2 users"), out);
    ChatctlProcess json = ChatctlProcess.start(dir, Map.of(), "users", "list", "--json");
    assertEquals(0, json.waitFor(60));
    assertEquals(2, json.stdout().size());
    assertTrue(json.stdout().get(1).contains("\"id\":\"bob\""), json.stdout().get(1));
  }

  private ChatctlProcess run(String... args) throws Exception {
    ChatctlProcess p = ChatctlProcess.start(dir, Map.of(), args);
    int code = p.waitFor(60);
    assertEquals(0, code, () -> String.join(" ", args) + ":\n" + String.join("\n", p.stderr()));
    return p;
  }

  @Test
  void dbMigrateThenInfo() throws Exception {
    ChatctlProcess migrate = ChatctlProcess.start(dir, Map.of(), "db", "migrate");
    assertEquals(0, migrate.waitFor(60));
    long migrations = migrationsInSource();
    assertTrue(
        migrate.stdout().get(0).contains(migrations + " migrations applied"),
        migrations + " expected: " + migrate.stdout());
    ChatctlProcess again = ChatctlProcess.start(dir, Map.of(), "db", "migrate");
    assertEquals(0, again.waitFor(60));
    assertTrue(again.stdout().get(0).endsWith("up to date"), again.stdout().toString());
    ChatctlProcess info = ChatctlProcess.start(dir, Map.of(), "db", "info");
    assertEquals(0, info.waitFor(60));
    String out = String.join("\n", info.stdout());
    assertTrue(out.contains("users and messages") && out.contains("Success"), out);
  }

  /** The versioned migrations of the schema module: SQL files and Java ones. */
  private static long migrationsInSource() throws java.io.IOException {
    long count = 0;
    for (String folder :
        new String[] {
          "../jooq-codegen/src/main/resources/db/migration",
          "../jooq-codegen/src/main/java/db/migration"
        }) {
      try (var files = java.nio.file.Files.list(java.nio.file.Path.of(folder))) {
        count +=
            files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.(sql|java)")).count();
      }
    }
    return count;
  }

  @Test
  void helpAndVersion() throws Exception {
    ChatctlProcess version = ChatctlProcess.start(dir, Map.of(), "--version");
    assertEquals(0, version.waitFor(60));
    assertTrue(version.stdout().get(0).startsWith("chatctl "), version.stdout().toString());
    for (String command : new String[] {"serve", "token", "users", "db"}) {
      ChatctlProcess help = ChatctlProcess.start(dir, Map.of(), command, "--help");
      assertEquals(0, help.waitFor(60), command);
      assertTrue(String.join("\n", help.stdout()).contains("Exit codes: 0 ok"), command);
    }
  }
}
