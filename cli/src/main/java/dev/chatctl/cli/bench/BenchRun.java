package dev.chatctl.cli.bench;

import dev.chatctl.protocol.auth.TokenMinter;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What every scenario shares: the loop, fresh user ids, tokens minted from the secret, the connect
 * phase (bounded concurrency, handshake latencies, failures by reason), errors by code, the
 * progress line, and the result. Scenario code runs on the loop thread unless it says otherwise.
 */
abstract class BenchRun implements BenchSocket.Listener, AutoCloseable {
  final BenchOptions options;
  final Target target;
  final WsLoop loop = new WsLoop();
  final String runId = HexFormat.of().formatHex(randomBytes(4));
  final LatencyStats handshakes = new LatencyStats();
  final CpuMeter cpu;
  private final TokenMinter issuer;
  private final PrintStream progressOut;

  /** Errors by kind ("message:error VALIDATION_FAILED", "connect refused INVALID_TOKEN", ...). */
  private final Map<String, Long> errors = new TreeMap<>();

  final AtomicLong errorCount = new AtomicLong();
  final List<BenchSocket> sockets = new ArrayList<>();

  // the connect phase (loop thread)
  private final ArrayDeque<BenchSocket> toConnect = new ArrayDeque<>();
  private int inFlight;
  private int phaseLeft;
  private CompletableFuture<Void> phaseDone;
  final AtomicLong connectedCount = new AtomicLong();
  final AtomicLong connectFailures = new AtomicLong();
  private int bindIndex;

