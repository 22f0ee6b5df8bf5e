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
 * answer), handshake latencies, failures, and with the server's pid its resident memory per socket
 * (after the sockets idled for {@code settle}, minus before the run).
 */
final class ConnectionsRun extends BenchRun {
  final int count;
  final int perUser;
  final Duration settle;
  final Duration hold;

  ConnectionsRun(BenchOptions options, PrintStream progress, int count, int perUser, Duration settle, Duration hold) {
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
    showProgress(() -> String.format("connections: %,d of %,d connected, %,d failed", connectedCount.get(), count, connectFailures.get()));
    cpu.start();
    long t0 = System.nanoTime();
    boolean inTime = connectAll(all, options.connectTimeout);
    long lastConnected = loop.call(() -> all.stream().mapToLong(s -> s.connectedAt).max().orElse(t0));
    result.cpu.putAll(cpu.stop());
    long connected = connectedCount.get();
    double seconds = Math.max(1, lastConnected - t0) / 1e9;
    result.metrics.put("handshakesPerSec", Math.round(connected / seconds * 10) / 10.0);
    result.metrics.put("connect", connectSummary());
    result.metrics.put("connectSeconds", Math.round(seconds * 1000) / 1000.0);
    if (!inTime) {
      result.failure = "the connect phase did not end within " + options.connectTimeout.toSeconds() + " s";
    } else if (connected < count) {
      result.failure = (count - connected) + " of " + count + " sockets did not connect";
    }
    Thread.sleep(settle.toMillis());
    if (options.serverPid > 0) {
      long rssAfter = CpuMeter.residentBytes(options.serverPid);
      Map<String, Object> memory = new LinkedHashMap<>();
      memory.put("rssBeforeMiB", Math.round(rssBefore / 1048576.0 * 10) / 10.0);
      memory.put("rssAfterMiB", Math.round(rssAfter / 1048576.0 * 10) / 10.0);
      memory.put("perSocketKiB", connected == 0 ? null : Math.round((rssAfter - rssBefore) / 1024.0 / connected * 100) / 100.0);
      result.metrics.put("serverMemory", memory);
    }
    long stillOpen = loop.call(() -> all.stream().filter(BenchSocket::isConnected).count());
    result.metrics.put("openAfterSettle", stillOpen);
    Thread.sleep(hold.toMillis());
    result.errors.putAll(errors());
    closeSockets();
    return result;
  }
}
