package dev.chatctl.protocol.auth;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), what {@code @panva/hkdf} computes for NextAuth and Auth.js.
 * Written here because Java 21 has no HKDF (JDK 24 brought javax.crypto.KDF).
 */
public final class Hkdf {
  private static final String HMAC = "HmacSHA256";
  private static final int HASH_LENGTH = 32;

  private Hkdf() {}

  /**
   * {@code length} bytes of output keying material; an empty salt is {@code HashLen} zero bytes.
   */
  public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    if (length < 0 || length > 255 * HASH_LENGTH) {
      throw new IllegalArgumentException(
          "HKDF-SHA256 output length must be 0 to " + 255 * HASH_LENGTH);
    }
    try {
      Mac mac = Mac.getInstance(HMAC);
      // Extract: PRK = HMAC-Hash(salt, IKM)
      mac.init(new SecretKeySpec(salt.length == 0 ? new byte[HASH_LENGTH] : salt, HMAC));
      byte[] prk = mac.doFinal(ikm);
      // Expand: T(i) = HMAC-Hash(PRK, T(i-1) | info | i)
      mac.init(new SecretKeySpec(prk, HMAC));
      byte[] okm = new byte[length];
      byte[] t = new byte[0];
      for (int i = 1, done = 0; done < length; i++) {
        mac.update(t);
        mac.update(info);
        mac.update((byte) i);
        t = mac.doFinal();
        int n = Math.min(t.length, length - done);
        System.arraycopy(t, 0, okm, done, n);
        done += n;
      }
      return okm;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
