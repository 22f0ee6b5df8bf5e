package dev.chatctl.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.auth.SessionKeys;
import dev.chatctl.protocol.auth.TokenMinter;
import dev.chatctl.protocol.chat.ErrorCode;
import dev.chatctl.server.testing.NodeScript;
import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NextAuth v4 and Auth.js v5 session tokens, against fixtures minted by the real npm packages
 * ({@code encode} of next-auth/jwt and of @auth/core/jwt, run by {@code mint-session-tokens.mjs}),
 * and the tokens of {@link TokenMinter} against their {@code decode}.
 */
class SessionTokensTest {
  private static final String SECRET = "test-secret-for-session-tokens-0123456789";
  private static final String NEXTAUTH_COOKIE = "next-auth.session-token";
  private static final String NEXTAUTH_SECURE_COOKIE = "__Secure-next-auth.session-token";
  private static final String AUTHJS_COOKIE = "authjs.session-token";
  private static final String AUTHJS_SECURE_COOKIE = "__Secure-authjs.session-token";
  private static final List<String> AUTHJS_COOKIES = List.of(AUTHJS_COOKIE, AUTHJS_SECURE_COOKIE);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private static JsonNode fixtures;
  private static long now;
  private static TokenVerifier verifier;

  @BeforeAll
  static void mintFixtures() throws Exception {
    NodeScript.Result result = NodeScript.run("mint-session-tokens.mjs", 60, "--secret", SECRET);
    assertTrue(result.ok(), result::toString);
    fixtures = Json.read(result.stdout().trim());
    now = fixtures.get("now").longValue();
    // the clock of the verifier is the minting time: no test depends on how long the build takes
    verifier = new TokenVerifier(SECRET, Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
  }

  private static String nextAuth(String name) {
    return fixtures.get("nextauth").get(name).textValue();
  }

  private static String authJs(String cookie, String name) {
    return fixtures.get("authjs").get(cookie).get(name).textValue();
  }

  private static AuthResult verify(String token, String cookieName) {
    return verifier.verify(new FoundToken(token, cookieName));
  }

  private static Identity valid(AuthResult result) {
    return assertInstanceOf(AuthResult.Valid.class, result, () -> "expected Valid, got " + result)
        .identity();
  }

  private static void refused(ErrorCode code, AuthResult result) {
    AuthResult.Refused refused =
        assertInstanceOf(
            AuthResult.Refused.class, result, () -> "expected " + code + ", got " + result);
    assertEquals(code, refused.code(), refused::toString);
  }

  private static Identity expectedValid(JsonNode claims) {
    return new Identity(
        "user-1",
        "Zo\u00eb Example",
        "zoe@example.com",
        "https://example.com/zoe.png",
        claims.get("exp").longValue());
  }

  private static List<String> cookiesAndNone() {
    List<String> names = new ArrayList<>(TokenSources.SESSION_COOKIES);
    names.add(0, null);
    return names;
  }

  // ------------------------------------------------------------------ fixtures of the real
  // packages

  @Test
  void fixturesHaveTheHeadersOfThePackages() {
    assertEquals(Json.read("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}"), header(nextAuth("valid")));
    for (String cookie : AUTHJS_COOKIES) {
      JsonNode header = header(authJs(cookie, "valid"));
      assertEquals("dir", header.get("alg").textValue());
      assertEquals("A256CBC-HS512", header.get("enc").textValue());
      assertEquals(
          SessionKeys.thumbprint(SessionKeys.authJsKey(SECRET, cookie)),
          header.get("kid").textValue());
      assertEquals(3, header.size());
    }
  }

  @Test
  void validNextAuthTokenFromAnySource() {
    Identity expected = expectedValid(fixtures.get("claims").get("nextauth"));
    assertEquals(now + 3600, expected.expiresAt());
    // A256GCM is NextAuth's whatever holds it: the payload, header, query (null) or any cookie
    for (String cookie : cookiesAndNone()) {
      assertEquals(expected, valid(verify(nextAuth("valid"), cookie)), "from " + cookie);
    }
  }

  @Test
  void validAuthJsTokenFromThePayloadOrItsOwnCookie() {
    for (String cookie : AUTHJS_COOKIES) {
      Identity expected = expectedValid(fixtures.get("claims").get("authjs").get(cookie));
      assertEquals(
          expected,
          valid(verify(authJs(cookie, "valid"), null)),
          "salt " + cookie + " without a cookie");
      assertEquals(
          expected,
          valid(verify(authJs(cookie, "valid"), cookie)),
          "salt " + cookie + " from its cookie");
    }
  }

  @Test
  void authJsTokenUnderAnotherCookieNameIsInvalid() {
    refused(ErrorCode.TOKEN_INVALID, verify(authJs(AUTHJS_COOKIE, "valid"), AUTHJS_SECURE_COOKIE));
    refused(ErrorCode.TOKEN_INVALID, verify(authJs(AUTHJS_SECURE_COOKIE, "valid"), AUTHJS_COOKIE));
    refused(ErrorCode.TOKEN_INVALID, verify(authJs(AUTHJS_COOKIE, "valid"), NEXTAUTH_COOKIE));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(authJs(AUTHJS_SECURE_COOKIE, "valid"), NEXTAUTH_SECURE_COOKIE));
  }

