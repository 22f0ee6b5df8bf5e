package dev.chatctl.util;

/** A setting a user got wrong: its message is the one line the command prints before exiting. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
