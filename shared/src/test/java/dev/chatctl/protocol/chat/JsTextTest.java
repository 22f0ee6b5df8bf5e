package dev.chatctl.protocol.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsTextTest {

  @Test
  void trimsWhatEcmaScriptTrims() {
    assertEquals(
        "hi",
        JsText.trim(
            " \t\n\r\u000b\f\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeffhi\u00a0 "));
  }

  @Test
  void keepsWhatEcmaScriptKeeps() {
    // U+001C..U+001F are whitespace to Java but not to JavaScript; U+0085, U+200B, U+180E neither
    // trims
    assertEquals("\u001chi\u001f", JsText.trim("\u001chi\u001f"));
    assertEquals("\u0085x\u200b", JsText.trim("\u0085x\u200b"));
    assertEquals("\u180e", JsText.trim("\u180e"));
  }

  @Test
  void anAllWhitespaceStringTrimsToEmpty() {
    assertEquals("", JsText.trim(" \u00a0\u3000\n"));
    assertEquals("", JsText.trim(""));
  }
}