  @Test
  void expiredTokensAreExpired() {
    for (String cookie : new String[] {null, NEXTAUTH_COOKIE, AUTHJS_COOKIE}) {
      refused(ErrorCode.TOKEN_EXPIRED, verify(nextAuth("expired"), cookie));
    }
    for (String cookie : AUTHJS_COOKIES) {
      refused(ErrorCode.TOKEN_EXPIRED, verify(authJs(cookie, "expired"), null));
      refused(ErrorCode.TOKEN_EXPIRED, verify(authJs(cookie, "expired"), cookie));
    }
  }

  @Test
  void expiredTokensAreStillExpiredOnlyAfterTheSkew() {
    // the same tokens, checked 60 s earlier (at their exp) and 64 s earlier: within the 5 s skew
    for (long back : new long[] {60, 56}) {
      TokenVerifier earlier =
          new TokenVerifier(SECRET, Clock.fixed(Instant.ofEpochSecond(now - back), ZoneOffset.UTC));
      assertEquals(
          "user-expired",
          valid(earlier.verify(new FoundToken(nextAuth("expired"), null))).userId());
      assertEquals(
          "user-expired",
          valid(earlier.verify(new FoundToken(authJs(AUTHJS_COOKIE, "expired"), AUTHJS_COOKIE)))
              .userId());
    }
    TokenVerifier beyond =
        new TokenVerifier(SECRET, Clock.fixed(Instant.ofEpochSecond(now - 54), ZoneOffset.UTC));
    refused(ErrorCode.TOKEN_EXPIRED, beyond.verify(new FoundToken(nextAuth("expired"), null)));
  }

  @Test
  void notYetValidTokensAreInvalid() {
    refused(ErrorCode.TOKEN_INVALID, verify(nextAuth("notYetValid"), null));
    for (String cookie : AUTHJS_COOKIES) {
      refused(ErrorCode.TOKEN_INVALID, verify(authJs(cookie, "notYetValid"), null));
      refused(ErrorCode.TOKEN_INVALID, verify(authJs(cookie, "notYetValid"), cookie));
    }
    // 56 s later the nbf is within the skew
    TokenVerifier later =
        new TokenVerifier(SECRET, Clock.fixed(Instant.ofEpochSecond(now + 56), ZoneOffset.UTC));
    assertEquals(
        "user-early", valid(later.verify(new FoundToken(nextAuth("notYetValid"), null))).userId());
  }

