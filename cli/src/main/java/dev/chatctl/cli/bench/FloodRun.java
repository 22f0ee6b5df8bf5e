package dev.chatctl.cli.bench;

import dev.chatctl.cli.Converters.AnyDuration;
import dev.chatctl.cli.Converters.PositiveDuration;
import dev.chatctl.cli.Converters.Rate;
import dev.chatctl.cli.ExitCodes;
import dev.chatctl.protocol.chat.Events;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench flood}: well-behaved pairs send at a modest fixed rate (an open loop, latency from
 * each message's intended send time) while one or more flooding sockets each send {@code --flood}
 * messages as fast as they can, from the end of the warm-up. Reports the pairs' latency over the
 * whole measured time and for the messages meant to go while the flood was unanswered, and the
 * flooders' messages accepted ({@code message:sent}) and refused ({@code message:error}, by code).
 * A refused flood message is the server defending itself, not a bench error.
 */
final class FloodRun extends BenchRun {
  final int pairs;
  final double rate;
  final int flooders;
  final int flood;
  final Duration warmup;
  final Duration duration;
  final String padding;
  private final long base = System.nanoTime();
  private final LatencyStats latency = new LatencyStats();
  private final LatencyStats duringFlood = new LatencyStats();
  private volatile long measureFrom;
  private volatile long measureTo;

  /**
   * Instants (relative to base) between the flood's first send and its last answer; loop thread.
   */
  private volatile long floodFrom = Long.MAX_VALUE;

  private long floodTo = Long.MAX_VALUE;
  private final AtomicLong offered = new AtomicLong();
  private long received;
  private final AtomicLong floodSent = new AtomicLong();
  private long accepted;
  private long floodDelivered;
  private final Map<String, Long> refused = new TreeMap<>();
  private long floodSendNanos;

  FloodRun(
      BenchOptions options,
      PrintStream progress,
      int pairs,
      double rate,
      int flooders,
      int flood,
      Duration warmup,
      Duration duration,
      int size) {
    super(options, progress);
    if (pairs < 1 || !(rate > 0) || flooders < 1 || flood < 1) {
      throw new IllegalArgumentException(
          "--pairs, --flooders and --flood must be at least 1 and --rate more than 0");
    }
    this.pairs = pairs;
    this.rate = rate;
    this.flooders = flooders;
    this.flood = flood;
    this.warmup = warmup;
    this.duration = duration;
    this.padding = ThroughputRun.padding(size);
  }

  /** Pairs are sockets 0 .. 2*pairs-1; then each flooder and the user it floods. */
  private boolean isFlooder(BenchSocket s) {
    return s.index >= 2 * pairs && (s.index - 2 * pairs) % 2 == 0;
  }

  @Override
  BenchResult run() throws InterruptedException {
    BenchResult result = result("flood");
    result.params.put("pairs", pairs);
    result.params.put("ratePerSec", rate);
    result.params.put("flooders", flooders);
    result.params.put("floodPerFlooder", flood);
    result.params.put("warmupS", warmup.toMillis() / 1000.0);
    result.params.put("durationS", duration.toMillis() / 1000.0);
    showProgress(
        () ->
            String.format(
                "flood: %,d connected, %,d offered, %,d flood sent, %,d errors",
                connectedCount.get(), offered.get(), floodSent.get(), errorCount.get()));
    List<BenchSocket> all = pairSockets(pairs);
    for (int i = 0; i < flooders; i++) {
      all.add(newSocket(userId("flooder", i)));
      all.add(newSocket(userId("flooded", i)));
    }
    if (!connectEvery(result, "connect", all)) {
      return result;
    }
    long start = System.nanoTime() + 1_000_000;
    measureFrom = start + warmup.toNanos() - base;
    measureTo = measureFrom + duration.toNanos();
    OpenLoop schedule = new OpenLoop(start, rate, warmup.toNanos() + duration.toNanos());
    Thread sender = Thread.ofPlatform().name("bench-sender").start(() -> offer(schedule));
    Thread.sleep(Math.max(0, (start - System.nanoTime()) / 1_000_000 + warmup.toMillis()));
    cpu.start();
    Thread[] floods = new Thread[flooders];
    long floodStart = System.nanoTime();
    floodFrom = floodStart - base;
    for (int i = 0; i < flooders; i++) {
      BenchSocket flooder = sockets.get(2 * pairs + 2 * i);
      String target = sockets.get(2 * pairs + 2 * i + 1).userId;
      floods[i] =
          Thread.ofPlatform().name("bench-flooder-" + i).start(() -> floodFrom(flooder, target));
    }
    for (Thread t : floods) {
      t.join();
    }
    floodSendNanos = System.nanoTime() - floodStart;
    sender.join();
    result.cpu.putAll(cpu.stop());
    long total = (long) flood * flooders;
    long deadline =
        System.nanoTime() + Math.max(options.drain.toNanos(), Duration.ofSeconds(60).toNanos());
    while (System.nanoTime() < deadline
        && !loop.call(() -> received >= offered.get() && answered() >= total)) {
      Thread.sleep(20);
    }
    report(result, total);
    closeSockets();
    return result;
  }

  private long answered() {
    return accepted + refused.values().stream().mapToLong(Long::longValue).sum();
  }

  private void report(BenchResult result, long total) {
    result.metrics.put("latencyMs", loop.call(latency::summary));
    result.metrics.put("duringFloodMs", loop.call(duringFlood::summary));
    Map<String, Object> messages = new LinkedHashMap<>();
    messages.put("offered", offered.get());
    messages.put("received", loop.call(() -> received));
    result.metrics.put("pairMessages", messages);
    result.metrics.put("undelivered", Math.max(0, offered.get() - loop.call(() -> received)));
    Map<String, Object> floodOut = new LinkedHashMap<>();
    loop.call(
        () -> {
          floodOut.put("sent", floodSent.get());
          floodOut.put("accepted", accepted);
          floodOut.put("refused", new TreeMap<>(refused));
          floodOut.put("unanswered", Math.max(0, total - answered()));
          floodOut.put("delivered", floodDelivered);
          floodOut.put("sendS", Math.round(floodSendNanos / 1e6) / 1000.0);
          floodOut.put(
              "answeredS",
              floodTo == Long.MAX_VALUE ? null : Math.round((floodTo - floodFrom) / 1e6) / 1000.0);
          return null;
        });
    result.metrics.put("flood", floodOut);
    result.errors.putAll(errors());
  }

  /** A flooder thread: every message at once, as fast as the socket takes them. */
  private void floodFrom(BenchSocket flooder, String target) {
    String payload = "{\"recipientId\":\"" + target + "\",\"content\":\"flood" + padding + "\"}";
    for (int i = 0; i < flood; i++) {
      if (!flooder.emit(Events.MESSAGE_SEND, payload)) {
        loop.execute(() -> error("flood send on a closed socket"));
        return;
      }
      floodSent.incrementAndGet();
    }
  }

  /** The pairs' sender thread: round-robin, each message at its intended instant. */
  private void offer(OpenLoop schedule) {
    for (long now = System.nanoTime(), i; ; now = System.nanoTime()) {
      if ((i = schedule.takeDue(now)) < 0) {
        long wait = schedule.waitNanos(now);
        if (wait < 0) {
          return;
        }
        LockSupport.parkNanos(wait);
        continue;
      }
      int pair = (int) (i % pairs);
      String to = sockets.get(2 * pair + 1).userId;
      offered.incrementAndGet();
      String content = (schedule.intendedAt(i) - base) + padding;
      if (!sockets
          .get(2 * pair)
          .emit(
              Events.MESSAGE_SEND,
              "{\"recipientId\":\"" + to + "\",\"content\":\"" + content + "\"}")) {
        loop.execute(() -> error("send on a closed socket"));
      }
    }
  }

  @Override
  public void event(BenchSocket socket, String name, String packet) {
    if (socket.index >= 2 * pairs) {
      floodEvent(socket, name, packet);
    } else if (socket.index % 2 == 0) {
      if (name.equals(Events.MESSAGE_ERROR)) {
        error("message:error " + BenchSocket.stringField(packet, "code"));
      }
    } else if (name.equals(Events.MESSAGE_RECEIVE)) {
      received++;
      long intended = BenchSocket.leadingNumber(packet, "content");
      long now = System.nanoTime() - base;
      if (intended < 0) {
        error("message:receive without the bench's send time");
      } else if (intended >= measureFrom && intended < measureTo) {
        latency.recordNanos(now - intended);
        if (intended >= floodFrom && intended <= floodTo) {
          duringFlood.recordNanos(now - intended);
        }
      }
    }
  }

  private void floodEvent(BenchSocket socket, String name, String packet) {
    if (!isFlooder(socket)) {
      if (name.equals(Events.MESSAGE_RECEIVE)) {
        floodDelivered++;
      }
      return;
    }
    if (name.equals(Events.MESSAGE_SENT)) {
      accepted++;
    } else if (name.equals(Events.MESSAGE_ERROR)) {
      refused.merge(String.valueOf(BenchSocket.stringField(packet, "code")), 1L, Long::sum);
    } else {
      return;
    }
    if (answered() == (long) flood * flooders) {
      floodTo = System.nanoTime() - base;
    }
  }

  @Command(
      name = "flood",
      mixinStandardHelpOptions = true,
      footer = ExitCodes.FOOTER,
      description = {
        "Fairness under a flood: --flooders sockets each send --flood messages as fast as they can while --pairs",
        "well-behaved pairs send at --rate; reports the pairs' latency (p50/p99/max) and the flood's accepted/refused counts."
      })
  static final class Cli extends BenchCommand.Scenario {
    @Option(
        names = "--pairs",
        paramLabel = "N",
        defaultValue = "10",
        description = "Well-behaved sender/recipient pairs (default ${DEFAULT-VALUE}).")
    int pairs;

    @Option(
        names = "--rate",
        paramLabel = "N/s",
        defaultValue = "100",
        converter = Rate.class,
        description = "The pairs' messages per second, together (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(
        names = "--flooders",
        paramLabel = "N",
        defaultValue = "1",
        description = "Flooding sockets, each its own user (default ${DEFAULT-VALUE}).")
    int flooders;

    @Option(
        names = "--flood",
        paramLabel = "N",
        defaultValue = "20000",
        description = "Messages each flooder sends at once (default ${DEFAULT-VALUE}).")
    int flood;

    @Option(
        names = "--duration",
        paramLabel = "DURATION",
        defaultValue = "10s",
        converter = PositiveDuration.class,
        description =
            "Measured time; the flood starts at its beginning (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--warmup",
        paramLabel = "DURATION",
        defaultValue = "2s",
        converter = AnyDuration.class,
        description = "Time the pairs send before the flood (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
        names = "--size",
        paramLabel = "N",
        defaultValue = "32",
        description = "Characters per message (default ${DEFAULT-VALUE}).")
    int size;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      return new FloodRun(options, progress, pairs, rate, flooders, flood, warmup, duration, size);
    }

    @Override
    int sockets() {
      return 2 * pairs + 2 * flooders;
    }
  }
}
