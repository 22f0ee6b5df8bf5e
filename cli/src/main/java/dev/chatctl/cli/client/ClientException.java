package dev.chatctl.cli.client;

import dev.chatctl.util.Throwables;
import java.util.concurrent.TimeoutException;

/**
 * Why a connect or a request failed. {@link Kind#REFUSED} carries the contract's error code
 * ({@code TOKEN_INVALID}, {@code RECIPIENT_NOT_FOUND}, ...); the command line maps the kinds to
 * its exit codes.
 */
public final class ClientException extends RuntimeException {

  /** The kinds of failure. */
  public enum Kind {
    /** The server answered no: CONNECT_ERROR, message:error, or {ok: false}. {@link #code()} says why. */
    REFUSED,
    /** The server could not be reached, or the connection was lost before an answer. */
    UNAVAILABLE,
    /** No answer in time. */
    TIMEOUT,
    /** The client was closed (or gave up) before an answer. */
    CLOSED
  }

  private final Kind kind;
  private final String code;

  public ClientException(Kind kind, String code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
    this.code = code;
  }

  public ClientException(Kind kind, String message) {
    this(kind, null, message, null);
  }

  public static ClientException refused(String code, String message) {
    return new ClientException(Kind.REFUSED, code, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The contract's error code of a refusal, else null. */
  public String code() {
    return code;
  }

  /** The cause of a failed future, unwrapped: a ClientException, or one made from any other error. */
  public static ClientException of(Throwable error) {
    Throwable t = Throwables.unwrap(error);
    if (t instanceof ClientException e) {
      return e;
    }
    if (t instanceof TimeoutException) {
      return new ClientException(Kind.TIMEOUT, null, "timed out", t);
    }
    return new ClientException(Kind.UNAVAILABLE, null, String.valueOf(t.getMessage() != null ? t.getMessage() : t), t);
  }
}
