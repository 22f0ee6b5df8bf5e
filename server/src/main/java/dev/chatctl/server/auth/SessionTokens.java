package dev.chatctl.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.auth.SessionKeys;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.AeadAlgorithm;
import io.jsonwebtoken.security.DecryptAeadRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * NextAuth v4 and Auth.js v5 session tokens: JWE compact tokens with {@code alg: dir}, keyed by
 * HKDF-SHA256 of the secret ({@link SessionKeys}; PROTOCOL.md, Authentication).
 *
 * <ul>
 *   <li>NextAuth v4: {@code enc: A256GCM}, key = HKDF(secret, salt "", info "NextAuth.js Generated
 *       Encryption Key", 32 bytes).
 *   <li>Auth.js v5: {@code enc: A256CBC-HS512}, key = HKDF(secret, salt = cookie name, info
 *       "Auth.js Generated Encryption Key (" + cookie name + ")", 64 bytes). Without a cookie (the
 *       token came from the auth payload, the header or the query) both Auth.js cookie names are
 *       tried. A {@code kid} in the header must be the key's RFC 7638 thumbprint, as {@code
 *       @auth/core}'s {@code decode} requires; it also picks the salt without a trial decryption.
 * </ul>
 *
 * <p>jjwt's AEAD algorithms ({@link Jwts.ENC}) decrypt and authenticate. The compact form and the
 * header are checked here, the way {@code jose} (which next-auth and @auth/core use) checks them,
 * rather than with jjwt's {@code JwtParser}, because the parser types the registered claims: it
 * refuses a numeric {@code sub} (which the contract accepts as a user id), turns a numeric-string
 * {@code exp} into a date and overflows on a huge one. The claims are handed back as JSON, untouched;
 * {@link TokenVerifier#checkClaims} applies exp, nbf and the user id rule.
 *
 * <p>All keys are derived once, at construction. Thread-safe.
 */
final class SessionTokens {

  /** The salts tried for an Auth.js token that did not come from a cookie. */
  static final List<String> AUTHJS_SALTS =
      List.of(SessionKeys.AUTHJS_COOKIE, SessionKeys.AUTHJS_SECURE_COOKIE);

  private static final Base64.Decoder B64 = Base64.getUrlDecoder();

  /**
   * An Auth.js key for one salt, with the thumbprint that {@code @auth/core} puts in {@code kid}.
   */
  private record AuthJsKey(String salt, SecretKey key, String thumbprint) {}

  private final String secret;
  private final SecretKey nextAuthKey;

  /**
   * Keyed by every session cookie name (a NextAuth-named cookie salts a key too, that never fits).
   */
  private final Map<String, AuthJsKey> authJsKeys = new HashMap<>();

  private final List<AuthJsKey> cookielessKeys;

  SessionTokens(String secret) {
    this.secret = secret;
    this.nextAuthKey = SessionKeys.nextAuthKey(secret);
    for (String cookie : TokenSources.SESSION_COOKIES) {
      authJsKeys.put(cookie, authJsKeyFor(cookie));
    }
    this.cookielessKeys = AUTHJS_SALTS.stream().map(authJsKeys::get).toList();
  }

  private AuthJsKey authJsKeyFor(String salt) {
    SecretKey key = SessionKeys.authJsKey(secret, salt);
    return new AuthJsKey(salt, key, SessionKeys.thumbprint(key));
  }

  /** The claims of a session token, or {@link TokenVerifier.InvalidToken}. */
  JsonNode decrypt(String token, String cookieName) {
    int d1 = token.indexOf('.');
    int d2 = token.indexOf('.', d1 + 1);
    int d3 = token.indexOf('.', d2 + 1);
    int d4 = token.indexOf('.', d3 + 1);
    if (d1 < 0 || d2 < 0 || d3 < 0 || d4 < 0 || token.indexOf('.', d4 + 1) >= 0) {
      throw new TokenVerifier.InvalidToken("a JWE has five parts");
    }
    String protectedHeader = token.substring(0, d1);
    JsonNode header = jsonObject(TokenVerifier.base64Url(protectedHeader), "JWE header");
    if (!"dir".equals(header.path("alg").textValue())) {
      throw new TokenVerifier.InvalidToken("JWE alg not accepted: " + header.path("alg"));
    }
    if (header.has("crit")) { // jose knows no critical JWE header parameter
      throw new TokenVerifier.InvalidToken("JWE crit not supported");
    }
    if (header.has("zip")) { // NextAuth and Auth.js never compress
      throw new TokenVerifier.InvalidToken("JWE zip not accepted");
    }
    if (d2 != d1 + 1) {
      throw new TokenVerifier.InvalidToken("a dir JWE has no encrypted key");
    }
    byte[] iv = TokenVerifier.base64Url(token.substring(d2 + 1, d3));
    byte[] ciphertext = TokenVerifier.base64Url(token.substring(d3 + 1, d4));
    byte[] tag = TokenVerifier.base64Url(token.substring(d4 + 1));
    byte[] aad = protectedHeader.getBytes(StandardCharsets.US_ASCII);
    String enc = header.path("enc").asText("");
    byte[] plaintext =
        switch (enc) {
          case "A256GCM" -> decrypt(Jwts.ENC.A256GCM, nextAuthKey, iv, ciphertext, tag, aad);
          case "A256CBC-HS512" ->
              decryptAuthJs(header.get("kid"), cookieName, iv, ciphertext, tag, aad);
          default -> throw new TokenVerifier.InvalidToken("JWE enc not accepted: " + enc);
        };
    JsonNode claims = jsonObject(plaintext, "JWT claims set");
    JsonNode iat = claims.get("iat");
    if (iat != null && !iat.isNumber()) { // jose's jwtDecrypt refuses it
      throw new TokenVerifier.InvalidToken("iat must be a number");
    }
    return claims;
  }

  private byte[] decryptAuthJs(
      JsonNode kid, String cookieName, byte[] iv, byte[] ciphertext, byte[] tag, byte[] aad) {
    List<AuthJsKey> candidates;
    if (cookieName == null) {
      candidates = cookielessKeys;
    } else {
      AuthJsKey known = authJsKeys.get(cookieName);
      candidates = List.of(known != null ? known : authJsKeyFor(cookieName));
    }
    TokenVerifier.InvalidToken failure =
        new TokenVerifier.InvalidToken("no Auth.js key matches the JWE kid");
    for (AuthJsKey candidate : candidates) {
      if (kid != null && !candidate.thumbprint().equals(kid.textValue())) {
        continue;
      }
      try {
        return decrypt(Jwts.ENC.A256CBC_HS512, candidate.key(), iv, ciphertext, tag, aad);
      } catch (TokenVerifier.InvalidToken e) {
        failure = e;
      }
    }
    throw failure;
  }

  private static byte[] decrypt(
      AeadAlgorithm enc, SecretKey key, byte[] iv, byte[] ciphertext, byte[] tag, byte[] aad) {
    ByteArrayOutputStream plaintext = new ByteArrayOutputStream(ciphertext.length);
    try {
      enc.decrypt(new Decryption(key, iv, ciphertext, tag, aad), plaintext);
    } catch (
        RuntimeException e) { // jjwt's SecurityException, or its argument checks (IV or tag length)
      throw new TokenVerifier.InvalidToken("JWE decryption failed (" + enc.getId() + ")");
    }
    return plaintext.toByteArray();
  }

  private static JsonNode jsonObject(byte[] utf8, String what) {
    try {
      JsonNode node = Json.read(new String(utf8, StandardCharsets.UTF_8));
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (ProtocolException e) {
      // not JSON
    }
    throw new TokenVerifier.InvalidToken(what + " is not a JSON object");
  }

  /** One jjwt AEAD decryption: the content encryption key, IV, ciphertext, tag and AAD. */
  private record Decryption(SecretKey key, byte[] iv, byte[] ciphertext, byte[] tag, byte[] aad)
      implements DecryptAeadRequest {
    @Override
    public SecretKey getKey() {
      return key;
    }

    @Override
    public InputStream getPayload() {
      return new ByteArrayInputStream(ciphertext);
    }

    @Override
    public InputStream getAssociatedData() {
      return new ByteArrayInputStream(aad);
    }

    @Override
    public byte[] getIv() {
      return iv;
    }

    @Override
    public byte[] getDigest() {
      return tag;
    }

    @Override
    public Provider getProvider() {
      return null;
    }

    @Override
    public SecureRandom getSecureRandom() {
      return null;
    }
  }
}
