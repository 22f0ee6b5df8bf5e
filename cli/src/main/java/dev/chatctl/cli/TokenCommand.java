package dev.chatctl.cli;

import dev.chatctl.cli.Converters.PositiveDuration;
import dev.chatctl.protocol.auth.SessionKeys;
import dev.chatctl.protocol.auth.TokenMinter;
import dev.chatctl.util.Secret;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chatctl token}. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Prints a token for a user, keyed by the same secret as `chatctl serve`.",
    footer = {
      "%nExamples:",
      "  TOKEN=$(chatctl token --user alice --name Alice)",
      "  chatctl token --user alice --format authjs --ttl 30d --secret \"$NEXTAUTH_SECRET\"",
      ExitCodes.FOOTER
    })
public final class TokenCommand implements Callable<Integer> {

  /** The kinds of token chatctl serve accepts. */
  enum Format {
    jws,
    nextauth,
    authjs
  }

  @Spec CommandSpec spec;

  @Mixin SecretOptions secret;

  @Option(
      names = {"-u", "--user"},
      required = true,
      paramLabel = "ID",
      description = "The user id (the token's sub).")
  String user;

  @Option(names = "--name", paramLabel = "NAME", description = "Display name claim.")
  String name;

  @Option(names = "--email", paramLabel = "EMAIL", description = "Email claim.")
  String email;

  @Option(names = "--picture", paramLabel = "URL", description = "Picture URL claim.")
  String picture;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      defaultValue = "1h",
      converter = PositiveDuration.class,
      description = "Lifetime: 90s, 30m, 1h, 30d (default ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "jws",
      description =
          "${COMPLETION-CANDIDATES}: HS256 JWS (default), NextAuth v4 or Auth.js v5 session token.")
  Format format;

  @Option(
      names = "--cookie-name",
      paramLabel = "NAME",
      defaultValue = SessionKeys.AUTHJS_COOKIE,
      description =
          "With --format authjs: the cookie it is for, its salt (default ${DEFAULT-VALUE}).")
  String cookieName;

  @Override
  public Integer call() {
    UserIds.check("--user", user);
    if (format == Format.authjs
        && !cookieName.equals(SessionKeys.AUTHJS_COOKIE)
        && !cookieName.equals(SessionKeys.AUTHJS_SECURE_COOKIE)) {
      throw new CommandFailure(
          ExitCodes.USAGE,
          "--cookie-name must be "
              + SessionKeys.AUTHJS_COOKIE
              + " or "
              + SessionKeys.AUTHJS_SECURE_COOKIE);
    }
    Secret key = secret.resolve(true);
    if (key.warning() != null) {
      spec.commandLine().getErr().println("chatctl: warning: " + key.warning());
    }
    TokenMinter minter = new TokenMinter(key.value());
    String token =
        switch (format) {
          case jws -> minter.issue(user, name, email, picture, ttl);
          case nextauth -> minter.issueNextAuth(user, name, email, picture, ttl);
          case authjs -> minter.issueAuthJs(user, name, email, picture, ttl, cookieName);
        };
    PrintWriter out = spec.commandLine().getOut();
    out.println(token);
    out.flush();
    return ExitCodes.OK;
  }
}
