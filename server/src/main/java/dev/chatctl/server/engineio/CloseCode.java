package dev.chatctl.server.engineio;

/** WebSocket close codes (RFC 6455 section 7.4.1) that this server sends or names. */
public enum CloseCode {
  NORMAL(1000),
  GOING_AWAY(1001),
  PROTOCOL_ERROR(1002),
  UNSUPPORTED_DATA(1003),
  /** Never on the wire: a close frame with no code. */
  NO_STATUS(1005),
  /** Never on the wire: the connection dropped without a close frame. */
  ABNORMAL(1006),
  INVALID_DATA(1007),
  POLICY_VIOLATION(1008),
  TOO_BIG(1009),
  INTERNAL_ERROR(1011);

  public final int code;

  CloseCode(int code) {
    this.code = code;
  }

  /**
   * Whether a peer may send {@code code} in a close frame: the defined codes 1000-1014 except 1004
   * (reserved), 1005 and 1006 (never on the wire), and the application ranges 3000-4999.
   */
  public static boolean allowedOnWire(int code) {
    return (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006)
        || (code >= 3000 && code <= 4999);
  }
}
