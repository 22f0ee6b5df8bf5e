package dev.chatctl.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.chat.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the tokens the contract accepts, all keyed by the NEXTAUTH_SECRET: JWS signed HS256, HS384
 * or HS512 with the secret's UTF-8 bytes (what {@code chatctl token} and {@code jsonwebtoken.sign}
 * make), and NextAuth v4 / Auth.js v5 session tokens (JWE, see {@link SessionTokens}). {@code exp}
 * and {@code nbf} are enforced with {@link #CLOCK_SKEW_SECONDS} of skew.
 *
 * <p>The JWS check is written here rather than taken from jjwt, because jjwt refuses HMAC keys
 * shorter than the hash (RFC 7518 3.2): a 44-character NEXTAUTH_SECRET could not check HS512, nor a
 * short development secret anything, while jsonwebtoken and NextAuth accept any secret.
 */
public final class TokenVerifier {

  /** Tolerance on exp and nbf, in seconds. */
  public static final long CLOCK_SKEW_SECONDS = 5;

  private final byte[] secret;
  private final SessionTokens sessionTokens;
  private final Clock clock;

  public TokenVerifier(String secret, Clock clock) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.sessionTokens = new SessionTokens(secret);
    this.clock = clock;
  }

  public TokenVerifier(String secret) {
    this(secret, Clock.systemUTC());
  }

  /** Checks a found token; null (no token anywhere) is TOKEN_MISSING. */
  public AuthResult verify(FoundToken found) {
    if (found == null) {
      return new AuthResult.Refused(ErrorCode.TOKEN_MISSING, "no token");
    }
    String token = found.token();
    int dots = count(token, '.');
    JsonNode claims;
    try {
      if (dots == 2) {
        claims = verifySigned(token);
      } else if (dots == 4) {
        claims = sessionTokens.decrypt(token, found.cookieName());
      } else {
        return AuthResult.Refused.invalid("malformed token");
      }
    } catch (InvalidToken e) {
      return AuthResult.Refused.invalid(e.getMessage());
    }
    return checkClaims(claims);
  }

  /** The claims of a JWS whose HMAC signature checks out. */
  private JsonNode verifySigned(String token) {
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    JsonNode header = jsonPart(token.substring(0, first));
    String algorithm =
        switch (header.path("alg").asText("")) {
          case "HS256" -> "HmacSHA256";
          case "HS384" -> "HmacSHA384";
          case "HS512" -> "HmacSHA512";
          default ->
              throw new InvalidToken(
                  "algorithm not accepted: " + header.path("alg").asText("none"));
        };
    byte[] signature = base64Url(token.substring(second + 1));
    byte[] expected;
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, algorithm));
      expected = mac.doFinal(token.substring(0, second).getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    if (!MessageDigest.isEqual(expected, signature)) {
      throw new InvalidToken("bad signature");
    }
    return jsonPart(token.substring(first + 1, second));
  }

  /** exp, nbf and the user id, the same for every kind of token. */
  AuthResult checkClaims(JsonNode claims) {
    if (claims == null || !claims.isObject()) {
      return AuthResult.Refused.invalid("claims are not an object");
    }
    double now = clock.millis() / 1000.0;
    JsonNode exp = claims.get("exp");
    JsonNode nbf = claims.get("nbf");
    if ((exp != null && !exp.isNull() && !exp.isNumber())
        || (nbf != null && !nbf.isNull() && !nbf.isNumber())) {
      return AuthResult.Refused.invalid("exp and nbf must be numbers");
    }
    if (exp != null && exp.isNumber() && now > exp.doubleValue() + CLOCK_SKEW_SECONDS) {
      return new AuthResult.Refused(ErrorCode.TOKEN_EXPIRED, "expired");
    }
    if (nbf != null && nbf.isNumber() && now < nbf.doubleValue() - CLOCK_SKEW_SECONDS) {
      return AuthResult.Refused.invalid("not valid yet");
    }
    String userId = userId(claims);
    if (userId == null) {
      return AuthResult.Refused.invalid("no user id (sub, id or userId)");
    }
    Long expiresAt = exp != null && exp.isNumber() ? (long) Math.ceil(exp.doubleValue()) : null;
    return new AuthResult.Valid(
        new Identity(
            userId,
            text(claims, "name"),
            text(claims, "email"),
            text(claims, "picture"),
            expiresAt));
  }

  /** {@code sub}, else {@code id}, else {@code userId}: a non-empty string or a number. */
  private static String userId(JsonNode claims) {
    for (String field : new String[] {"sub", "id", "userId"}) {
      JsonNode value = claims.get(field);
      if (value == null) {
        continue;
      }
      if (value.isTextual() && !value.textValue().isEmpty()) {
        return value.textValue();
      }
      if (value.isNumber()) {
        return value.isIntegralNumber() ? value.bigIntegerValue().toString() : value.asText();
      }
    }
    return null;
  }

  private static String text(JsonNode claims, String field) {
    JsonNode value = claims.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static JsonNode jsonPart(String part) {
    try {
      JsonNode node = Json.read(new String(base64Url(part), StandardCharsets.UTF_8));
      if (!node.isObject()) {
        throw new InvalidToken("token part is not a JSON object");
      }
      return node;
    } catch (ProtocolException e) {
      throw new InvalidToken("token part is not JSON");
    }
  }

  static byte[] base64Url(String part) {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new InvalidToken("bad base64url");
    }
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  /** A token that is not one of ours; becomes TOKEN_INVALID. */
  static final class InvalidToken extends RuntimeException {
    InvalidToken(String message) {
      super(message, null, false, false);
    }
  }
}
