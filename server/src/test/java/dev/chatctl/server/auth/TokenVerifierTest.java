package dev.chatctl.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.chatctl.protocol.auth.TokenMinter;
import dev.chatctl.protocol.chat.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JWS path of {@link TokenVerifier} and the claim rules shared by every kind of token. */
class TokenVerifierTest {
  private static final String SECRET = "a-secret-of-forty-four-characters-0123456789";
  private static final long NOW = 1_700_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final TokenVerifier verifier = new TokenVerifier(SECRET, CLOCK);

  static String b64(String text) {
    return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A JWS of any header and payload, signed with HMAC of the JCA algorithm given. */
  static String jws(String headerJson, String payloadJson, String secret, String jcaAlgorithm) {
    String input = b64(headerJson) + "." + b64(payloadJson);
    try {
      Mac mac = Mac.getInstance(jcaAlgorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), jcaAlgorithm));
      return input
          + "."
          + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String hs256(String payloadJson, String secret) {
    return jws("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payloadJson, secret, "HmacSHA256");
  }

  private AuthResult verify(String token) {
    return verifier.verify(new FoundToken(token, null));
  }

  private static Identity valid(AuthResult result) {
    return assertInstanceOf(AuthResult.Valid.class, result, () -> "expected Valid, got " + result)
        .identity();
  }

  private static void refused(ErrorCode code, AuthResult result) {
    assertEquals(
        code, assertInstanceOf(AuthResult.Refused.class, result, () -> "expected " + code).code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512"})
  void acceptsHmacAlgorithmsWithTheSecretBytes(String alg) {
    String token =
        jws(
            "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}",
            "{\"sub\":\"u1\",\"name\":\"Ann\",\"email\":\"ann@example.com\",\"picture\":\"https://p/ann.png\",\"exp\":"
                + (NOW + 60)
                + "}",
            SECRET,
            "HmacSHA" + alg.substring(2));
    assertEquals(
        new Identity("u1", "Ann", "ann@example.com", "https://p/ann.png", NOW + 60),
        valid(verify(token)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512"})
  void acceptsAShortSecretAsJsonwebtokenDoes(String alg) {
    TokenVerifier shortSecret = new TokenVerifier("change-me", CLOCK);
    String token =
        jws(
            "{\"alg\":\"" + alg + "\"}",
            "{\"sub\":\"u1\"}",
            "change-me",
            "HmacSHA" + alg.substring(2));
    assertEquals("u1", valid(shortSecret.verify(new FoundToken(token, null))).userId());
    // ... and the short secret is still checked
    refused(
        ErrorCode.TOKEN_INVALID,
        shortSecret.verify(
            new FoundToken(
                jws(
                    "{\"alg\":\"" + alg + "\"}",
                    "{\"sub\":\"u1\"}",
                    "change-me!",
                    "HmacSHA" + alg.substring(2)),
                null)));
  }

  @Test
  void tokensOfTheIssuerAreAccepted() {
    String token =
        new TokenMinter(SECRET, CLOCK).issue("u9", "Nine", null, null, Duration.ofMinutes(5));
    assertEquals(new Identity("u9", "Nine", null, null, NOW + 300), valid(verify(token)));
    assertEquals(
        new Identity("u9", null, null, null, null),
        valid(verify(new TokenMinter(SECRET, CLOCK).issue("u9", null, null, null, null))));
  }

  @Test
  void refusesABadSignature() {
    refused(ErrorCode.TOKEN_INVALID, verify(hs256("{\"sub\":\"u1\"}", SECRET + "x")));
    String good = hs256("{\"sub\":\"u1\"}", SECRET);
    String[] parts = good.split("\\.");
    // the payload changed under the signature
    refused(
        ErrorCode.TOKEN_INVALID, verify(parts[0] + "." + b64("{\"sub\":\"u2\"}") + "." + parts[2]));
    // the signature of HS256 under an HS512 header
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(b64("{\"alg\":\"HS512\"}") + "." + parts[1] + "." + parts[2]));
    // no signature at all
    refused(ErrorCode.TOKEN_INVALID, verify(parts[0] + "." + parts[1] + "."));
  }

  @Test
  void refusesAlgNoneAndOtherAlgorithms() {
    String payload = b64("{\"sub\":\"u1\"}");
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + "."));
    refused(ErrorCode.TOKEN_INVALID, verify(b64("{\"alg\":\"none\"}") + "." + payload + ".c2ln"));
    // RS256 header with a valid HMAC (algorithm confusion)
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(jws("{\"alg\":\"RS256\"}", "{\"sub\":\"u1\"}", SECRET, "HmacSHA256")));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(jws("{\"alg\":\"hs256\"}", "{\"sub\":\"u1\"}", SECRET, "HmacSHA256")));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(jws("{\"typ\":\"JWT\"}", "{\"sub\":\"u1\"}", SECRET, "HmacSHA256")));
  }

  @Test
  void refusesMalformedTokens() {
    refused(ErrorCode.TOKEN_INVALID, verify("abc"));
    refused(ErrorCode.TOKEN_INVALID, verify(""));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(b64("{\"alg\":\"HS256\"}") + "." + b64("{\"sub\":\"u1\"}")));
    refused(ErrorCode.TOKEN_INVALID, verify("a.b.c.d"));
    refused(ErrorCode.TOKEN_INVALID, verify("!!!.###.$$$"));
    refused(ErrorCode.TOKEN_INVALID, verify(b64("{\"alg\":\"HS256\"}") + ".e30.%%%"));
    // a header or payload that is not JSON, with a valid signature
    refused(
        ErrorCode.TOKEN_INVALID, verify(jws("not json", "{\"sub\":\"u1\"}", SECRET, "HmacSHA256")));
    refused(ErrorCode.TOKEN_INVALID, verify(hs256("not json", SECRET)));
    refused(ErrorCode.TOKEN_INVALID, verify(hs256("", SECRET)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,2]", "\"u1\"", "42", "null", "true"})
  void refusesClaimsThatAreNotAnObject(String payload) {
    refused(ErrorCode.TOKEN_INVALID, verify(hs256(payload, SECRET)));
  }

