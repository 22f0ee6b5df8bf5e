package dev.chatctl.cli.chat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;

/** The keys a test types, as a terminal's input; -1 (end of input) after {@link #hangUp()}. */
final class Keyboard extends InputStream {
  static final String TAB = "\t";
  static final String ENTER = "\r";

  private final LinkedBlockingQueue<Integer> keys = new LinkedBlockingQueue<>();

  void type(String text) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      keys.add(b & 0xff);
    }
  }

  void hangUp() {
    keys.add(-1);
  }

  @Override
  public int read() {
    try {
      int key = keys.take();
      if (key < 0) {
        keys.add(-1); // stays at the end
      }
      return key;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (length == 0) {
      return 0;
    }
    int first = read();
    if (first < 0) {
      return -1;
    }
    buffer[offset] = (byte) first;
    int n = 1;
    while (n < length) {
      Integer next = keys.peek();
      if (next == null || next < 0) {
        break;
      }
      buffer[offset + n++] = (byte) (int) keys.poll();
    }
    return n;
  }

  @Override
  public int available() {
    Integer next = keys.peek();
    return next == null || next < 0 ? 0 : keys.size();
  }
}
