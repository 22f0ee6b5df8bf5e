package dev.chatctl.server.auth;

/**
 * Who a token names: the user id ({@code sub}, else {@code id}, else {@code userId}), the display
 * claims the user directory keeps, and the expiry in epoch seconds (null when the token has none).
 */
public record Identity(String userId, String name, String email, String picture, Long expiresAt) {

  /** Whether the directory would store the same row for both (the expiry is not stored). */
  public boolean sameProfile(Identity other) {
    return other != null
        && userId.equals(other.userId)
        && java.util.Objects.equals(name, other.name)
        && java.util.Objects.equals(email, other.email)
        && java.util.Objects.equals(picture, other.picture);
  }

  /** This identity with {@code profile}'s strings (equal ones): a user's sockets share them. */
  public Identity sharing(Identity profile) {
    return new Identity(profile.userId, profile.name, profile.email, profile.picture, expiresAt);
  }
}
