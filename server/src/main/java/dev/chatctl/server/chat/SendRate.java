package dev.chatctl.server.chat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-user limit on {@code message:send}: a token bucket per user, shared by the user's
 * sockets, refilled at {@code perSecond} up to {@code burst}. A bucket that is full again is the
 * same as none, so {@link #sweep} drops those: the map holds only users who sent lately.
 */
final class SendRate {
  private final double perNano;
  private final double burst;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param perSecond sends per second; 0 or less: no limit
   */
  SendRate(double perSecond, int burst) {
    this.perNano = perSecond / 1e9;
    this.burst = Math.max(1, burst);
  }

  private final class Bucket {
    private double tokens = burst;
    private long at = System.nanoTime();

    synchronized boolean take(long now) {
      refill(now);
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }

    synchronized boolean full(long now) {
      refill(now);
      return tokens >= burst;
    }

    private void refill(long now) {
      tokens = Math.min(burst, tokens + (now - at) * perNano);
      at = now;
    }
  }

  /** Takes one send from the user's bucket; false when it is empty (the send is refused). */
  boolean allow(String userId) {
    if (perNano <= 0) {
      return true;
    }
    return buckets.computeIfAbsent(userId, id -> new Bucket()).take(System.nanoTime());
  }

  /** Forgets the buckets that are full again. */
  void sweep() {
    long now = System.nanoTime();
    buckets.values().removeIf(b -> b.full(now));
  }

  int size() {
    return buckets.size();
  }
}
