package dev.chatctl.cli.chat;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.WCWidth;

/**
 * Breaks a line into rows of a terminal's width at spaces, never inside a word (unless the word
 * alone is longer than a row), with a hanging indent: the rows after the first start under the text
 * (after the time and the sender), so a long message reads as one block. Line breaks in the text
 * start a new row too. Colours are kept.
 */
final class WordWrap {
  private WordWrap() {}

  /**
   * The rows of {@code line} at {@code width} columns, rows after the first indented by {@code
   * indent} columns (at most a third of the width); {@code width <= 0}: one row per text line.
   */
  static List<AttributedString> rows(AttributedString line, int width, int indent) {
    List<AttributedString> rows = new ArrayList<>();
    int hang = width <= 0 ? 0 : Math.max(0, Math.min(indent, width / 3));
    boolean first = true;
    for (int start = 0; ; ) {
      int end = indexOf(line, '\n', start);
      List<AttributedString> part =
          width <= 0
              ? List.of(line.subSequence(start, end))
              : wrap(line, start, end, width, hang, first);
      for (AttributedString row : part) {
        rows.add(first ? row : indented(row, hang));
        first = false;
      }
      if (end >= line.length()) {
        return rows;
      }
      start = end + 1;
    }
  }

  /** The rows joined by line breaks: what a terminal prints as {@code rows} rows. */
  static AttributedString join(List<AttributedString> rows) {
    return rows.size() == 1 ? rows.get(0) : AttributedString.join(new AttributedString("\n"), rows);
  }

  /**
   * Rows of the text [start, end), which has no line break; rows after the first leave {@code hang}
   * columns.
   */
  private static List<AttributedString> wrap(
      AttributedString s, int start, int end, int width, int hang, boolean firstLine) {
    List<AttributedString> rows = new ArrayList<>();
    int i = start;
    boolean first = firstLine;
    while (true) {
      int room = first ? width : width - hang;
      int columns = 0;
      int lastSpace = -1;
      int j = i;
      while (j < end) {
        int cp = Character.codePointAt(s, j);
        int w = Math.max(0, WCWidth.wcwidth(cp));
        if (columns + w > room) {
          break;
        }
        if (cp == ' ' && j > i) {
          lastSpace = j;
        }
        columns += w;
        j += Character.charCount(cp);
      }
      if (j >= end) {
        rows.add(s.subSequence(i, end));
        return rows;
      }
      // break before the word that does not fit, unless it would not fit a row of its own either
      int cut =
          lastSpace > i && columns(s, lastSpace + 1, wordEnd(s, j, end)) <= width - hang
              ? lastSpace
              : Math.max(j, i + 1);
      rows.add(s.subSequence(i, cut));
      i = cut;
      while (i < end && s.charAt(i) == ' ') {
        i++;
      }
      if (i >= end) {
        return rows;
      }
      first = false;
    }
  }

  private static int wordEnd(AttributedString s, int from, int end) {
    int i = from;
    while (i < end && s.charAt(i) != ' ') {
      i++;
    }
    return i;
  }

  private static int columns(AttributedString s, int from, int to) {
    int columns = 0;
    for (int i = from; i < to; ) {
      int cp = Character.codePointAt(s, i);
      columns += Math.max(0, WCWidth.wcwidth(cp));
      i += Character.charCount(cp);
    }
    return columns;
  }

  private static AttributedString indented(AttributedString row, int hang) {
    return hang == 0
        ? row
        : new AttributedStringBuilder().append(" ".repeat(hang)).append(row).toAttributedString();
  }

  private static int indexOf(AttributedString s, char c, int from) {
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return s.length();
  }
}
