package dev.chatctl.cli.chat;

import org.jline.utils.AttributedString;

/** Where the console reads lines from and prints to. Printing is safe from any thread. */
public interface ConsoleIO extends AutoCloseable {

  /**
   * The next line the user typed (without its end of line); null at the end of input (Ctrl-D, end
   * of a pipe). Throws {@link org.jline.reader.UserInterruptException} on Ctrl-C.
   */
  String readLine(String prompt);

  /** Changes the prompt of the line being read (shown at once). */
  void setPrompt(String prompt);

  /** Prints a line above the line being typed, without disturbing it. */
  void print(AttributedString line);

  /**
   * Replaces the last line printed, which took {@code rows} rows, when this terminal can (and the
   * user is at the prompt); false when it cannot, and nothing was printed.
   */
  boolean replaceLast(int rows, AttributedString line);

  /** Whether {@link #replaceLast} can work here at all. */
  boolean canReplace();

  /** The terminal's width in columns; 0 when lines are not wrapped (a pipe). */
  int width();

  /** The terminal's height in rows; 0 when unknown or not a screen. */
  int height();

  /** Shows {@code line} as the status line at the bottom, where the terminal can keep one. */
  void status(AttributedString line);

  /** Whether {@link #status} shows anything here. */
  boolean hasStatus();

  /** Runs {@code action} when Tab is pressed on an empty line (Tab completes otherwise). */
  void onEmptyTab(Runnable action);

  /** The prompt as the terminal shows it (colours only where they can be shown). */
  String render(AttributedString prompt);

  /** Whether the output can show ✓ (else plain ASCII marks are used). */
  boolean unicode();

  @Override
  void close();
}
