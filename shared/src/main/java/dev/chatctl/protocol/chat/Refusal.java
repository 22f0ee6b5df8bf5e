package dev.chatctl.protocol.chat;

/** Why a request was refused: one of the contract's codes and a human-readable reason. */
public record Refusal(ErrorCode code, String message) {
  public static Refusal invalid(String message) {
    return new Refusal(ErrorCode.VALIDATION_FAILED, message);
  }
}
