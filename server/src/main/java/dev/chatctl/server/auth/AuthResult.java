package dev.chatctl.server.auth;

import dev.chatctl.protocol.chat.ErrorCode;

/** The outcome of checking a token: an identity, or one of the contract's token error codes. */
public sealed interface AuthResult {

  record Valid(Identity identity) implements AuthResult {}

  /** {@code code} is TOKEN_MISSING, TOKEN_INVALID or TOKEN_EXPIRED; {@code reason} is for logs. */
  record Refused(ErrorCode code, String reason) implements AuthResult {
    public static Refused invalid(String reason) {
      return new Refused(ErrorCode.TOKEN_INVALID, reason);
    }
  }
}
