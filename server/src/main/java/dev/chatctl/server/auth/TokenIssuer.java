package dev.chatctl.server.auth;

import dev.chatctl.protocol.Json;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.AeadAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints the tokens of {@code chatctl token}: HS256 JWS (what {@code jsonwebtoken.sign} makes),
 * NextAuth v4 session tokens (what {@code encode} of {@code next-auth/jwt} makes) and Auth.js v5
 * session tokens (what {@code encode} of {@code @auth/core/jwt} makes).
 */
public final class TokenIssuer {
  /** The lifetime of a session token without a ttl: next-auth's and Auth.js's default maxAge. */
  public static final Duration DEFAULT_SESSION_MAX_AGE = Duration.ofDays(30);

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final String secretText;
  private final byte[] secret;
  private final Clock clock;

  public TokenIssuer(String secret, Clock clock) {
    this.secretText = secret;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  public TokenIssuer(String secret) {
    this(secret, Clock.systemUTC());
  }

  /** An HS256 token for a user; null name, email and picture are left out; null ttl: no exp. */
  public String issue(String userId, String name, String email, String picture, Duration ttl) {
    long now = clock.millis() / 1000;
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", userId);
    putProfile(claims, name, email, picture);
    claims.put("iat", now);
    if (ttl != null) {
      claims.put("exp", now + ttl.toSeconds());
    }
    return sign(Json.write(claims));
  }

  /** Signs a JSON payload with HS256. */
  public String sign(String payloadJson) {
    String signingInput =
        B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + B64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A NextAuth v4 session token, as next-auth's {@code encode} makes it: JWE {@code
   * {"alg":"dir","enc":"A256GCM"}} (no {@code kid}) of the claims {@code name}, {@code email},
   * {@code picture}, {@code sub} (null ones left out), then {@code iat}, {@code exp} = iat + ttl
   * and a random {@code jti}. A null ttl is next-auth's default maxAge of 30 days; a negative one
   * mints an expired token.
   */
  public String issueNextAuth(String userId, String name, String email, String picture, Duration ttl) {
    return encrypt(SessionTokens.nextAuthKey(secretText), null, Jwts.ENC.A256GCM,
        sessionClaims(userId, name, email, picture, ttl));
  }

  /**
   * An Auth.js v5 session token for the cookie {@code cookieName} (its salt; null:
   * {@code authjs.session-token}), as @auth/core's {@code encode} makes it: JWE {@code
   * {"alg":"dir","enc":"A256CBC-HS512","kid":thumbprint}} with the claims of {@link
   * #issueNextAuth}.
   */
  public String issueAuthJs(
      String userId, String name, String email, String picture, Duration ttl, String cookieName) {
    String salt = cookieName == null ? SessionTokens.AUTHJS_COOKIE : cookieName;
    SecretKey key = SessionTokens.authJsKey(secretText, salt);
    return encrypt(key, SessionTokens.thumbprint(key), Jwts.ENC.A256CBC_HS512,
        sessionClaims(userId, name, email, picture, ttl));
  }

  /** The profile claims that are given (NextAuth puts them in this order). */
  private static void putProfile(Map<String, Object> claims, String name, String email, String picture) {
    if (name != null) {
      claims.put("name", name);
    }
    if (email != null) {
      claims.put("email", email);
    }
    if (picture != null) {
      claims.put("picture", picture);
    }
  }

  private Map<String, Object> sessionClaims(String userId, String name, String email, String picture, Duration ttl) {
    long now = clock.millis() / 1000;
    Map<String, Object> claims = new LinkedHashMap<>();
    putProfile(claims, name, email, picture); // next-auth's order: the profile, then sub
    claims.put("sub", userId);
    claims.put("iat", now);
    claims.put("exp", now + (ttl == null ? DEFAULT_SESSION_MAX_AGE : ttl).toSeconds());
    claims.put("jti", UUID.randomUUID().toString());
    return claims;
  }

  private static String encrypt(SecretKey key, String keyId, AeadAlgorithm enc, Map<String, Object> claims) {
    return Jwts.builder()
        .header().keyId(keyId).and() // a null kid is left out
        .claims(claims)
        .encryptWith(key, enc) // a SecretKey and no key algorithm: alg dir
        .compact();
  }
}