  BenchRun(BenchOptions options, PrintStream progressOut) {
    this.options = options;
    this.target = Target.of(options.url);
    this.issuer = new TokenMinter(options.secret.value());
    this.cpu = new CpuMeter(options.serverPid);
    this.progressOut = progressOut;
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  /** A user id of this run: fresh every run, so runs never meet each other's data. */
  String userId(String role, int n) {
    return "bench-" + runId + "-" + role + n;
  }

  BenchSocket newSocket(String userId) {
    String token = issuer.issue(userId, userId, null, null, Duration.ofHours(6));
    BenchSocket socket = new BenchSocket(userId, sockets.size(), token, this);
    sockets.add(socket);
    return socket;
  }

  /** Opens one socket now (loop thread). */
  void open(BenchSocket socket) {
    socket.startedAt = System.nanoTime();
    socket.attach(
        WsConn.open(
            loop, target.address(), bindAddress(), target.hostHeader(), target.path(), socket));
  }

  /** The local address of the next connection: spread over 127.0.0.x when --source-ips asks. */
  private InetSocketAddress bindAddress() {
    if (options.sourceIps <= 1) {
      return null;
    }
    int i = bindIndex++ % options.sourceIps;
    return new InetSocketAddress("127.0.0." + (1 + i), 0);
  }

  /**
   * Connects sockets with at most {@code --concurrency} handshakes in flight; completes when each
   * has connected or failed (from any thread; waits at most {@code timeout}).
   */
  boolean connectAll(List<BenchSocket> batch, Duration timeout) throws InterruptedException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    for (BenchSocket s : batch) {
      s.inPhase = true;
    }
    loop.execute(
        () -> {
          toConnect.addAll(batch);
          phaseLeft += batch.size();
          phaseDone = done;
          if (phaseLeft == 0) {
            done.complete(null);
          }
          pump();
        });
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Sender {@code 2i} and recipient {@code 2i + 1} of each pair, fresh users. */
  List<BenchSocket> pairSockets(int pairs) {
    List<BenchSocket> all = new ArrayList<>(2 * pairs);
    for (int i = 0; i < pairs; i++) {
      all.add(newSocket(userId("s", i)));
      all.add(newSocket(userId("r", i)));
    }
    return all;
  }

  /**
   * Connects every one of {@code batch}, reporting the connect phase as {@code metric}; false, with
   * the result's failure and errors set, unless all connected in time.
   */
  boolean connectEvery(BenchResult result, String metric, List<BenchSocket> batch)
      throws InterruptedException {
    boolean inTime = connectAll(batch, options.connectTimeout);
    result.metrics.put(metric, connectSummary());
    long connected = connectedCount.get();
    if (inTime && connected >= batch.size()) {
      return true;
    }
    result.failure =
        "only "
            + connected
            + " of "
            + batch.size()
            + " sockets connected"
            + (inTime ? "" : " in " + options.connectTimeout.toSeconds() + " s");
    result.errors.putAll(errors());
    return false;
  }

  private void pump() {
    while (inFlight < options.concurrency && !toConnect.isEmpty()) {
      inFlight++;
      open(toConnect.poll());
    }
  }

  private void phaseStep() {
    inFlight--;
    phaseLeft--;
    pump();
    if (phaseLeft == 0 && phaseDone != null) {
      phaseDone.complete(null);
    }
  }

  /** Records an error by kind (loop thread). */
  void error(String kind) {
    errors.merge(kind, 1L, Long::sum);
    errorCount.incrementAndGet();
  }

  Map<String, Long> errors() {
    return loop.call(() -> new TreeMap<>(errors));
  }

  @Override
  public final void connected(BenchSocket socket) {
    connectedCount.incrementAndGet();
    handshakes.recordNanos(socket.connectedAt - socket.startedAt);
    if (inConnectPhase(socket)) {
      phaseStep();
    }
    onConnected(socket);
  }

  /** True once for a socket started by {@link #connectAll}, when its handshake ends either way. */
  private static boolean inConnectPhase(BenchSocket socket) {
    if (!socket.inPhase || socket.phaseCounted) {
      return false;
    }
    socket.phaseCounted = true;
    return true;
  }

  @Override
  public final void refused(BenchSocket socket, String code) {
    connectFailures.incrementAndGet();
    error("connect refused " + code);
    if (inConnectPhase(socket)) {
      phaseStep();
    }
    onGone(socket);
  }

  @Override
  public final void lost(BenchSocket socket, String reason) {
    boolean wasConnected = socket.connectedAt > 0;
    if (!wasConnected) {
      connectFailures.incrementAndGet();
      error("connect failed: " + brief(reason));
      if (inConnectPhase(socket)) {
        phaseStep();
      }
    } else {
      error("disconnected: " + brief(reason));
    }
    onGone(socket);
  }

  private static String brief(String reason) {
    return reason.length() > 80 ? reason.substring(0, 80) : reason;
  }

  /** A connected socket of this run (loop thread). */
  void onConnected(BenchSocket socket) {}

  /** A socket that failed or dropped (loop thread). */
  void onGone(BenchSocket socket) {}

  // ------------------------------------------------------------------ progress

  private Thread progress;

  /** Prints {@code line} every second on the progress stream (a terminal), until {@link #close}. */
  void showProgress(Supplier<String> line) {
    if (progressOut == null) {
      return;
    }
    progress =
        Thread.ofPlatform()
            .daemon()
            .name("bench-progress")
            .start(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      Thread.sleep(1_000);
                      progressOut.print("\r\033[K" + line.get());
                      progressOut.flush();
                    }
                  } catch (InterruptedException e) {
                    // the run is over
                  }
                });
  }

  private void stopProgress() {
    if (progress != null) {
      progress.interrupt();
      try {
        progress.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      progressOut.print("\r\033[K");
      progressOut.flush();
      progress = null;
    }
  }

  /** The run's result: what the scenario measured, then errors and handshakes. */
  abstract BenchResult run() throws InterruptedException;

  BenchResult result(String scenario) {
    BenchResult result = new BenchResult(scenario, options.url);
    result.errors.putAll(errors());
    return result;
  }

  /** Closes every socket (as clients do) and waits a little for the server to hear it. */
  void closeSockets() {
    loop.call(
        () -> {
          for (BenchSocket s : sockets) {
            s.close();
          }
          return null;
        });
  }

  Map<String, Object> connectSummary() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("connected", connectedCount.get());
    out.put("failed", connectFailures.get());
    out.put("handshakeMs", loop.call(handshakes::summary));
    return out;
  }

  @Override
  public void close() {
    stopProgress();
    loop.close();
  }
}
