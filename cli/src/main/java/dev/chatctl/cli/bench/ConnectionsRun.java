package dev.chatctl.cli.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench connections}: opens {@code count} authenticated sockets ({@code perUser} per user)
 * and leaves them idle. Reports handshakes per second (first TCP connect to the last CONNECT
 * answer, settle times left out), handshake latencies, failures, and with the server's pid its
 * resident memory per socket: after the sockets idled for {@code settle} minus before the run, and
 * the marginal cost (the growth while the second half connected, per socket of that half).
 */
final class ConnectionsRun extends BenchRun {
  final int count;
  final int perUser;
  final Duration settle;
  final Duration hold;

  ConnectionsRun(
      BenchOptions options,
      PrintStream progress,
      int count,
      int perUser,
      Duration settle,
      Duration hold) {
    super(options, progress);
    if (count < 1 || perUser < 1) {
      throw new IllegalArgumentException("--count and --per-user must be at least 1");
    }
    this.count = count;
    this.perUser = perUser;
    this.settle = settle;
    this.hold = hold;
  }

  @Override
  BenchResult run() throws InterruptedException {
    BenchResult result = result("connections");
    result.params.put("count", count);
    result.params.put("perUser", perUser);
    result.params.put("concurrency", options.concurrency);
    result.params.put("sourceIps", options.sourceIps);
    long rssBefore = options.serverPid > 0 ? CpuMeter.residentBytes(options.serverPid) : -1;
    List<BenchSocket> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(newSocket(userId("u", i / perUser)));
    }
    showProgress(
        () ->
            String.format(
                "connections: %,d of %,d connected, %,d failed",
                connectedCount.get(), count, connectFailures.get()));
    // two halves, each followed by the settle time: the second half's growth is the marginal cost
    // of a socket, without the server's one-time warm-up (compiled code, classes, heap sizing)
    int half = count / 2;
    cpu.start();
    long t0 = System.nanoTime();
    boolean inTime = connectAll(all.subList(0, half), options.connectTimeout);
    long firstHalfEnd = lastConnected(all.subList(0, half), t0);
    long connectNanos = firstHalfEnd - t0;
    long rssHalf = -1;
    long connectedHalf = connectedCount.get();
    if (half > 0) {
      Thread.sleep(settle.toMillis());
      rssHalf = options.serverPid > 0 ? CpuMeter.residentBytes(options.serverPid) : -1;
    }
    long t1 = System.nanoTime();
    inTime &= connectAll(all.subList(half, count), options.connectTimeout);
    connectNanos += lastConnected(all.subList(half, count), t1) - t1;
    result.cpu.putAll(cpu.stop());
    long connected = connectedCount.get();
    double seconds = Math.max(1, connectNanos) / 1e9;
    result.metrics.put("handshakesPerSec", Math.round(connected / seconds * 10) / 10.0);
    result.metrics.put("connect", connectSummary());
    result.metrics.put("connectSeconds", Math.round(seconds * 1000) / 1000.0);
    if (!inTime) {
      result.failure =
          "the connect phase did not end within " + options.connectTimeout.toSeconds() + " s";
    } else if (connected < count) {
      result.failure = (count - connected) + " of " + count + " sockets did not connect";
    }
    Thread.sleep(settle.toMillis());
    if (options.serverPid > 0) {
      long rssAfter = CpuMeter.residentBytes(options.serverPid);
      Map<String, Object> memory = new LinkedHashMap<>();
      memory.put("rssBeforeMiB", mib(rssBefore));
      memory.put("rssHalfMiB", mib(rssHalf));
      memory.put("rssAfterMiB", mib(rssAfter));
      memory.put("perSocketKiB", connected == 0 ? null : kib(rssAfter - rssBefore, connected));
      long secondHalf = connected - connectedHalf;
      memory.put(
          "marginalPerSocketKiB",
          secondHalf <= 0 || rssHalf < 0 ? null : kib(rssAfter - rssHalf, secondHalf));
      result.metrics.put("serverMemory", memory);
    }
    long stillOpen = loop.call(() -> all.stream().filter(BenchSocket::isConnected).count());
    result.metrics.put("openAfterSettle", stillOpen);
    Thread.sleep(hold.toMillis());
    result.errors.putAll(errors());
    closeSockets();
    return result;
  }

  /** When the last of these sockets connected (or {@code otherwise}, when none did). */
  private long lastConnected(List<BenchSocket> sockets, long otherwise) {
    return loop.call(
        () ->
            sockets.stream()
                .mapToLong(s -> s.connectedAt)
                .filter(t -> t > 0)
                .max()
                .orElse(otherwise));
  }

  private static double mib(long bytes) {
    return Math.round(bytes / 1048576.0 * 10) / 10.0;
  }

  private static double kib(long bytes, long sockets) {
    return Math.round(bytes / 1024.0 / sockets * 100) / 100.0;
  }
}
