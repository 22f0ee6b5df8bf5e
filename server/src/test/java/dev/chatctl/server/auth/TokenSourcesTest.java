package dev.chatctl.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.server.http.HandshakeRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a connection's token is found, and in which order (PROTOCOL.md, Authentication). */
class TokenSourcesTest {

  private static HandshakeRequest request(String authorization, String queryToken, String cookie) {
    Map<String, String> headers = new HashMap<>();
    if (authorization != null) {
      headers.put("authorization", authorization);
    }
    if (cookie != null) {
      headers.put("cookie", cookie);
    }
    Map<String, String> query = new HashMap<>();
    query.put("EIO", "4");
    query.put("transport", "polling");
    if (queryToken != null) {
      query.put("token", queryToken);
    }
    return new HandshakeRequest(query, headers, "127.0.0.1");
  }

  private static JsonNode auth(String json) {
    return Json.read(json);
  }

  private static FoundToken find(HandshakeRequest request, JsonNode auth) {
    return TokenSources.find(request, auth);
  }

  @Test
  void authPayloadComesFirst() {
    HandshakeRequest all =
        request("Bearer header-t", "query-t", "next-auth.session-token=cookie-t");
    assertEquals(new FoundToken("payload-t", null), find(all, auth("{\"token\":\"payload-t\"}")));
  }

  @Test
  void bearerHeaderComesSecond() {
    HandshakeRequest all =
        request("Bearer header-t", "query-t", "next-auth.session-token=cookie-t");
    assertEquals(new FoundToken("header-t", null), find(all, null));
    assertEquals(new FoundToken("header-t", null), find(all, auth("{}")));
    assertEquals(new FoundToken("header-t", null), find(all, auth("{\"token\":null}")));
    assertEquals(new FoundToken("header-t", null), find(all, auth("{\"other\":\"x\"}")));
  }

  @Test
  void queryComesThird() {
    HandshakeRequest noHeader = request(null, "query-t", "next-auth.session-token=cookie-t");
    assertEquals(new FoundToken("query-t", null), find(noHeader, null));
    // a non-Bearer Authorization header is no token
    assertEquals(
        new FoundToken("query-t", null),
        find(request("Basic dXNlcjpwYXNz", "query-t", "next-auth.session-token=cookie-t"), null));
  }

  @Test
  void cookiesComeLast() {
    assertEquals(
        new FoundToken("cookie-t", "next-auth.session-token"),
        find(request(null, null, "next-auth.session-token=cookie-t"), null));
    assertEquals(
        new FoundToken("cookie-t", "next-auth.session-token"),
        find(request(null, "", "next-auth.session-token=cookie-t"), auth("{\"token\":\"\"}")));
  }

  @Test
  void noTokenAnywhereIsNull() {
    assertNull(find(request(null, null, null), null));
    assertNull(
        find(request(null, "", "theme=dark; next-auth.csrf-token=abc"), auth("{\"token\":\"\"}")));
    assertNull(find(request("Bearer", null, "next-auth.session-token="), null));
  }

  @Test
  void emptyPayloadTokenFallsThrough() {
    assertEquals(
        new FoundToken("header-t", null),
        find(request("Bearer header-t", null, null), auth("{\"token\":\"\"}")));
  }

  @Test
  void nonStringPayloadTokenIsFoundAndEmpty() {
    HandshakeRequest all = request("Bearer header-t", "query-t", null);
    assertEquals(new FoundToken("", null), find(all, auth("{\"token\":42}")));
    assertEquals(new FoundToken("", null), find(all, auth("{\"token\":{\"a\":1}}")));
    assertEquals(new FoundToken("", null), find(all, auth("{\"token\":false}")));
    assertEquals(new FoundToken("", null), find(all, auth("{\"token\":[\"t\"]}")));
  }

