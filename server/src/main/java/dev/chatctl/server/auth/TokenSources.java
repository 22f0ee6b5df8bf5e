package dev.chatctl.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.auth.SessionKeys;
import dev.chatctl.server.http.HandshakeRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the token of a connection, first found wins (PROTOCOL.md, Authentication): the CONNECT auth
 * payload's {@code token}; the handshake's {@code Authorization: Bearer} header; its {@code token}
 * query parameter; a NextAuth / Auth.js session cookie, whole or chunked ({@code NAME.0}, {@code
 * NAME.1}, ... joined in numeric order).
 */
public final class TokenSources {

  /** Session cookie names, in the order they are looked for. */
  public static final List<String> SESSION_COOKIES =
      List.of(
          "next-auth.session-token",
          "__Secure-next-auth.session-token",
          SessionKeys.AUTHJS_COOKIE,
          SessionKeys.AUTHJS_SECURE_COOKIE);

  private static final Pattern BEARER =
      Pattern.compile("^Bearer\\s+(\\S+)", Pattern.CASE_INSENSITIVE);

  private TokenSources() {}

  /**
   * The token of a connection, or null when no source holds one. A non-string {@code token} in the
   * auth payload counts as found (and is then refused as invalid): {@code ""} for it.
   */
  public static FoundToken find(HandshakeRequest request, JsonNode auth) {
    JsonNode payloadToken = auth == null ? null : auth.get("token");
    if (payloadToken != null && !payloadToken.isNull()) {
      if (!payloadToken.isTextual()) {
        return new FoundToken("", null);
      }
      if (!payloadToken.textValue().isEmpty()) {
        return new FoundToken(payloadToken.textValue(), null);
      }
    }
    String authorization = request.header("authorization");
    if (authorization != null) {
      Matcher bearer = BEARER.matcher(authorization);
      if (bearer.find()) {
        return new FoundToken(bearer.group(1), null);
      }
    }
    String query = request.queryParameter("token");
    if (query != null && !query.isEmpty()) {
      return new FoundToken(query, null);
    }
    String cookieHeader = request.header("cookie");
    if (cookieHeader != null) {
      Map<String, String> cookies = parseCookies(cookieHeader);
      for (String name : SESSION_COOKIES) {
        String value = sessionCookie(cookies, name);
        if (value != null) {
          return new FoundToken(value, name);
        }
      }
    }
    return null;
  }

  /** A session cookie's value: the whole cookie, else its chunks joined in numeric order. */
  static String sessionCookie(Map<String, String> cookies, String name) {
    String whole = cookies.get(name);
    if (whole != null && !whole.isEmpty()) {
      return whole;
    }
    List<String> chunks = new ArrayList<>();
    for (int i = 0; ; i++) {
      String chunk = cookies.get(name + "." + i);
      if (chunk == null) {
        break;
      }
      chunks.add(chunk);
    }
    return chunks.isEmpty() ? null : String.join("", chunks);
  }

  /** Cookie header parsing as the {@code cookie} npm package does: first value of a name wins. */
  static Map<String, String> parseCookies(String header) {
    Map<String, String> cookies = new LinkedHashMap<>();
    for (String part : header.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      cookies.putIfAbsent(name, decode(value));
    }
    return cookies;
  }

  private static String decode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    try {
      return java.net.URLDecoder.decode(
          value.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }
}
