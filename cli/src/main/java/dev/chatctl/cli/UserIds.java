package dev.chatctl.cli;

import dev.chatctl.protocol.chat.ClientEvents;

/**
 * The user ids the commands accept from a person: what the contract allows (1 to 191 characters)
 * without blanks or control characters, which an app's ids (cuid, uuid, email) never hold and a
 * shell quoting mistake often does.
 */
final class UserIds {
  private UserIds() {}

  /** Throws a usage failure naming {@code option} when {@code id} is not a user id. */
  static String check(String option, String id) {
    String label = option == null ? "" : option + ": ";
    if (id.isEmpty() || id.length() > ClientEvents.MAX_ID_LENGTH) {
      throw new CommandFailure(
          ExitCodes.USAGE,
          label + "a user id is 1 to " + ClientEvents.MAX_ID_LENGTH + " characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
        throw new CommandFailure(
            ExitCodes.USAGE,
            label + "a user id has no spaces or control characters: '" + id + "' (quote mistake?)");
      }
    }
    return id;
  }
}
