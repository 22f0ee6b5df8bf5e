package dev.chatctl.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

/** Long messages read as a block: rows break between words and start under the text. */
class WordWrapTest {
  private static List<String> rows(String text, int width, int indent) {
    return WordWrap.rows(new AttributedString(text), width, indent).stream()
        .map(AttributedString::toString)
        .toList();
  }

  @Test
  void breaksBetweenWordsWithAHangingIndent() {
    String line = "12:00:00 bob: the quick brown fox jumps over the lazy dog";
    assertEquals(
        List.of("12:00:00 bob: the quick brown fox jumps", "              over the lazy dog"),
        rows(line, 42, 14));
  }

  @Test
  void noRowIsWiderThanTheTerminalAndNoWordIsSplit() {
    String text =
        "bob: "
            + "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
                .repeat(5)
                .strip();
    for (int width = 20; width <= 90; width += 7) {
      List<String> rows = rows(text, width, 5);
      for (String row : rows) {
        assertTrue(row.length() <= width, width + ": " + row);
      }
      String joined = String.join(" ", rows.stream().map(String::strip).toList());
      assertEquals(text, joined, "every word whole, in order, at width " + width);
    }
  }

  @Test
  void aWordLongerThanARowIsCutAtTheEdge() {
    assertEquals(
        List.of("see: https://exa", "     mple.test/a", "     /b"),
        rows("see: https://example.test/a/b", 16, 5));
    assertEquals(
        List.of("go to", "   abcdefgh"),
        rows("go to abcdefgh", 12, 3),
        "a word that fits a row goes to the next");
  }

  @Test
  void lineBreaksInTheMessageStartNewIndentedRows() {
    assertEquals(
        List.of("bob: one", "     two", "     three"), rows("bob: one\ntwo\nthree", 40, 5));
  }

  @Test
  void shortLinesAndPipesAreLeftAlone() {
    assertEquals(List.of("bob: hi"), rows("bob: hi", 40, 5));
    assertEquals(
        List.of("bob: " + "x ".repeat(100).strip()),
        rows("bob: " + "x ".repeat(100).strip(), 0, 5));
  }

  @Test
  void aWideIndentIsCappedSoNarrowTerminalsStillShowText() {
    List<String> rows = rows("a-very-long-sender-name: some words to wrap here", 24, 25);
    assertTrue(
        rows.stream().skip(1).allMatch(r -> r.startsWith("        ") && !r.startsWith("         ")),
        rows.toString());
  }

  @Test
  void coloursSurviveTheBreaks() {
    AttributedString line =
        new AttributedStringBuilder()
            .append("bob", AttributedStyle.BOLD)
            .append(": ")
            .append(
                "red words keep their colour",
                AttributedStyle.DEFAULT.foreground(AttributedStyle.RED))
            .toAttributedString();
    List<AttributedString> rows = WordWrap.rows(line, 16, 5);
    AttributedString second = rows.get(1);
    assertEquals(
        AttributedStyle.DEFAULT.foreground(AttributedStyle.RED),
        second.styleAt(second.length() - 1));
    assertEquals(
        "bob: red words\nkeep their\ncolour".replace("\n", "\n     "),
        WordWrap.join(rows).toString());
  }
}
