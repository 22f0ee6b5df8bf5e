package dev.chatctl.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where settings come from, in order: command-line flags, then the environment, then a {@code .env}
 * file in the working directory (read as dotenv does: {@code KEY=value} lines, {@code #} comments,
 * optional {@code export}, single or double quotes). Keys are the environment names ({@code
 * DATABASE_URL}, {@code WS_PORT}, ...).
 */
public final class Settings {
  private final Map<String, String> flags;
  private final Map<String, String> environment;
  private final Map<String, String> dotenv;
  private final Path dotenvPath;

  /**
   * The command-line spelling of a key given as a flag ({@code WS_PORT} -> {@code --port}), for
   * messages.
   */
  private final Map<String, String> flagNames;

  public Settings(
      Map<String, String> flags,
      Map<String, String> environment,
      Map<String, String> dotenv,
      Path dotenvPath) {
    this(flags, environment, dotenv, dotenvPath, Map.of());
  }

  private Settings(
      Map<String, String> flags,
      Map<String, String> environment,
      Map<String, String> dotenv,
      Path dotenvPath,
      Map<String, String> flagNames) {
    this.flags = Map.copyOf(flags);
    this.environment = Map.copyOf(environment);
    this.dotenv = Map.copyOf(dotenv);
    this.dotenvPath = dotenvPath;
    this.flagNames = Map.copyOf(flagNames);
  }

  /**
   * These settings, with the flags' names as the command line spells them (else
   * --key-in-kebab-case).
   */
  public Settings withFlagNames(Map<String, String> names) {
    return new Settings(flags, environment, dotenv, dotenvPath, names);
  }

  /** Flags given, this process's environment, and ./.env if there is one. */
  public static Settings load(Map<String, String> flags) {
    Path path = Path.of(".env");
    return new Settings(flags, System.getenv(), readDotenv(path), path);
  }

  /** Settings from flags and an explicit environment only (tests). */
  public static Settings of(Map<String, String> flags, Map<String, String> environment) {
    return new Settings(flags, environment, Map.of(), null);
  }

  /**
   * The value of a key, or null: a flag, else the environment, else .env. Blank counts as unset.
   */
  public String get(String key) {
    for (Map<String, String> source : List.of(flags, environment, dotenv)) {
      String value = source.get(key);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return null;
  }

  public String getOrDefault(String key, String fallback) {
    String value = get(key);
    return value != null ? value : fallback;
  }

  /** Where a key's value comes from, for messages: "--flag", "environment", ".env" or "default". */
  public String sourceOf(String key) {
    if (present(flags, key)) {
      return flagName(key);
    }
    if (present(environment, key)) {
      return "environment";
    }
    if (present(dotenv, key)) {
      return dotenvPath != null ? dotenvPath.toString() : ".env";
    }
    return "default";
  }

  /**
   * The name to use in a message about a key's value: its flag when a flag gave it, else the key.
   */
  public String nameOf(String key) {
    return present(flags, key) ? flagName(key) : key;
  }

  private String flagName(String key) {
    return flagNames.getOrDefault(key, "--" + key.toLowerCase().replace('_', '-'));
  }

  /**
   * Where a key is set to a blank value, when that is the value that counts (no source before it
   * sets it), else null: an empty {@code NEXTAUTH_SECRET=} is a mistake, not "unset".
   */
  public String blankSource(String key) {
    if (flags.containsKey(key)) {
      return present(flags, key) ? null : flagName(key);
    }
    if (environment.containsKey(key)) {
      return present(environment, key) ? null : "environment";
    }
    if (dotenv.containsKey(key)) {
      return present(dotenv, key) ? null : dotenvPath != null ? dotenvPath.toString() : ".env";
    }
    return null;
  }

  private static boolean present(Map<String, String> source, String key) {
    String value = source.get(key);
    return value != null && !value.isBlank();
  }

  /** Reads a dotenv file; a missing file is empty. */
  public static Map<String, String> readDotenv(Path path) {
    if (!Files.isRegularFile(path)) {
      return Map.of();
    }
    try {
      return parseDotenv(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("cannot read " + path + ": " + e.getMessage());
    }
  }

  public static Map<String, String> parseDotenv(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2
          && (value.charAt(0) == '"' || value.charAt(0) == '\'')
          && value.indexOf(value.charAt(0), 1) > 0) {
        char quote = value.charAt(0);
        value = value.substring(1, value.indexOf(quote, 1));
        if (quote == '"') {
          value = value.replace("\\n", "\n");
        }
      } else {
        int comment = value.indexOf(" #");
        if (comment >= 0) {
          value = value.substring(0, comment).strip();
        }
      }
      values.put(key, value);
    }
    return values;
  }
}
