package dev.chatctl.cli.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnection delays: exponential with jitter, as socket.io-client's {@code Backoff} computes
 * them. Attempt n waits {@code initial * 2^(n-1)}, moved by up to {@code jitter} of itself either
 * way, and never more than {@code max}.
 *
 * @param initial the first delay (socket.io-client's {@code reconnectionDelay}, 1 s)
 * @param max the longest delay ({@code reconnectionDelayMax}, 5 s)
 * @param jitter 0..1 ({@code randomizationFactor}, 0.5)
 */
public record Backoff(Duration initial, Duration max, double jitter) {
  /** socket.io-client's defaults: 1 s, doubling, at most 5 s, jitter 0.5. */
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5), 0.5);

  public Backoff {
    if (initial.isNegative() || max.isNegative() || jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("bad backoff " + initial + ", " + max + ", " + jitter);
    }
  }

  /** The delay before attempt {@code attempt} (1 is the first retry). */
  public Duration delay(int attempt, RandomGenerator random) {
    double ms = initial.toMillis() * Math.pow(2, Math.min(Math.max(attempt, 1) - 1, 30));
    if (jitter > 0) {
      double r = random.nextDouble();
      double deviation = Math.floor(r * jitter * ms);
      ms = (((long) Math.floor(r * 10)) & 1) == 0 ? ms - deviation : ms + deviation;
    }
    return Duration.ofMillis((long) Math.min(ms, max.toMillis()));
  }
}
