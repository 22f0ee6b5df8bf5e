package dev.chatctl.protocol.chat;

/** The error codes of the contract. */
public enum ErrorCode {
  VALIDATION_FAILED,
  RECIPIENT_NOT_FOUND,
  INTERNAL,
  TOKEN_MISSING,
  TOKEN_INVALID,
  TOKEN_EXPIRED
}