  @Test
  void tokensOfAnotherSecretAreInvalid() {
    refused(ErrorCode.TOKEN_INVALID, verify(nextAuth("wrongSecret"), null));
    refused(ErrorCode.TOKEN_INVALID, verify(nextAuth("wrongSecret"), NEXTAUTH_COOKIE));
    for (String cookie : AUTHJS_COOKIES) {
      refused(ErrorCode.TOKEN_INVALID, verify(authJs(cookie, "wrongSecret"), null));
      refused(ErrorCode.TOKEN_INVALID, verify(authJs(cookie, "wrongSecret"), cookie));
    }
    // and the valid ones under another secret
    TokenVerifier other =
        new TokenVerifier(
            SECRET + "-but-another", Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
    refused(ErrorCode.TOKEN_INVALID, other.verify(new FoundToken(nextAuth("valid"), null)));
    refused(
        ErrorCode.TOKEN_INVALID,
        other.verify(new FoundToken(authJs(AUTHJS_COOKIE, "valid"), null)));
    // the wrong-secret tokens are fine under their own secret: only the secret is wrong
    assertEquals(
        "user-other", valid(other.verify(new FoundToken(nextAuth("wrongSecret"), null))).userId());
    assertEquals(
        "user-other",
        valid(other.verify(new FoundToken(authJs(AUTHJS_SECURE_COOKIE, "wrongSecret"), null)))
            .userId());
  }

  @Test
  void tokensWithoutUserIdAreInvalid() {
    refused(ErrorCode.TOKEN_INVALID, verify(nextAuth("noUserId"), null));
    for (String cookie : AUTHJS_COOKIES) {
      refused(ErrorCode.TOKEN_INVALID, verify(authJs(cookie, "noUserId"), cookie));
    }
  }

  @Test
  void userIdFromSubIdOrUserId() {
    for (String claim : new String[] {"sub", "id", "userId"}) {
      String expected = "user-" + claim;
      assertEquals(expected, valid(verify(nextAuth(claim), null)).userId());
      for (String cookie : AUTHJS_COOKIES) {
        assertEquals(expected, valid(verify(authJs(cookie, claim), null)).userId());
        assertEquals(expected, valid(verify(authJs(cookie, claim), cookie)).userId());
      }
    }
  }

  // ------------------------------------------------------------------ tampering

  @Test
  void tamperedCiphertextIvOrTagIsInvalid() {
    for (String token : List.of(nextAuth("valid"), authJs(AUTHJS_COOKIE, "valid"))) {
      for (int part = 2; part <= 4; part++) {
        refused(ErrorCode.TOKEN_INVALID, verify(tamper(token, part), null));
        refused(ErrorCode.TOKEN_INVALID, verify(tamper(token, part), AUTHJS_COOKIE));
      }
      // a truncated tag, an empty iv or tag
      String[] parts = token.split("\\.", -1);
      refused(ErrorCode.TOKEN_INVALID, verify(with(parts, 4, parts[4].substring(0, 16)), null));
      refused(ErrorCode.TOKEN_INVALID, verify(with(parts, 2, ""), null));
      refused(ErrorCode.TOKEN_INVALID, verify(with(parts, 4, ""), null));
      refused(ErrorCode.TOKEN_INVALID, verify(with(parts, 3, ""), null));
      // bad base64url
      refused(ErrorCode.TOKEN_INVALID, verify(with(parts, 3, "*" + parts[3]), null));
    }
  }

  @Test
  void tamperedProtectedHeaderIsInvalid() {
    String[] gcm = nextAuth("valid").split("\\.", -1);
    // the same alg and enc, written differently: the header is the AAD
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(with(gcm, 0, b64("{\"enc\":\"A256GCM\",\"alg\":\"dir\"}")), null));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(with(gcm, 0, b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"x\":1}")), null));
    refused(ErrorCode.TOKEN_INVALID, verify(tamper(nextAuth("valid"), 0), null));
    String[] cbc = authJs(AUTHJS_COOKIE, "valid").split("\\.", -1);
    JsonNode header = header(authJs(AUTHJS_COOKIE, "valid"));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(
            with(
                cbc,
                0,
                b64(
                    "{\"alg\":\"dir\",\"enc\":\"A256CBC-HS512\",\"kid\":\""
                        + header.get("kid").textValue()
                        + "\",\"x\":1}")),
            null));
    // without the kid
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(with(cbc, 0, b64("{\"alg\":\"dir\",\"enc\":\"A256CBC-HS512\"}")), null));
    // enc swapped
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(with(cbc, 0, b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}")), null));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(with(gcm, 0, b64("{\"alg\":\"dir\",\"enc\":\"A256CBC-HS512\"}")), null));
  }

  @Test
  void algNoneAndOtherAlgorithmsAreInvalid() {
    String[] gcm = nextAuth("valid").split("\\.", -1);
    for (String header :
        List.of(
            "{\"alg\":\"none\",\"enc\":\"A256GCM\"}",
            "{\"alg\":\"none\"}",
            "{\"enc\":\"A256GCM\"}",
            "{\"alg\":\"A256KW\",\"enc\":\"A256GCM\"}",
            "{\"alg\":\"DIR\",\"enc\":\"A256GCM\"}",
            "{\"alg\":\"dir\",\"enc\":\"A128GCM\"}",
            "{\"alg\":\"dir\",\"enc\":\"A128CBC-HS256\"}",
            "{\"alg\":\"dir\",\"enc\":\"XC20P\"}",
            "{\"alg\":\"dir\"}",
            "{\"alg\":\"dir\",\"enc\":null}",
            "[\"dir\",\"A256GCM\"]",
            "not json")) {
      refused(ErrorCode.TOKEN_INVALID, verify(with(gcm, 0, b64(header)), null));
    }
    // an encrypted key is no part of a dir JWE
    refused(ErrorCode.TOKEN_INVALID, verify(with(gcm, 1, "AAAA"), null));
    // four or six parts
    refused(ErrorCode.TOKEN_INVALID, verify(nextAuth("valid") + ".AAAA", null));
    refused(ErrorCode.TOKEN_INVALID, verify(String.join(".", Arrays.copyOf(gcm, 4)), null));
  }

  // ------------------------------------------------------------------ tokens made with jjwt

  @Test
  void claimsAreKeptAsTheyAreNotTypedByJjwt() {
    SecretKey key = SessionKeys.nextAuthKey(SECRET);
    // a numeric sub is a user id (jjwt's JwtParser would refuse it)
    assertEquals(
        "42",
        valid(verify(encrypt(key, null, "{\"sub\":42,\"exp\":" + (now + 60) + "}"), null))
            .userId());
    // exp must be a number, as for JWS
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(encrypt(key, null, "{\"sub\":\"u\",\"exp\":\"" + (now + 60) + "\"}"), null));
    // a huge exp is far away, not expired
    assertEquals(
        "u", valid(verify(encrypt(key, null, "{\"sub\":\"u\",\"exp\":1e30}"), null)).userId());
    // iat must be a number (jose refuses it)
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(encrypt(key, null, "{\"sub\":\"u\",\"iat\":\"yesterday\"}"), null));
    // the claims must be a JSON object
    refused(ErrorCode.TOKEN_INVALID, verify(encrypt(key, null, "[\"u\"]"), null));
    refused(ErrorCode.TOKEN_INVALID, verify(encrypt(key, null, "u"), null));
    refused(ErrorCode.TOKEN_INVALID, verify(encrypt(key, null, " "), null));
  }

  @Test
  void authJsKidMustBeTheThumbprintWhenPresent() {
    SecretKey key = SessionKeys.authJsKey(SECRET, AUTHJS_SECURE_COOKIE);
    String claims = "{\"sub\":\"u\"}";
    assertEquals("u", valid(verify(encrypt(key, null, claims), null)).userId());
    assertEquals("u", valid(verify(encrypt(key, null, claims), AUTHJS_SECURE_COOKIE)).userId());
    assertEquals(
        "u", valid(verify(encrypt(key, SessionKeys.thumbprint(key), claims), null)).userId());
    refused(ErrorCode.TOKEN_INVALID, verify(encrypt(key, "some-other-kid", claims), null));
    refused(
        ErrorCode.TOKEN_INVALID,
        verify(encrypt(key, "some-other-kid", claims), AUTHJS_SECURE_COOKIE));
  }

  @Test
  void compressedOrCriticalHeadersAreInvalid() {
    SecretKey key = SessionKeys.nextAuthKey(SECRET);
    String zipped =
        Jwts.builder()
            .claim("sub", "u")
            .compressWith(Jwts.ZIP.DEF)
            .encryptWith(key, Jwts.ENC.A256GCM)
            .compact();
    assertEquals("DEF", header(zipped).get("zip").textValue());
    refused(ErrorCode.TOKEN_INVALID, verify(zipped, null));
    String critical =
        Jwts.builder()
            .header()
            .add("x", 1)
            .critical()
            .add("x")
            .and()
            .and()
            .claim("sub", "u")
            .encryptWith(key, Jwts.ENC.A256GCM)
            .compact();
    assertTrue(header(critical).has("crit"));
    refused(ErrorCode.TOKEN_INVALID, verify(critical, null));
  }

  @Test
  void derivedKeysAreThoseOfPanvaHkdfForAUtf8Secret() {
    // computed with @panva/hkdf, which next-auth and @auth/core use
    String secret = "s\u00e9cret-\u20ac-\uD83D\uDD11";
    HexFormat hex = HexFormat.of();
    assertEquals(
        "b9f2b1c44826efcc9f9de5c71314806e45d42b781f94ab4f6b0212f959cab951",
        hex.formatHex(SessionKeys.nextAuthKey(secret).getEncoded()));
    assertEquals(
        "dda831010f60b3a3c08f6f1fb4722beccd2473aacb7d792b61c8e62f6c6f0a57"
            + "1bb34df77ee291bed3859c2420f66aeaea2b6d348619c4d5c71fc50176fa30ea",
        hex.formatHex(SessionKeys.authJsKey(secret, AUTHJS_SECURE_COOKIE).getEncoded()));
  }

  // ------------------------------------------------------------------ TokenMinter against the
  // packages

  @Test
  void issuedNextAuthTokensAreDecodedByNextAuth() throws Exception {
    TokenMinter issuer = new TokenMinter(SECRET);
    String token =
        issuer.issueNextAuth(
            "user-7",
            "Seven",
            "seven@example.com",
            "https://example.com/7.png",
            Duration.ofHours(2));
    assertEquals(Json.read("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}"), header(token));
    JsonNode claims = decodeWithNode("--decode-nextauth", token);
    assertEquals("user-7", claims.get("sub").textValue());
    assertEquals("Seven", claims.get("name").textValue());
    assertEquals("seven@example.com", claims.get("email").textValue());
    assertEquals("https://example.com/7.png", claims.get("picture").textValue());
    assertEquals(7200, claims.get("exp").longValue() - claims.get("iat").longValue());
    assertEquals(36, claims.get("jti").textValue().length());
    assertEquals(
        List.of("name", "email", "picture", "sub", "iat", "exp", "jti"), fieldNames(claims));
    Identity identity = valid(new TokenVerifier(SECRET).verify(new FoundToken(token, null)));
    assertEquals(
        new Identity(
            "user-7",
            "Seven",
            "seven@example.com",
            "https://example.com/7.png",
            claims.get("exp").longValue()),
        identity);
  }

  @Test
  void issuedAuthJsTokensAreDecodedByAuthJs() throws Exception {
    TokenMinter issuer = new TokenMinter(SECRET);
    for (String cookie : AUTHJS_COOKIES) {
      String token = issuer.issueAuthJs("user-8", "Eight", null, null, null, cookie);
      JsonNode header = header(token);
      assertEquals("A256CBC-HS512", header.get("enc").textValue());
      assertEquals("dir", header.get("alg").textValue());
      // the kid @auth/core computes for the same key
      assertEquals(header(authJs(cookie, "valid")).get("kid"), header.get("kid"));
      JsonNode claims = decodeWithNode("--decode-authjs", token, "--salt", cookie);
      assertEquals("user-8", claims.get("sub").textValue());
      assertEquals("Eight", claims.get("name").textValue());
      assertFalse(claims.has("email"));
      assertEquals(
          TokenMinter.DEFAULT_SESSION_MAX_AGE.toSeconds(),
          claims.get("exp").longValue() - claims.get("iat").longValue());
      assertEquals(
          "user-8",
          valid(new TokenVerifier(SECRET).verify(new FoundToken(token, cookie))).userId());
      assertEquals(
          "user-8", valid(new TokenVerifier(SECRET).verify(new FoundToken(token, null))).userId());
    }
    // the salt is the cookie name: the other name's decode fails
    String token =
        issuer.issueAuthJs("user-8", null, null, null, Duration.ofMinutes(5), AUTHJS_COOKIE);
    NodeScript.Result wrongSalt =
        NodeScript.run(
            "mint-session-tokens.mjs",
            60,
            "--secret",
            SECRET,
            "--decode-authjs",
            token,
            "--salt",
            AUTHJS_SECURE_COOKIE);
    assertEquals(2, wrongSalt.exitCode(), wrongSalt::toString);
  }

  @Test
  void issuedTokensOfAnotherSecretAreRefusedByThePackages() throws Exception {
    TokenMinter other = new TokenMinter(SECRET + "-other");
    NodeScript.Result result =
        NodeScript.run(
            "mint-session-tokens.mjs",
            60,
            "--secret",
            SECRET,
            "--decode-nextauth",
            other.issueNextAuth("u", null, null, null, Duration.ofMinutes(5)));
    assertEquals(2, result.exitCode(), result::toString);
    // an expired one: next-auth says expired, and so do we
    String expired =
        new TokenMinter(SECRET).issueNextAuth("u", null, null, null, Duration.ofSeconds(-60));
    NodeScript.Result decoded =
        NodeScript.run(
            "mint-session-tokens.mjs", 60, "--secret", SECRET, "--decode-nextauth", expired);
    assertEquals(2, decoded.exitCode(), decoded::toString);
    assertEquals("ERR_JWT_EXPIRED", Json.read(decoded.stdout().trim()).get("code").textValue());
    refused(
        ErrorCode.TOKEN_EXPIRED, new TokenVerifier(SECRET).verify(new FoundToken(expired, null)));
  }

  // ------------------------------------------------------------------ helpers

  private static JsonNode decodeWithNode(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--secret", SECRET));
    all.addAll(List.of(args));
    NodeScript.Result result =
        NodeScript.run("mint-session-tokens.mjs", 60, all.toArray(String[]::new));
    assertTrue(result.ok(), result::toString);
    return Json.read(result.stdout().trim());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String encrypt(SecretKey key, String kid, String claimsJson) {
    return Jwts.builder()
        .header()
        .keyId(kid)
        .and()
        .content(claimsJson.getBytes(StandardCharsets.UTF_8))
        .encryptWith(key, key.getEncoded().length == 32 ? Jwts.ENC.A256GCM : Jwts.ENC.A256CBC_HS512)
        .compact();
  }

  private static JsonNode header(String token) {
    return Json.read(
        new String(
            Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
            StandardCharsets.UTF_8));
  }

  private static String b64(String text) {
    return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The token with one part replaced. */
  private static String with(String[] parts, int index, String part) {
    String[] copy = parts.clone();
    copy[index] = part;
    return String.join(".", copy);
  }

  /**
   * The token with one base64url character in the middle of a part changed (all 6 bits are data).
   */
  private static String tamper(String token, int index) {
    String[] parts = token.split("\\.", -1);
    char[] chars = parts[index].toCharArray();
    int mid = chars.length / 2;
    chars[mid] = chars[mid] == 'A' ? 'B' : 'A';
    String tampered = with(parts, index, new String(chars));
    assertNotEquals(token, tampered);
    return tampered;
  }
}
