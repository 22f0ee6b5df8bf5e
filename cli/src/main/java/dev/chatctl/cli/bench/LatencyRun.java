package dev.chatctl.cli.bench;

import dev.chatctl.protocol.chat.Events;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bench latency}: an open loop at a fixed offered rate, round-robin over pairs of users.
 * Each message carries its intended send instant; its latency is from that instant to its
 * recipient's {@code message:receive}, so a stall anywhere (server, database, load generator) shows
 * in full. Messages that never arrive within the drain time are counted as undelivered, never
 * dropped.
 */
final class LatencyRun extends BenchRun {
  final int pairs;
  final double rate;
  final Duration warmup;
  final Duration duration;
  final String padding;
  private final long base = System.nanoTime();
  private final LatencyStats latency = new LatencyStats();

  /** Intended instants (relative to base) bounding the measured messages. */
  private volatile long measureFrom;

  private volatile long measureTo;
  private long received;
  private long measuredReceived;
  private final AtomicLong offered = new AtomicLong();
  private final AtomicLong measuredOffered = new AtomicLong();
  private final AtomicLong receivedNow = new AtomicLong();
  private final AtomicLong lateSends = new AtomicLong();

  LatencyRun(
      BenchOptions options,
      PrintStream progress,
      int pairs,
      double rate,
      Duration warmup,
      Duration duration,
      int size) {
    super(options, progress);
    if (pairs < 1 || !(rate > 0)) {
      throw new IllegalArgumentException("--pairs must be at least 1 and --rate more than 0");
    }
    this.pairs = pairs;
    this.rate = rate;
    this.warmup = warmup;
    this.duration = duration;
    this.padding = ThroughputRun.padding(size);
  }

  @Override
  BenchResult run() throws InterruptedException {
    BenchResult result = result("latency");
    result.params.put("pairs", pairs);
    result.params.put("ratePerSec", rate);
    result.params.put("warmupS", warmup.toMillis() / 1000.0);
    result.params.put("durationS", duration.toMillis() / 1000.0);
    showProgress(
        () ->
            String.format(
                "latency: %,d sockets connected, %,d offered, %,d received, %,d errors",
                connectedCount.get(), offered.get(), receivedNow.get(), errorCount.get()));
    if (!connectEvery(result, "connect", pairSockets(pairs))) {
      return result;
    }
    long start = System.nanoTime() + 1_000_000;
    measureFrom = start + warmup.toNanos() - base;
    measureTo = measureFrom + duration.toNanos();
    OpenLoop schedule = new OpenLoop(start, rate, warmup.toNanos() + duration.toNanos());
    Thread sender = Thread.ofPlatform().name("bench-sender").start(() -> offer(schedule));
    Thread.sleep(Math.max(0, (start - System.nanoTime()) / 1_000_000 + warmup.toMillis()));
    cpu.start();
    sender.join();
    result.cpu.putAll(cpu.stop());
    long deadline = System.nanoTime() + options.drain.toNanos();
    long target = offered.get();
    while (System.nanoTime() < deadline && loop.call(() -> received) + errorCount.get() < target) {
      Thread.sleep(20);
    }
    long[] counts = loop.call(() -> new long[] {received, measuredReceived});
    double seconds = duration.toNanos() / 1e9;
    result.metrics.put("offeredPerSec", Math.round(measuredOffered.get() / seconds * 10) / 10.0);
    result.metrics.put("achievedPerSec", Math.round(counts[1] / seconds * 10) / 10.0);
    result.metrics.put("latencyMs", loop.call(latency::summary));
    result.metrics.put("messages", Map.of("offered", offered.get(), "received", counts[0]));
    result.metrics.put("undelivered", Math.max(0, offered.get() - counts[0]));
    result.metrics.put("sendsLateOver1ms", lateSends.get());
    result.errors.putAll(errors());
    closeSockets();
    return result;
  }

  /** The sender thread: every send at its intended instant, overdue ones at once. */
  private void offer(OpenLoop schedule) {
    while (true) {
      long now = System.nanoTime();
      long i = schedule.takeDue(now);
      if (i < 0) {
        long wait = schedule.waitNanos(now);
        if (wait < 0) {
          return;
        }
        LockSupport.parkNanos(wait);
        continue;
      }
      long intended = schedule.intendedAt(i);
      if (now - intended > 1_000_000) {
        lateSends.incrementAndGet();
      }
      long at = intended - base;
      int pair = (int) (i % pairs);
      BenchSocket sender = sockets.get(2 * pair);
      String recipient = sockets.get(2 * pair + 1).userId;
      offered.incrementAndGet();
      if (at >= measureFrom && at < measureTo) {
        measuredOffered.incrementAndGet();
      }
      if (!sender.emit(
          Events.MESSAGE_SEND,
          "{\"recipientId\":\"" + recipient + "\",\"content\":\"" + at + padding + "\"}")) {
        loop.execute(() -> error("send on a closed socket"));
      }
    }
  }

  @Override
  public void event(BenchSocket socket, String name, String packet) {
    if (socket.index % 2 == 0) {
      if (name.equals(Events.MESSAGE_ERROR)) {
        error("message:error " + BenchSocket.stringField(packet, "code"));
      }
      return;
    }
    if (!name.equals(Events.MESSAGE_RECEIVE)) {
      return;
    }
    received++;
    receivedNow.incrementAndGet();
    long intended = BenchSocket.leadingNumber(packet, "content");
    if (intended < 0) {
      error("message:receive without the bench's send time");
    } else if (intended >= measureFrom && intended < measureTo) {
      measuredReceived++;
      latency.recordNanos(System.nanoTime() - base - intended);
    }
  }
}
