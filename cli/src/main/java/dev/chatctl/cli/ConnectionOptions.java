package dev.chatctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.cli.client.Backoff;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.auth.TokenMinter;
import dev.chatctl.protocol.chat.ErrorCode;
import dev.chatctl.util.Secret;
import dev.chatctl.util.Settings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How the client commands ({@code connect}, {@code send}, {@code listen}, {@code online}) reach the
 * server and who they are: {@code --url}, else CHATCTL_URL, else the URL that WS_PORT and HOST give
 * (as {@code serve} reads them, .env included); and a token from {@code --token}, {@code --user}
 * (minted with the server's secret, as {@code chatctl token} does) or CHATCTL_TOKEN.
 */
public final class ConnectionOptions {
  /** Lifetime of the tokens {@code --user} mints (a fresh one at every reconnect). */
  static final Duration MINTED_TOKEN_TTL = Duration.ofHours(12);

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "The server (else CHATCTL_URL, else http://localhost:WS_PORT, default port 3001).")
  String url;

  @Option(
      names = {"-t", "--token"},
      paramLabel = "TOKEN",
      description = "The token to connect with (else --user, else CHATCTL_TOKEN).")
  String token;

  @Option(
      names = {"-u", "--user"},
      paramLabel = "ID",
      description =
          "Connect as this user, with a token minted from the server's secret as `chatctl token` does.")
  String user;

  @Mixin SecretOptions secret;

  /** Who the token says we are (for display), or null when it cannot be read. */
  private String userId;

  private Supplier<String> tokenSupplier;

  /** The secret --user mints with, for the hint when the server refuses its tokens. */
  private Secret minting;

  /** The client options, or a CommandFailure (usage) for a bad URL or a missing token. */
  ClientOptions clientOptions(Duration connectTimeout) {
    URI uri;
    String target = serverUrl(url, secret.settings());
    try {
      uri = URI.create(target.trim());
      ClientOptions.websocketUri(uri);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(
          ExitCodes.USAGE, (url != null ? "--url" : "CHATCTL_URL") + ": " + e.getMessage());
    }
    return new ClientOptions(
        uri, tokenSupplier(), connectTimeout, connectTimeout, true, Backoff.DEFAULT, null, null);
  }

  /**
   * The --url flag, else CHATCTL_URL, else http://HOST:WS_PORT with a wildcard HOST read as
   * localhost.
   */
  public static String serverUrl(String flag, Settings settings) {
    if (flag != null) {
      return flag;
    }
    String env = settings.get("CHATCTL_URL");
    if (env != null) {
      return env;
    }
    String host = settings.getOrDefault("HOST", "localhost");
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + settings.getOrDefault("WS_PORT", "3001");
  }

  /** The token source: --token, --user (minted at every connect), CHATCTL_TOKEN. */
  Supplier<String> tokenSupplier() {
    if (tokenSupplier != null) {
      return tokenSupplier;
    }
    if (token != null && user != null) {
      throw new CommandFailure(ExitCodes.USAGE, "--token and --user exclude each other: pick one");
    }
    if (token != null) {
      String t = token.trim();
      userId = subjectOf(t);
      tokenSupplier = () -> t;
    } else if (user != null) {
      UserIds.check("--user", user);
      minting = secret.resolve(true);
      TokenMinter minter = new TokenMinter(minting.value());
      userId = user;
      tokenSupplier = () -> minter.issue(user, null, null, null, MINTED_TOKEN_TTL);
    } else {
      String env = secret.settings().get("CHATCTL_TOKEN");
      if (env == null) {
        throw new CommandFailure(
            ExitCodes.USAGE, "no token: pass --user ID (or --token TOKEN), or set CHATCTL_TOKEN");
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
      JsonNode claims =
          Json.read(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
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

  /**
   * A client failure as the command's one line and exit code, with the fix when the token was
   * refused.
   */
  CommandFailure failure(Throwable error) {
    ClientException e = ClientException.of(error);
    return switch (e.kind()) {
      case REFUSED ->
          new CommandFailure(
              ExitCodes.REFUSED,
              "refused: "
                  + (e.code() != null ? e.code() + ": " : "")
                  + e.getMessage()
                  + hint(e.code()));
      case UNAVAILABLE, CLOSED ->
          new CommandFailure(
              ExitCodes.UNAVAILABLE,
              e.getMessage() + (url == null ? " (--url or CHATCTL_URL picks the server)" : ""));
      case TIMEOUT -> new CommandFailure(ExitCodes.UNAVAILABLE, "timed out: " + e.getMessage());
    };
  }

  private String hint(String code) {
    if (!ErrorCode.TOKEN_INVALID.name().equals(code)) {
      return "";
    }
    return minting != null
        ? " (" + SecretOptions.mismatchHint(minting) + ")"
        : " (the token is not signed with the server's secret; mint one with `chatctl token --secret SECRET`)";
  }
}
