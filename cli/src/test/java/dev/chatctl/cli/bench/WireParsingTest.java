package dev.chatctl.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chatctl.cli.Converters;
import org.junit.jupiter.api.Test;

/** The small parsers the load generator uses instead of a JSON tree per message. */
class WireParsingTest {
  @Test
  void theAcceptKeyOfRfc6455() {
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WsHandshake.accept("dGhlIHNhbXBsZSBub25jZQ=="));
  }

  @Test
  void stringFieldsAreReadWithEscapedQuotesInside() {
    String packet =
        "42[\"message:error\",{\"error\":\"say \\\"no\\\"\",\"code\":\"VALIDATION_FAILED\"}]";
    assertEquals("VALIDATION_FAILED", BenchSocket.stringField(packet, "code"));
    assertEquals("say \\\"no\\\"", BenchSocket.stringField(packet, "error"));
    assertNull(BenchSocket.stringField(packet, "missing"));
  }

  @Test
  void theSendTimeIsTheLeadingNumberOfTheContent() {
    String packet =
        "42[\"message:receive\",{\"id\":\"0190\",\"content\":\"123456789 xxxx\",\"senderId\":\"a\"},\"17\"]";
    assertEquals(123456789L, BenchSocket.leadingNumber(packet, "content"));
    assertEquals(
        -1,
        BenchSocket.leadingNumber("42[\"message:receive\",{\"content\":\"hello\"}]", "content"));
    assertEquals(-1, BenchSocket.leadingNumber("42[\"x\",{}]", "content"));
  }

  @Test
  void processTimesAreReadPastACommandNameWithSpacesAndParentheses() {
    String stat = "4242 (my (odd) name) S 1 2 3 4 5 6 7 8 9 10 150 25 0 0 20 0 1 0";
    assertEquals(175, CpuMeter.parseTicks(stat));
  }

  @Test
  void ratesAcceptPerSecondAndPerMinute() {
    Converters.Rate rate = new Converters.Rate();
    assertEquals(100, rate.convert("100/s"));
    assertEquals(100, rate.convert("100"));
    assertEquals(2, rate.convert("120/min"));
  }
}
