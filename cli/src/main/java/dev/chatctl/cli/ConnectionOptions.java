package dev.chatctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.protocol.Json;
import dev.chatctl.server.auth.TokenIssuer;
import dev.chatctl.util.ConfigException;
import dev.chatctl.util.Durations;
import dev.chatctl.server.config.Settings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * How the client commands ({@code connect}, {@code send}, {@code listen}, {@code online}) reach
 * the server and who they are: {@code --url}, and a token from {@code --token}, {@code --user}
 * (minted with the configured secret, as {@code chatctl token} does) or {@code CHATCTL_TOKEN}.
 */
public final class ConnectionOptions {
  /** Lifetime of the tokens {@code --user} mints (a fresh one at every reconnect). */
  static final Duration MINTED_TOKEN_TTL = Duration.ofHours(12);

  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:3001",
      description = "The server (default ${DEFAULT-VALUE}); the websocket URL is derived: ws(s)://HOST/socket.io/?EIO=4&transport=websocket.")
  String url;

  @Option(names = {"-t", "--token"}, paramLabel = "TOKEN", description = "The token to connect with (else --user, else CHATCTL_TOKEN).")
  String token;

  @Option(names = {"-u", "--user"}, paramLabel = "ID",
      description = "Connect as this user with a token minted from the configured secret, as `chatctl token` does (NEXTAUTH_SECRET, --secret, or the development secret in --data-dir).")
  String user;

  @Option(names = "--secret", paramLabel = "SECRET", description = "With --user: the NEXTAUTH_SECRET to mint with.")
  String secret;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "With --user: where the development secret lives (CHATCTL_DATA_DIR, default ./data).")
  String dataDir;

  /** Who the token says we are (for display), or null when it cannot be read. */
  private String userId;
  private Supplier<String> tokenSupplier;

  /** The client options, or a CommandFailure (usage) for a bad URL or a missing token. */
  ClientOptions clientOptions(Duration connectTimeout) {
    URI uri;
    try {
      uri = URI.create(url.trim());
      ClientOptions.websocketUri(uri);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCodes.USAGE, "--url: " + e.getMessage());
    }
    return new ClientOptions(
        uri, tokenSupplier(), connectTimeout, connectTimeout, true, dev.chatctl.cli.client.Backoff.DEFAULT, null, null);
  }

  /** The token source: --token, --user (minted at every connect), CHATCTL_TOKEN. */
  Supplier<String> tokenSupplier() {
    if (tokenSupplier != null) {
      return tokenSupplier;
    }
    if (token != null && user != null) {
      throw new CommandFailure(ExitCodes.USAGE, "--token and --user exclude each other");
    }
    Map<String, String> flags = new HashMap<>();
    SettingsOptions.put(flags, "NEXTAUTH_SECRET", secret);
    SettingsOptions.put(flags, "CHATCTL_DATA_DIR", dataDir);
    Settings settings = Settings.load(flags);
    if (token != null) {
      String t = token.trim();
      userId = subjectOf(t);
      tokenSupplier = () -> t;
    } else if (user != null) {
      if (user.isBlank() || user.length() > 191) {
        throw new CommandFailure(ExitCodes.USAGE, "--user: a user id is 1 to 191 characters");
      }
      TokenIssuer issuer = new TokenIssuer(SettingsOptions.secret(settings, true).value());
      userId = user;
      tokenSupplier = () -> issuer.issue(user, null, null, null, MINTED_TOKEN_TTL);
    } else {
      String env = settings.get("CHATCTL_TOKEN");
      if (env == null) {
        throw new CommandFailure(ExitCodes.USAGE, "no token: pass --token TOKEN or --user ID, or set CHATCTL_TOKEN");
      }
      userId = subjectOf(env);
      tokenSupplier = () -> env;
    }
    return tokenSupplier;
  }

  /** The user id the token names, when it is a readable JWS (for display only), else null. */
  String userId() {
    tokenSupplier();
    return userId;
  }

  static String subjectOf(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null; // a JWE (NextAuth / Auth.js session token) cannot be read without the secret
    }
    try {
      JsonNode claims = Json.read(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      for (String claim : new String[] {"sub", "id", "userId"}) {
        if (claims.path(claim).isTextual()) {
          return claims.get(claim).textValue();
        }
      }
    } catch (RuntimeException e) {
      // not a JWS we can read
    }
    return null;
  }

  /** Parses a --timeout-like option, as a usage error when it is not a positive duration. */
  static Duration duration(String option, String text) {
    Duration d;
    try {
      d = Durations.parse(option, text);
    } catch (ConfigException e) {
      throw new CommandFailure(ExitCodes.USAGE, e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw new CommandFailure(ExitCodes.USAGE, option + " must be longer than zero");
    }
    return d;
  }

  /** A client failure as the command's one line and exit code. */
  static CommandFailure failure(Throwable error) {
    ClientException e = ClientException.of(error);
    return switch (e.kind()) {
      case REFUSED -> new CommandFailure(ExitCodes.REFUSED, "refused: " + (e.code() != null ? e.code() + ": " : "") + e.getMessage());
      case UNAVAILABLE, CLOSED -> new CommandFailure(ExitCodes.UNAVAILABLE, e.getMessage());
      case TIMEOUT -> new CommandFailure(ExitCodes.UNAVAILABLE, "timed out: " + e.getMessage());
    };
  }
}
