package dev.chatctl.cli.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jline.utils.AttributedString;

/**
 * Lines from a pipe and plain text out: no prompt, no ANSI codes (when the input or the output is
 * not a terminal).
 */
public final class PlainIO implements ConsoleIO {
  private final BufferedReader in;
  private final PrintStream out;
  private final boolean unicode;

  public PlainIO(InputStream in, OutputStream out, Charset charset) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.out = new PrintStream(out, true, charset);
    this.unicode = charset.newEncoder().canEncode('\u2713');
  }

  @Override
  public String readLine(String prompt) {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void setPrompt(String prompt) {}

  @Override
  public synchronized void print(AttributedString line) {
    out.println(line.toString());
    out.flush();
  }

  @Override
  public boolean replaceLast(int rows, AttributedString line) {
    return false;
  }

  @Override
  public boolean canReplace() {
    return false;
  }

  @Override
  public int width() {
    return 0;
  }

  @Override
  public int height() {
    return 0;
  }

  @Override
  public void status(AttributedString line) {}

  @Override
  public boolean hasStatus() {
    return false;
  }

  @Override
  public void onEmptyTab(Runnable action) {}

  @Override
  public String render(AttributedString prompt) {
    return prompt.toString();
  }

  @Override
  public boolean unicode() {
    return unicode;
  }

  @Override
  public void close() {
    out.flush();
  }
}