  @Test
  void expIsEnforcedWithFiveSecondsOfSkew() {
    refused(
        ErrorCode.TOKEN_EXPIRED,
        verify(hs256("{\"sub\":\"u1\",\"exp\":" + (NOW - 6) + "}", SECRET)));
    refused(
        ErrorCode.TOKEN_EXPIRED,
        verify(hs256("{\"sub\":\"u1\",\"exp\":" + (NOW - 3600) + "}", SECRET)));
    refused(
        ErrorCode.TOKEN_EXPIRED,
        verify(hs256("{\"sub\":\"u1\",\"exp\":" + (NOW - 5.5) + "}", SECRET)));
    assertEquals(
        NOW - 5,
        valid(verify(hs256("{\"sub\":\"u1\",\"exp\":" + (NOW - 5) + "}", SECRET))).expiresAt());
    assertEquals(
        NOW - 1,
        valid(verify(hs256("{\"sub\":\"u1\",\"exp\":" + (NOW - 1) + "}", SECRET))).expiresAt());
    // a fractional exp rounds up
    assertEquals(
        NOW + 11,
        valid(verify(hs256("{\"sub\":\"u1\",\"exp\":" + (NOW + 10.2) + "}", SECRET))).expiresAt());
  }

  @Test
  void nbfIsEnforcedWithFiveSecondsOfSkew() {
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(hs256("{\"sub\":\"u1\",\"nbf\":" + (NOW + 6) + "}", SECRET)));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(hs256("{\"sub\":\"u1\",\"nbf\":" + (NOW + 3600) + "}", SECRET)));
    assertEquals(
        "u1", valid(verify(hs256("{\"sub\":\"u1\",\"nbf\":" + (NOW + 5) + "}", SECRET))).userId());
    assertEquals(
        "u1", valid(verify(hs256("{\"sub\":\"u1\",\"nbf\":" + (NOW - 60) + "}", SECRET))).userId());
  }

  @Test
  void expAndNbfMustBeNumbers() {
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(hs256("{\"sub\":\"u1\",\"exp\":\"" + (NOW + 60) + "\"}", SECRET)));
    refused(ErrorCode.TOKEN_INVALID, verify(hs256("{\"sub\":\"u1\",\"nbf\":\"0\"}", SECRET)));
    assertEquals(null, valid(verify(hs256("{\"sub\":\"u1\",\"exp\":null}", SECRET))).expiresAt());
  }

  @Test
  void userIdComesFromSubElseIdElseUserId() {
    assertEquals(
        "s",
        valid(verify(hs256("{\"sub\":\"s\",\"id\":\"i\",\"userId\":\"u\"}", SECRET))).userId());
    assertEquals("i", valid(verify(hs256("{\"id\":\"i\",\"userId\":\"u\"}", SECRET))).userId());
    assertEquals("u", valid(verify(hs256("{\"userId\":\"u\"}", SECRET))).userId());
    assertEquals("42", valid(verify(hs256("{\"sub\":42}", SECRET))).userId());
    assertEquals(
        "12345678901234567890",
        valid(verify(hs256("{\"id\":12345678901234567890}", SECRET))).userId());
    // empty or non-string values are skipped
    assertEquals("i", valid(verify(hs256("{\"sub\":\"\",\"id\":\"i\"}", SECRET))).userId());
    assertEquals(
        "u", valid(verify(hs256("{\"sub\":null,\"id\":true,\"userId\":\"u\"}", SECRET))).userId());
  }

  @Test
  void noUserIdIsInvalid() {
    refused(ErrorCode.TOKEN_INVALID, verify(hs256("{\"name\":\"Ann\"}", SECRET)));
    refused(ErrorCode.TOKEN_INVALID, verify(hs256("{}", SECRET)));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(hs256("{\"sub\":\"\",\"id\":{},\"userId\":[\"u\"]}", SECRET)));
  }

  @Test
  void displayClaimsMustBeStrings() {
    assertEquals(
        new Identity("u1", null, null, null, null),
        valid(verify(hs256("{\"sub\":\"u1\",\"name\":5,\"email\":{},\"picture\":null}", SECRET))));
  }

  @Test
  void noTokenIsMissing() {
    refused(ErrorCode.TOKEN_MISSING, verifier.verify(null));
  }
}
