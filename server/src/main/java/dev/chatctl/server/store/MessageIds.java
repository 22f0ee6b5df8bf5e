package dev.chatctl.server.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Message ids: UUID version 7 strings (RFC 9562), time-ordered so new rows land at the right edge
 * of the primary key index, and strictly increasing within this process (a 12-bit counter breaks
 * ties inside one millisecond).
 */
public final class MessageIds {
  private final SecureRandom random = new SecureRandom();
  private long lastMillis;
  private int counter;

  public synchronized String next(long nowMillis) {
    if (nowMillis > lastMillis) {
      lastMillis = nowMillis;
      counter = random.nextInt(1 << 10); // leave room to count up within this millisecond
    } else if (++counter >= 1 << 12) {
      lastMillis++; // counter exhausted: borrow the next millisecond
      counter = 0;
    }
    long msb = (lastMillis << 16) | (0x7L << 12) | counter;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
