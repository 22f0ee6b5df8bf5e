package dev.chatctl.cli.chat;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** What a terminal was sent; tests wait (with a deadline) for text to appear in it. */
final class TerminalOutput extends OutputStream {
  private static final Pattern ANSI =
      Pattern.compile(
          "\u001B\\[[0-9;?]*[ -/]*[@-~]|\u001B[()][0-9A-Za-z]|\u001B[=>78]|\u001B\\][^\u0007]*\u0007|\r");
  static final Duration WAIT = Duration.ofSeconds(15);

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @Override
  public synchronized void write(int b) {
    bytes.write(b);
    notifyAll();
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    bytes.write(b, off, len);
    notifyAll();
  }

  /** Everything written, escape sequences included. */
  synchronized String raw() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Everything written, without escape sequences. */
  synchronized String plain() {
    return strip(raw());
  }

  static String strip(String s) {
    return ANSI.matcher(s).replaceAll("");
  }

  /** Waits until the text without escape sequences satisfies {@code test}; returns it. */
  synchronized String await(String what, Predicate<String> test) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      String plain = plain();
      if (test.test(plain)) {
        return plain;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return fail(
            "the terminal did not show " + what + " within " + WAIT + "; it shows:\n" + plain);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail("interrupted");
      }
    }
  }

  /** Waits for {@code text} to appear after position {@code from} of the plain text. */
  String awaitAfter(int from, String text) {
    return await(
        "\"" + text + "\"", plain -> plain.indexOf(text, Math.min(from, plain.length())) >= 0);
  }

  int length() {
    return plain().length();
  }
}
