package dev.chatctl.cli;

import dev.chatctl.util.Secret;
import dev.chatctl.util.Settings;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the commands that mint tokens ({@code token}, the clients' {@code --user}, {@code bench})
 * find the server's secret: {@code --secret}, NEXTAUTH_SECRET / AUTH_SECRET (flags > environment >
 * ./.env), else the development secret that {@code serve} made, per user or in {@code --data-dir}.
 */
public final class SecretOptions {

  @Option(
      names = "--secret",
      paramLabel = "SECRET",
      description =
          "The server's NEXTAUTH_SECRET, to mint tokens with (else NEXTAUTH_SECRET, AUTH_SECRET, else the development secret).")
  String secret;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "The server's --data-dir, when it was given one: the development secret is there (CHATCTL_DATA_DIR).")
  String dataDir;

  /** The settings these flags and the environment make. */
  public Settings settings() {
    Map<String, String> flags = new HashMap<>();
    SettingsOptions.put(flags, "NEXTAUTH_SECRET", secret);
    SettingsOptions.put(flags, "CHATCTL_DATA_DIR", dataDir);
    return Settings.load(flags).withFlagNames(SettingsOptions.FLAG_NAMES);
  }

  /** The secret to mint with; the development secret is made when {@code create} and missing. */
  public Secret resolve(boolean create) {
    return Secret.resolve(settings(), create);
  }

  /**
   * What to say when the server refused a token minted with {@code secret} for its signature: which
   * secret the client used, and how to use the server's instead.
   */
  public static String mismatchHint(Secret secret) {
    return "the token was signed with "
        + secret.source()
        + "; if the server uses another secret, pass it with --secret or"
        + " NEXTAUTH_SECRET"
        + (secret.development() ? ", or --data-dir with the server's data directory" : "");
  }
}