  @Test
  void bearerIsCaseInsensitiveAndTakesOneWord() {
    assertEquals(new FoundToken("abc", null), find(request("bearer abc", null, null), null));
    assertEquals(new FoundToken("abc", null), find(request("BEARER   abc def", null, null), null));
  }

  @Test
  void sessionCookiesAreLookedForInOrder() {
    List<String> names = TokenSources.SESSION_COOKIES;
    assertEquals(
        List.of(
            "next-auth.session-token",
            "__Secure-next-auth.session-token",
            "authjs.session-token",
            "__Secure-authjs.session-token"),
        names);
    for (int first = 0; first < names.size(); first++) {
      // the cookies from `first` on, written in the header in reverse order
      List<String> pairs = new ArrayList<>();
      for (int i = names.size() - 1; i >= first; i--) {
        pairs.add(names.get(i) + "=t" + i);
      }
      FoundToken found = find(request(null, null, String.join("; ", pairs)), null);
      assertEquals(new FoundToken("t" + first, names.get(first)), found);
    }
  }

  @Test
  void otherCookiesAreIgnored() {
    assertEquals(
        new FoundToken("t", "authjs.session-token"),
        find(
            request(
                null,
                null,
                "next-auth.csrf-token=x; authjs.callback-url=y; authjs.session-token=t; a=b"),
            null));
  }

  @Test
  void cookieValuesAreUnquotedAndPercentDecoded() {
    assertEquals(
        new FoundToken("a.b.c", "next-auth.session-token"),
        find(request(null, null, "next-auth.session-token=\"a.b.c\""), null));
    assertEquals(
        new FoundToken("a b+c/=", "next-auth.session-token"),
        find(request(null, null, "next-auth.session-token=a%20b+c%2F%3D"), null));
    // a bad %-sequence is kept as it is
    assertEquals(
        new FoundToken("a%zz", "next-auth.session-token"),
        find(request(null, null, "next-auth.session-token=a%zz"), null));
    // spaces around names and values; the first value of a name wins
    assertEquals(
        new FoundToken("one", "authjs.session-token"),
        find(
            request(null, null, " x=1 ;  authjs.session-token = one ; authjs.session-token=two"),
            null));
  }

  @Test
  void parseCookiesSkipsPartsWithoutName() {
    Map<String, String> cookies = TokenSources.parseCookies("=v; novalue; a=1; b==2; ;c=");
    assertEquals(Map.of("a", "1", "b", "=2", "c", ""), cookies);
  }

  @Test
  void chunkedCookiesAreJoinedInNumericOrder() {
    String name = "__Secure-authjs.session-token";
    assertEquals(
        new FoundToken("AAABBBCCC", name),
        find(
            request(null, null, name + ".2=CCC; " + name + ".0=AAA; other=1; " + name + ".1=BBB"),
            null));
    // 12 chunks: .10 and .11 come after .9, not after .1
    StringBuilder expected = new StringBuilder();
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      expected.append("c").append(i).append('-');
      pairs.add(name + "." + i + "=c" + i + "-");
    }
    java.util.Collections.reverse(pairs);
    assertEquals(
        new FoundToken(expected.toString(), name),
        find(request(null, null, String.join("; ", pairs)), null));
  }

  @Test
  void wholeCookieBeatsChunks() {
    String name = "authjs.session-token";
    assertEquals(
        new FoundToken("whole", name),
        find(request(null, null, name + ".0=AAA; " + name + "=whole; " + name + ".1=BBB"), null));
    // an empty whole cookie does not hide the chunks
    assertEquals(
        new FoundToken("AAABBB", name),
        find(request(null, null, name + "=; " + name + ".0=AAA; " + name + ".1=BBB"), null));
  }

  @Test
  void chunksOfAnEarlierNameBeatAWholeLaterOne() {
    assertEquals(
        new FoundToken("AB", "next-auth.session-token"),
        find(
            request(
                null,
                null,
                "authjs.session-token=whole; next-auth.session-token.1=B; next-auth.session-token.0=A"),
            null));
  }
}
