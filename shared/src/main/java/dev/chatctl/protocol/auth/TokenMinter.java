package dev.chatctl.protocol.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints the tokens of {@code chatctl token}, of the client commands' {@code --user} and of {@code
 * bench}: HS256 JWS (what {@code jsonwebtoken.sign} makes), NextAuth v4 session tokens (what {@code
 * encode} of {@code next-auth/jwt} makes) and Auth.js v5 session tokens (what {@code encode} of
 * {@code @auth/core/jwt} makes). With the JDK's own crypto only, so that a client needs no JOSE
 * library; the server verifies with jjwt, which makes the tests of the two sides independent.
 */
public final class TokenMinter {
  /** The lifetime of a session token without a ttl: next-auth's and Auth.js's default maxAge. */
  public static final Duration DEFAULT_SESSION_MAX_AGE = Duration.ofDays(30);

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final JsonFactory JSON = new JsonFactory();

  private final String secretText;
  private final byte[] secret;
  private final Clock clock;

  public TokenMinter(String secret, Clock clock) {
    this.secretText = secret;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  public TokenMinter(String secret) {
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
    return sign(claimsJson(claims));
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
      return signingInput
          + "."
          + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
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
  public String issueNextAuth(
      String userId, String name, String email, String picture, Duration ttl) {
    String header = "{\"alg\":\"dir\",\"enc\":\"A256GCM\"}";
    return encryptGcm(
        SessionKeys.nextAuthKey(secretText),
        header,
        sessionClaims(userId, name, email, picture, ttl));
  }

  /**
   * An Auth.js v5 session token for the cookie {@code cookieName} (its salt; null: {@code
   * authjs.session-token}), as @auth/core's {@code encode} makes it: JWE {@code
   * {"alg":"dir","enc":"A256CBC-HS512","kid":thumbprint}} with the claims of {@link
   * #issueNextAuth}.
   */
  public String issueAuthJs(
      String userId, String name, String email, String picture, Duration ttl, String cookieName) {
    String salt = cookieName == null ? SessionKeys.AUTHJS_COOKIE : cookieName;
    SecretKey key = SessionKeys.authJsKey(secretText, salt);
    String header =
        "{\"alg\":\"dir\",\"enc\":\"A256CBC-HS512\",\"kid\":\""
            + SessionKeys.thumbprint(key)
            + "\"}";
    return encryptCbcHs512(key, header, sessionClaims(userId, name, email, picture, ttl));
  }

  /** The profile claims that are given (NextAuth puts them in this order). */
  private static void putProfile(
      Map<String, Object> claims, String name, String email, String picture) {
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

  private Map<String, Object> sessionClaims(
      String userId, String name, String email, String picture, Duration ttl) {
    long now = clock.millis() / 1000;
    Map<String, Object> claims = new LinkedHashMap<>();
    putProfile(claims, name, email, picture); // next-auth's order: the profile, then sub
    claims.put("sub", userId);
    claims.put("iat", now);
    claims.put("exp", now + (ttl == null ? DEFAULT_SESSION_MAX_AGE : ttl).toSeconds());
    claims.put("jti", UUID.randomUUID().toString());
    return claims;
  }

  /** A compact JWE with {@code alg: dir, enc: A256GCM} (RFC 7518 section 5.3). */
  private static String encryptGcm(SecretKey key, String headerJson, Map<String, Object> claims) {
    String header = B64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8));
    byte[] iv = random(12);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      cipher.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
      byte[] sealed = cipher.doFinal(claimsJson(claims).getBytes(StandardCharsets.UTF_8));
      int tagAt = sealed.length - 16; // the JDK appends the 128-bit tag to the ciphertext
      return compact(
          header,
          iv,
          Arrays.copyOfRange(sealed, 0, tagAt),
          Arrays.copyOfRange(sealed, tagAt, sealed.length));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A compact JWE with {@code alg: dir, enc: A256CBC-HS512} (RFC 7518 section 5.2.5): AES-256-CBC
   * with the key's second half, and as the tag the first half of HMAC-SHA512 with its first half
   * over AAD, IV, ciphertext and the AAD's length in bits.
   */
  private static String encryptCbcHs512(
      SecretKey key, String headerJson, Map<String, Object> claims) {
    String header = B64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8));
    byte[] raw = key.getEncoded();
    byte[] iv = random(16);
    byte[] aad = header.getBytes(StandardCharsets.US_ASCII);
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(raw, 32, 32, "AES"), new IvParameterSpec(iv));
      byte[] ciphertext = cipher.doFinal(claimsJson(claims).getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA512");
      mac.init(new SecretKeySpec(raw, 0, 32, "HmacSHA512"));
      ByteArrayOutputStream input = new ByteArrayOutputStream();
      input.writeBytes(aad);
      input.writeBytes(iv);
      input.writeBytes(ciphertext);
      input.writeBytes(ByteBuffer.allocate(8).putLong(aad.length * 8L).array());
      byte[] tag = Arrays.copyOf(mac.doFinal(input.toByteArray()), 32);
      return compact(header, iv, ciphertext, tag);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** header..iv.ciphertext.tag: a dir JWE has an empty encrypted key. */
  private static String compact(String header, byte[] iv, byte[] ciphertext, byte[] tag) {
    return header
        + ".."
        + B64.encodeToString(iv)
        + "."
        + B64.encodeToString(ciphertext)
        + "."
        + B64.encodeToString(tag);
  }

  /**
   * The claims (strings and whole numbers) as JSON, with Jackson's streaming writer: minting a
   * token is the whole work of {@code chatctl token}, and an ObjectMapper would double its start.
   */
  private static String claimsJson(Map<String, Object> claims) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      for (Map.Entry<String, Object> claim : claims.entrySet()) {
        if (claim.getValue() instanceof Number n) {
          json.writeNumberField(claim.getKey(), n.longValue());
        } else {
          json.writeStringField(claim.getKey(), String.valueOf(claim.getValue()));
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static byte[] random(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
