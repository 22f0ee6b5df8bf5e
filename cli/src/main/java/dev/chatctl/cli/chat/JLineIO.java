package dev.chatctl.cli.chat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.Widget;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.Status;

/**
 * A JLine terminal: a prompt, Tab completion, history in a file, lines printed above the line being
 * typed ({@link LineReader#printAbove}), and a status line at the bottom ({@link Status}, on
 * terminals with a scroll region). On a dumb terminal (or with colours off) nothing but plain text
 * is written, and there is no status line.
 */
public final class JLineIO implements ConsoleIO {
  private static final String UP_AND_CLEAR = "\033[1A\033[2K";
  private static final String STATUS_WIDGET = "chatctl-status";
  private static final String TAB_WIDGET = "chatctl-tab";

  private final Terminal terminal;
  private final LineReader reader;
  private final boolean color;
  private final boolean dumb;
  private final Status status; // null: this terminal cannot keep one
  private final Object statusLock = new Object();
  private List<AttributedString> statusLines = List.of(); // guarded by statusLock
  private volatile Runnable emptyTab;

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
            .option(
                LineReader.Option.COMPLETE_MATCHER_TYPO, false) // "b" must not complete to "alice"
            .option(LineReader.Option.AUTO_GROUP, true)
            .option(LineReader.Option.GROUP, true)
            .option(
                LineReader.Option.ERASE_LINE_ON_FINISH,
                !dumb) // a sent line is shown by its ✓ line instead
            .variable(LineReader.HISTORY_SIZE, 1000);
    if (historyFile != null) {
      builder.variable(LineReader.HISTORY_FILE, historyFile);
    }
    this.reader = builder.build();
    this.status = dumb || !canKeepStatus(terminal) ? null : Status.getStatus(terminal);
    reader
        .getWidgets()
        .put(
            STATUS_WIDGET,
            () -> {
              drawStatus();
              return true;
            });
    bindTab();
  }

  /** Whether the terminal has what {@link Status} needs: a scroll region and cursor moves. */
  private static boolean canKeepStatus(Terminal terminal) {
    return terminal.getStringCapability(Capability.change_scroll_region) != null
        && terminal.getStringCapability(Capability.save_cursor) != null
        && terminal.getStringCapability(Capability.restore_cursor) != null
        && terminal.getStringCapability(Capability.cursor_address) != null;
  }

  /** Tab: the action of {@link #onEmptyTab} on an empty line, else what Tab did (completion). */
  private void bindTab() {
    KeyMap<Binding> main = reader.getKeyMaps().get(LineReader.MAIN);
    Binding bound = main.getBound("\t");
    Widget complete =
        bound instanceof Reference r
            ? reader.getWidgets().get(r.name())
            : bound instanceof Widget w ? w : null;
    reader
        .getWidgets()
        .put(
            TAB_WIDGET,
            () -> {
              Runnable action = emptyTab;
              if (action != null && reader.getBuffer().length() == 0) {
                action.run();
                return true;
              }
              return complete == null || complete.apply();
            });
    main.bind(new Reference(TAB_WIDGET), "\t");
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
  public int height() {
    return Math.max(0, terminal.getHeight());
  }

  @Override
  public void status(AttributedString line) {
    if (status == null) {
      return;
    }
    AttributedString shown =
        color
            ? line
            : new AttributedStringBuilder()
                .append(line.toString(), AttributedStyle.INVERSE)
                .toAttributedString();
    synchronized (statusLock) {
      statusLines = List.of(shown);
    }
    if (reader instanceof LineReaderImpl impl && impl.isReading()) {
      try {
        impl.callWidget(STATUS_WIDGET); // under the reader's lock, between its redraws
        return;
      } catch (IllegalStateException notReading) {
        // drawn directly below
      }
    }
    drawStatus();
  }

  private void drawStatus() {
    synchronized (statusLock) {
      status.update(statusLines);
    }
  }

  @Override
  public boolean hasStatus() {
    return status != null;
  }

  @Override
  public void onEmptyTab(Runnable action) {
    emptyTab = action;
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
    if (status != null) {
      synchronized (statusLock) {
        status.update(List.of()); // the terminal's whole height back
      }
    }
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
