package dev.chatctl.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The reconnect policy a user lives with: when the client tries again, how long it waits, when it
 * gives up.
 */
class ReconnectionTest {
  private static final Backoff EXACT =
      new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), 0);
  private static final ClientException DOWN =
      new ClientException(ClientException.Kind.UNAVAILABLE, "connection refused");
  private static final ClientException SLOW =
      new ClientException(ClientException.Kind.TIMEOUT, "no answer");

  /** A timer that only records what was asked of it. */
  private static final class Timers {
    final List<Duration> delays = new ArrayList<>();
    final List<Runnable> tasks = new ArrayList<>();
    final List<FakeTimer> timers = new ArrayList<>();

    ScheduledFuture<?> schedule(Duration delay, Runnable task) {
      delays.add(delay);
      tasks.add(task);
      FakeTimer t = new FakeTimer();
      timers.add(t);
      return t;
    }
  }

  private static final class FakeTimer extends CompletableFuture<Object>
      implements ScheduledFuture<Object> {
    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed o) {
      return 0;
    }
  }

  private final Timers timers = new Timers();

  private Reconnection reconnection(boolean enabled, Backoff backoff) {
    return new Reconnection(enabled, backoff, new Random(7), timers::schedule);
  }

  @Test
  void theFirstConnectIsNeverRetried() {
    Reconnection r = reconnection(true, EXACT);
    assertFalse(r.everConnected());
    assertFalse(r.afterFailure(DOWN), "a server that is not there at start is the command's error");
    assertFalse(r.afterFailure(SLOW));
  }

  @Test
  void aLostConnectionIsRetriedWithDoublingDelaysUpToTheMaximum() {
    Reconnection r = reconnection(true, EXACT);
    r.connected();
    assertTrue(r.afterLoss());
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      numbers.add(r.schedule(() -> {}).number());
      assertTrue(r.afterFailure(DOWN), "the server is still down: try again");
    }
    assertEquals(List.of(1, 2, 3, 4, 5, 6), numbers);
    assertEquals(
        List.of(100L, 200L, 400L, 800L, 1000L, 1000L),
        timers.delays.stream().map(Duration::toMillis).toList());
  }

  @Test
  void theCountStartsOverOnceConnectedAgain() {
    Reconnection r = reconnection(true, EXACT);
    r.connected();
    r.schedule(() -> {});
    r.schedule(() -> {});
    assertEquals(2, r.attempts());
    r.connected();
    assertEquals(0, r.attempts());
    assertEquals(1, r.schedule(() -> {}).number());
    assertEquals(Duration.ofMillis(100), timers.delays.get(2), "back to the first delay");
  }

  @Test
  void aRefusalIsFinalUnlessTheServerFailedItself() {
    Reconnection r = reconnection(true, EXACT);
    r.connected();
    assertFalse(
        r.afterFailure(ClientException.refused("TOKEN_EXPIRED", "Authentication error")),
        "a bad token stays bad");
    assertFalse(r.afterFailure(ClientException.refused("TOKEN_INVALID", "Authentication error")));
    assertTrue(
        r.afterFailure(ClientException.refused("INTERNAL", "Internal error")),
        "the server's own fault may pass");
    assertTrue(r.afterFailure(SLOW));
  }

  @Test
  void reconnectionOffMeansNeverAgain() {
    Reconnection r = reconnection(false, EXACT);
    r.connected();
    assertFalse(r.afterLoss());
    assertFalse(r.afterFailure(DOWN));
  }

  @Test
  void jitterKeepsEachDelayWithinHalfOfItsBaseAndUnderTheMaximum() {
    Reconnection r = reconnection(true, Backoff.DEFAULT);
    r.connected();
    for (int i = 1; i <= 8; i++) {
      long ms = r.schedule(() -> {}).delay().toMillis();
      double base = 1000 * Math.pow(2, i - 1);
      assertTrue(
          ms >= Math.min(base * 0.5, 5000) - 1 && ms <= Math.min(base * 1.5, 5000),
          "attempt " + i + ": " + ms);
    }
  }

  @Test
  void aNewScheduleReplacesThePendingOneAndCancelDropsIt() {
    Reconnection r = reconnection(true, EXACT);
    r.connected();
    r.schedule(() -> {});
    r.schedule(() -> {});
    assertTrue(timers.timers.get(0).isCancelled(), "one attempt pending at a time");
    assertFalse(timers.timers.get(1).isCancelled());
    r.cancel();
    assertTrue(timers.timers.get(1).isCancelled());
    r.cancel(); // twice is harmless
  }

  @Test
  void aShutDownSchedulerIsHarmless() {
    Reconnection r = new Reconnection(true, EXACT, new Random(), (delay, task) -> null);
    r.connected();
    assertEquals(1, r.schedule(() -> {}).number());
    r.cancel();
  }
}
