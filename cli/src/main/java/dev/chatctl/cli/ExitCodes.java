package dev.chatctl.cli;

/** Exit codes, the same for every subcommand (listed in --help and the README). */
public final class ExitCodes {
  private ExitCodes() {}

  /** Done. */
  public static final int OK = 0;

  /** The server refused: an error code came back (message:error, connect_error, ...). */
  public static final int REFUSED = 1;

  /** Bad flag, bad setting, bad input. */
  public static final int USAGE = 2;

  /** Cannot connect, or timed out: the server, the database, the port. */
  public static final int UNAVAILABLE = 3;

  /** A bug: an unexpected error (with its stack trace at DEBUG). */
  public static final int SOFTWARE = 70;

  public static final String FOOTER =
      "%nExit codes: 0 ok, 1 refused by the server, 2 usage or configuration error,"
          + " 3 cannot connect or timed out, 70 unexpected error.";
}
