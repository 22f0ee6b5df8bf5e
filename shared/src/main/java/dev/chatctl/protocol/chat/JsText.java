package dev.chatctl.protocol.chat;

/** String rules of ECMAScript, which the contract's clients use. */
public final class JsText {
  private JsText() {}

  /**
   * {@code String.prototype.trim}: strips ECMAScript WhiteSpace (TAB, VT, FF, SP, U+FEFF and every
   * Unicode space separator, NBSP included) and LineTerminators (LF, CR, U+2028, U+2029). Unlike
   * {@link String#strip()}, it strips NBSP and keeps U+001C..U+001F.
   */
  public static String trim(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isJsWhitespace(s.charAt(start))) {
      start++;
    }
    while (end > start && isJsWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  public static boolean isJsWhitespace(char c) {
    return switch (c) {
      case '\t', '\n', '\u000b', '\f', '\r', ' ', '\u00a0', '\u2028', '\u2029', '\ufeff' -> true;
      default -> c > 127 && Character.getType(c) == Character.SPACE_SEPARATOR;
    };
  }
}
