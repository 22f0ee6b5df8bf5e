package dev.chatctl.cli.client;

import dev.chatctl.util.Throwables;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

/**
 * Why a connect or a request failed. {@link Kind#REFUSED} carries the contract's error code ({@code
 * TOKEN_INVALID}, {@code RECIPIENT_NOT_FOUND}, ...); the command line maps the kinds to its exit
 * codes.
 */
public final class ClientException extends RuntimeException {

  /** The kinds of failure. */
  public enum Kind {
    /**
     * The server answered no: CONNECT_ERROR, message:error, or {ok: false}. {@link #code()} says
     * why.
     */
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

  /**
   * The cause of a failed future, unwrapped: a ClientException, or one made from any other error.
   */
  public static ClientException of(Throwable error) {
    Throwable t = Throwables.unwrap(error);
    if (t instanceof ClientException e) {
      return e;
    }
    if (t instanceof TimeoutException) {
      return new ClientException(Kind.TIMEOUT, null, "timed out", t);
    }
    return new ClientException(
        Kind.UNAVAILABLE, null, String.valueOf(t.getMessage() != null ? t.getMessage() : t), t);
  }

  /**
   * A connect attempt that ended before the server answered: TIMEOUT when it timed out, else
   * UNAVAILABLE, with the reason a person can act on ("connection refused", "unknown host", the
   * HTTP status of a refused websocket handshake).
   */
  static ClientException unreachable(URI uri, String reason, Throwable cause) {
    String why = cause == null ? reason : rootMessage(cause);
    Kind kind = timedOut(cause) ? Kind.TIMEOUT : Kind.UNAVAILABLE;
    return new ClientException(kind, null, "cannot connect to " + uri + ": " + why, cause);
  }

  private static boolean timedOut(Throwable t) {
    return Throwables.has(t, HttpTimeoutException.class, SocketTimeoutException.class);
  }

  private static String rootMessage(Throwable t) {
    WebSocketHandshakeException handshake = Throwables.find(t, WebSocketHandshakeException.class);
    if (handshake != null) {
      return "the websocket handshake was refused (HTTP "
          + handshake.getResponse().statusCode()
          + ")";
    }
    Throwable root = Throwables.root(t);
    String message = root.getMessage();
    if (root instanceof ConnectException) {
      return message == null || message.isBlank() ? "connection refused" : message;
    }
    if (root instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (root instanceof UnresolvedAddressException) {
      return "unknown host";
    }
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
