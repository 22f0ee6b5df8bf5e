package dev.chatctl.cli;

import dev.chatctl.server.auth.TokenIssuer;
import dev.chatctl.server.auth.TokenSources;
import dev.chatctl.util.Durations;
import dev.chatctl.server.config.Secret;
import dev.chatctl.server.config.Settings;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code chatctl token}. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a token for a user, keyed by the same secret as `chatctl serve`",
      "(NEXTAUTH_SECRET, else the development secret in ./data/dev-secret)."
    },
    footer = ExitCodes.FOOTER)
public final class TokenCommand implements Callable<Integer> {

  /** The kinds of token chatctl serve accepts. */
  enum Format { jws, nextauth, authjs }

  @Mixin SettingsOptions settings;

  @Option(names = {"-u", "--user"}, required = true, paramLabel = "ID", description = "The user id (the token's sub).")
  String user;

  @Option(names = "--name", description = "Display name claim.")
  String name;

  @Option(names = "--email", description = "Email claim.")
  String email;

  @Option(names = "--picture", description = "Picture URL claim.")
  String picture;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h", description = "Lifetime: 90s, 30m, 1h, 30d (default ${DEFAULT-VALUE}).")
  String ttl;

  @Option(names = "--format", defaultValue = "jws", description = "jws (HS256, default), nextauth (NextAuth v4 session token), authjs (Auth.js v5 session token).")
  Format format;

  @Option(names = "--cookie-name", defaultValue = "authjs.session-token", description = "Salt of an authjs token: its cookie name (default ${DEFAULT-VALUE}).")
  String cookieName;

  @Override
  public Integer call() {
    Settings s = settings.settings(java.util.Map.of());
    Secret secret = SettingsOptions.secret(s, true);
    Duration lifetime = Durations.parse("--ttl", ttl);
    if (lifetime.isZero() || lifetime.isNegative()) {
      throw new CommandFailure(ExitCodes.USAGE, "--ttl must be longer than zero");
    }
    if (format == Format.authjs && !cookieName.endsWith("authjs.session-token")) {
      throw new CommandFailure(ExitCodes.USAGE, "--cookie-name must be one of " + TokenSources.SESSION_COOKIES.subList(2, 4));
    }
    TokenIssuer issuer = new TokenIssuer(secret.value());
    String token =
        switch (format) {
          case jws -> issuer.issue(user, name, email, picture, lifetime);
          case nextauth -> issuer.issueNextAuth(user, name, email, picture, lifetime);
          case authjs -> issuer.issueAuthJs(user, name, email, picture, lifetime, cookieName);
        };
    System.out.println(token);
    return ExitCodes.OK;
  }
}
