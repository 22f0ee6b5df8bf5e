package dev.chatctl.cli.bench;

import dev.chatctl.protocol.chat.Events;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench presence}: {@code observers} users stay connected while new users come at {@code
 * churn} per second and go again after {@code lifetime}. Each arrival must reach every observer as
 * {@code user:online}; its latency is from the newcomer's CONNECT to the observer's receipt.
 */
final class PresenceRun extends BenchRun {
  final int observers;
  final double churn;
  final Duration duration;
  final Duration lifetime;
  private final LatencyStats latency = new LatencyStats();
  private final LatencyStats churnHandshakes = new LatencyStats();

  /** Newcomers by user id (loop thread). */
  private final Map<String, BenchSocket> newcomers = new HashMap<>();

  private long receipts;
  private long offlineReceipts;
  private long arrived;
  private final AtomicLong receiptsNow = new AtomicLong();
  private final AtomicLong arrivedNow = new AtomicLong();

  PresenceRun(
      BenchOptions options,
      PrintStream progress,
      int observers,
      double churn,
      Duration duration,
      Duration lifetime) {
    super(options, progress);
    if (observers < 1 || !(churn > 0)) {
      throw new IllegalArgumentException("--observers must be at least 1 and --churn more than 0");
    }
    this.observers = observers;
    this.churn = churn;
    this.duration = duration;
    this.lifetime = lifetime;
  }

  @Override
  BenchResult run() throws InterruptedException {
    BenchResult result = result("presence");
    result.params.put("observers", observers);
    result.params.put("churnPerSec", churn);
    result.params.put("durationS", duration.toMillis() / 1000.0);
    result.params.put("lifetimeS", lifetime.toMillis() / 1000.0);
    List<BenchSocket> watchers = new ArrayList<>();
    for (int i = 0; i < observers; i++) {
      watchers.add(newSocket(userId("o", i)));
    }
    showProgress(
        () ->
            String.format(
                "presence: %,d sockets connected, %,d newcomers, %,d user:online receipts, %,d errors",
                connectedCount.get(), arrivedNow.get(), receiptsNow.get(), errorCount.get()));
    if (!connectEvery(result, "observersConnect", watchers)) {
      return result;
    }
    Thread.sleep(500); // the observers' own user:online broadcasts settle first
    OpenLoop schedule = new OpenLoop(System.nanoTime() + 1_000_000, churn, duration.toNanos());
    cpu.start();
    loop.execute(() -> arrive(schedule));
    Thread.sleep(duration.toMillis() + 10);
    long deadline = System.nanoTime() + options.drain.toNanos() + lifetime.toNanos();
    while (true) { // until every arrival and every departure was seen by every observer
      long[] c =
          loop.call(() -> new long[] {receipts, arrived, offlineReceipts, schedule.done() ? 1 : 0});
      long expected = c[1] * observers;
      if (c[3] == 1 && c[0] >= expected && c[2] >= expected || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(20);
    }
    result.cpu.putAll(cpu.stop());
    long[] c = loop.call(() -> new long[] {receipts, arrived, offlineReceipts});
    result.metrics.put("newcomers", Map.of("scheduled", schedule.total(), "connected", c[1]));
    result.metrics.put("onlineLatencyMs", loop.call(latency::summary));
    result.metrics.put("newcomerHandshakeMs", loop.call(churnHandshakes::summary));
    result.metrics.put(
        "onlineReceipts",
        Map.of(
            "expected",
            c[1] * observers,
            "received",
            c[0],
            "missing",
            Math.max(0, c[1] * observers - c[0])));
    result.metrics.put("offlineReceipts", c[2]);
    result.errors.putAll(errors());
    closeSockets();
    return result;
  }

  /** Opens every newcomer due now and schedules the next (loop thread). */
  private void arrive(OpenLoop schedule) {
    long i;
    while ((i = schedule.takeDue(System.nanoTime())) >= 0) {
      BenchSocket socket = newSocket(userId("n", (int) i));
      newcomers.put(socket.userId, socket);
      open(socket);
    }
    long wait = schedule.waitNanos(System.nanoTime());
    if (wait >= 0) {
      loop.at(System.nanoTime() + wait, () -> arrive(schedule));
    }
  }

  @Override
  void onConnected(BenchSocket socket) {
    if (newcomers.get(socket.userId) == socket) {
      arrived++;
      arrivedNow.incrementAndGet();
      churnHandshakes.recordNanos(socket.connectedAt - socket.startedAt);
      loop.at(System.nanoTime() + lifetime.toNanos(), socket::close);
    }
  }

  @Override
  public void event(BenchSocket socket, String name, String packet) {
    if (newcomers.containsKey(socket.userId)) {
      return; // only the observers' view is measured
    }
    if (name.equals(Events.USER_ONLINE)) {
      BenchSocket newcomer = newcomers.get(BenchSocket.stringField(packet, "userId"));
      if (newcomer != null) {
        receipts++;
        receiptsNow.incrementAndGet();
        latency.recordNanos(System.nanoTime() - newcomer.connectSentAt);
      }
    } else if (name.equals(Events.USER_OFFLINE)) {
      if (newcomers.containsKey(BenchSocket.stringField(packet, "userId"))) {
        offlineReceipts++;
      }
    }
  }
}
