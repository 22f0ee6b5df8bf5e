package dev.chatctl.cli.chat;

import java.io.IOException;
import java.nio.file.Path;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;

/**
 * A JLine terminal: a prompt, Tab completion, history in a file, and lines printed above the line
 * being typed ({@link LineReader#printAbove}). On a dumb terminal (or with colours off) nothing
 * but plain text is written.
 */
public final class JLineIO implements ConsoleIO {
  private static final String UP_AND_CLEAR = "\033[1A\033[2K";

  private final Terminal terminal;
  private final LineReader reader;
  private final boolean color;
  private final boolean dumb;

  /**
   * @param historyFile where typed lines are kept between runs; null: none
   * @param color whether to use colours (they are never used on a dumb terminal)
   */
  public JLineIO(Terminal terminal, Completer completer, Path historyFile, boolean color) {
    this.terminal = terminal;
    this.dumb = terminal.getType() == null || terminal.getType().startsWith(Terminal.TYPE_DUMB);
    this.color = color && !dumb;
    LineReaderBuilder builder =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("chatctl")
            .completer(completer)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // "!" is text, not history
            .option(LineReader.Option.COMPLETE_MATCHER_TYPO, false) // "b" must not complete to "alice"
            .option(LineReader.Option.AUTO_GROUP, true)
            .option(LineReader.Option.GROUP, true)
            .option(LineReader.Option.ERASE_LINE_ON_FINISH, !dumb) // a sent line is shown by its ✓ line instead
            .variable(LineReader.HISTORY_SIZE, 1000);
    if (historyFile != null) {
      builder.variable(LineReader.HISTORY_FILE, historyFile);
    }
    this.reader = builder.build();
  }

  public LineReader reader() {
    return reader;
  }

  public Terminal terminal() {
    return terminal;
  }

  @Override
  public String readLine(String prompt) {
    try {
      return reader.readLine(prompt);
    } catch (EndOfFileException e) {
      return null;
    }
  }

  @Override
  public void setPrompt(String prompt) {
    if (reader instanceof LineReaderImpl impl) {
      impl.setPrompt(prompt);
      try {
        if (impl.isReading()) {
          impl.callWidget(LineReader.REDRAW_LINE);
          impl.callWidget(LineReader.REDISPLAY);
        }
      } catch (IllegalStateException notReading) {
        // the next readLine shows it
      }
    }
  }

  @Override
  public void print(AttributedString line) {
    reader.printAbove(ansi(line));
  }

  @Override
  public boolean replaceLast(int rows, AttributedString line) {
    if (!canReplace() || !reader.isReading()) {
      return false;
    }
    // printAbove clears the prompt first, leaving the cursor where it began: just below the line
    reader.printAbove(UP_AND_CLEAR.repeat(Math.max(1, rows)) + ansi(line));
    return true;
  }

  @Override
  public boolean canReplace() {
    return !dumb;
  }

  @Override
  public int width() {
    int width = terminal.getWidth();
    return width > 0 ? width : 80;
  }

  @Override
  public String render(AttributedString prompt) {
    return ansi(prompt);
  }

  private String ansi(AttributedString s) {
    return color ? s.toAnsi(terminal) : s.toString();
  }

  @Override
  public boolean unicode() {
    return terminal.encoding().newEncoder().canEncode('\u2713');
  }

  @Override
  public void close() {
    try {
      reader.getHistory().save();
    } catch (IOException | RuntimeException e) {
      // history is a convenience
    }
    try {
      terminal.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
