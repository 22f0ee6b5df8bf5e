package dev.chatctl.util;

/** Something chatctl needs cannot be reached (a database, a port): not a usage error. */
public class UnavailableException extends ConfigException {
  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
