package dev.chatctl.cli.bench;

import dev.chatctl.protocol.chat.Events;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench throughput}: pairs of users, each sender keeping {@code window} messages unanswered
 * (a message is answered by its {@code message:sent} or {@code message:error}). A message counts
 * when its recipient got {@code message:receive}; latency is from the send to that receive.
 */
final class ThroughputRun extends BenchRun {
  final int pairs;
  final int window;
  final Duration warmup;
  final Duration duration;
  final String padding;
  private final long base = System.nanoTime();
  private final LatencyStats latency = new LatencyStats();
  private volatile boolean sending;
  private boolean measuring;
  private long acked;
  private long received;
  private final AtomicLong receivedNow = new AtomicLong();
  private final AtomicLong sentNow = new AtomicLong();

  ThroughputRun(
      BenchOptions options,
      PrintStream progress,
      int pairs,
      int window,
      Duration warmup,
      Duration duration,
      int size) {
    super(options, progress);
    if (pairs < 1 || window < 1) {
      throw new IllegalArgumentException("--pairs and --window must be at least 1");
    }
    this.pairs = pairs;
    this.window = window;
    this.warmup = warmup;
    this.duration = duration;
    this.padding = padding(size);
  }

  /** Content after the send time, so a message has about {@code size} characters. */
  static String padding(int size) {
    return " " + "x".repeat(Math.max(0, size - 20));
  }

  @Override
  BenchResult run() throws InterruptedException {
    BenchResult result = result("throughput");
    result.params.put("pairs", pairs);
    result.params.put("window", window);
    result.params.put("warmupS", warmup.toMillis() / 1000.0);
    result.params.put("durationS", duration.toMillis() / 1000.0);
    showProgress(
        () ->
            String.format(
                "throughput: %,d sockets connected, %,d sent, %,d received, %,d errors",
                connectedCount.get(), sentNow.get(), receivedNow.get(), errorCount.get()));
    if (!connectEvery(result, "connect", pairSockets(pairs))) {
      return result;
    }
    loop.call(
        () -> {
          sending = true;
          for (int i = 0; i < pairs; i++) {
            for (int w = 0; w < window; w++) {
              send(i);
            }
          }
          return null;
        });
    Thread.sleep(warmup.toMillis());
    long[] start =
        loop.call(
            () -> {
              measuring = true;
              return new long[] {received, acked};
            });
    long t0 = System.nanoTime();
    cpu.start();
    Thread.sleep(duration.toMillis());
    long[] end =
        loop.call(
            () -> {
              measuring = false;
              sending = false;
              return new long[] {received, acked};
            });
    long t1 = System.nanoTime();
    result.cpu.putAll(cpu.stop());
    long lost = drain();
    double seconds = (t1 - t0) / 1e9;
    result.metrics.put("deliveredPerSec", Math.round((end[0] - start[0]) / seconds * 10) / 10.0);
    result.metrics.put("answeredPerSec", Math.round((end[1] - start[1]) / seconds * 10) / 10.0);
    result.metrics.put("latencyMs", loop.call(latency::summary));
    long[] totals = loop.call(() -> new long[] {sentNow.get(), acked, received});
    result.metrics.put(
        "messages",
        java.util.Map.of("sent", totals[0], "answered", totals[1], "received", totals[2]));
    result.metrics.put("lost", lost);
    result.errors.putAll(errors());
    closeSockets();
    return result;
  }

  /** Waits for messages in flight; returns how many answered ones never reached their recipient. */
  private long drain() throws InterruptedException {
    long deadline = System.nanoTime() + options.drain.toNanos();
    while (true) {
      long[] counts = loop.call(() -> new long[] {sentNow.get(), acked, received});
      boolean settled = counts[1] + errorCount.get() >= counts[0] && counts[2] >= counts[1];
      if (settled || System.nanoTime() > deadline) {
        return Math.max(0, counts[1] - counts[2]);
      }
      Thread.sleep(50);
    }
  }

  private void send(int pair) {
    BenchSocket sender = sockets.get(2 * pair);
    String recipient = sockets.get(2 * pair + 1).userId;
    String content = (System.nanoTime() - base) + padding;
    if (sender.emit(
        Events.MESSAGE_SEND,
        "{\"recipientId\":\"" + recipient + "\",\"content\":\"" + content + "\"}")) {
      sentNow.incrementAndGet();
    } else {
      error("send on a closed socket");
    }
  }

  @Override
  public void event(BenchSocket socket, String name, String packet) {
    boolean isSender = socket.index % 2 == 0;
    if (isSender) {
      switch (name) {
        case Events.MESSAGE_SENT -> {
          acked++;
          if (sending) {
            send(socket.index / 2);
          }
        }
        case Events.MESSAGE_ERROR -> {
          String code = BenchSocket.stringField(packet, "code");
          error("message:error " + code);
          if (sending) {
            send(socket.index / 2);
          }
        }
        default -> {}
      }
    } else if (name.equals(Events.MESSAGE_RECEIVE)) {
      received++;
      receivedNow.incrementAndGet();
      long sentAt = BenchSocket.leadingNumber(packet, "content");
      if (sentAt < 0) {
        error("message:receive without the bench's send time");
      } else if (measuring) {
        latency.recordNanos(System.nanoTime() - base - sentAt);
      }
    }
  }
}
