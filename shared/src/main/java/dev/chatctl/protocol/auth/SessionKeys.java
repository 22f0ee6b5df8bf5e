package dev.chatctl.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The encryption keys of NextAuth v4 and Auth.js v5 session tokens, derived from the app's secret
 * with HKDF-SHA256 (PROTOCOL.md, Authentication): the server decrypts with them, {@link
 * TokenMinter} encrypts with them.
 */
public final class SessionKeys {
  public static final String NEXTAUTH_INFO = "NextAuth.js Generated Encryption Key";
  public static final String AUTHJS_COOKIE = "authjs.session-token";
  public static final String AUTHJS_SECURE_COOKIE = "__Secure-authjs.session-token";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private SessionKeys() {}

  /** The NextAuth v4 A256GCM key: HKDF(secret, salt "", info NEXTAUTH_INFO, 32 bytes). */
  public static SecretKey nextAuthKey(String secret) {
    byte[] key =
        Hkdf.sha256(
            secret.getBytes(StandardCharsets.UTF_8),
            new byte[0],
            NEXTAUTH_INFO.getBytes(StandardCharsets.UTF_8),
            32);
    return new SecretKeySpec(key, "AES");
  }

  /** The Auth.js v5 A256CBC-HS512 key of a secret for a salt (the cookie name), 64 bytes. */
  public static SecretKey authJsKey(String secret, String salt) {
    byte[] key =
        Hkdf.sha256(
            secret.getBytes(StandardCharsets.UTF_8),
            salt.getBytes(StandardCharsets.UTF_8),
            ("Auth.js Generated Encryption Key (" + salt + ")").getBytes(StandardCharsets.UTF_8),
            64);
    return new SecretKeySpec(key, "AES");
  }

  /**
   * The RFC 7638 thumbprint of a symmetric key as {@code @auth/core} computes it for {@code kid}:
   * base64url(SHA-(key bits)) of {@code {"k":"<base64url key>","kty":"oct"}}.
   */
  public static String thumbprint(SecretKey key) {
    byte[] raw = key.getEncoded();
    String jwk = "{\"k\":\"" + B64.encodeToString(raw) + "\",\"kty\":\"oct\"}";
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-" + raw.length * 8);
      return B64.encodeToString(digest.digest(jwk.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
