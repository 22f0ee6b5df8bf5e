package dev.chatctl.protocol.chat;

/** The error codes of the contract. */
public enum ErrorCode {
  VALIDATION_FAILED,
  RECIPIENT_NOT_FOUND,
  INTERNAL,
  TOKEN_MISSING,
  TOKEN_INVALID,
  TOKEN_EXPIRED,
  /** A send over the user's rate limit, or a socket with too many requests unanswered. */
  RATE_LIMITED,
  /** The database cannot be reached: nothing was stored; the client may retry later. */
  UNAVAILABLE
}
