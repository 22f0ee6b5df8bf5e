package dev.chatctl.util;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable ids (session ids, recovery pids): random bytes from one SecureRandom, base64url. */
public final class RandomIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private RandomIds() {}

  /** {@code bytes} random bytes as unpadded base64url (15 bytes make 20 characters). */
  public static String urlSafe(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return URL.encodeToString(b);
  }
}
