package dev.chatctl.cli.bench;

// Over 350 lines: three kinds of abusive connection, each a few lines of raw socket code, and their
// report.

import dev.chatctl.cli.Converters.AnyDuration;
import dev.chatctl.cli.Converters.PositiveDuration;
import dev.chatctl.cli.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench abuse}: {@code --count} connections that never complete anything, of one {@code
 * --kind}: {@code slowloris} (a request's headers, one byte per {@code --interval}), {@code idle}
 * (nothing at all) or {@code partial-frame} (a WebSocket whose first frame header announces 999,000
 * bytes, followed by one). Reports the server's resident memory per such connection once all are
 * open (with {@code --server-pid}), and how many the server closed, how soon, and how many within
 * {@code --within} (its header timeout). Raw TCP, one thread, non-blocking.
 */
final class AbuseRun extends BenchRun {
  enum Kind {
    SLOWLORIS,
    IDLE,
    PARTIAL_FRAME
  }

  private static final Duration SETTLE = Duration.ofSeconds(3);

  /**
   * Timers fire a little after their time: a close up to a second past --within counts as within.
   */
  private static final Duration GRACE = Duration.ofSeconds(1);

  /** What a slowloris's headers go on with, a byte at a time: a header line, again and again. */
  private static final byte[] TRICKLE = "X-a: b\r\n".getBytes(StandardCharsets.US_ASCII);

  final Kind kind;
  final int count;
  final Duration interval;
  final Duration within;
  final Duration hold;
  private final LatencyStats closeTimes = new LatencyStats();

  AbuseRun(
      BenchOptions options,
      PrintStream progress,
      Kind kind,
      int count,
      Duration interval,
      Duration within,
      Duration hold) {
    super(options, progress);
    if (count < 1 || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("--count must be at least 1 and --interval more than 0");
    }
    this.kind = kind;
    this.count = count;
    this.interval = interval;
    this.within = within;
    this.hold = hold;
  }

  /** One abusive connection: its channel, when it opened, and when the server closed it. */
  private static final class Abuser {
    final SocketChannel channel;
    final long openedAt = System.nanoTime();
    long closedAt;
    boolean refused;
    int trickled;

    Abuser(SocketChannel channel) {
      this.channel = channel;
    }
  }

  @Override
  BenchResult run() throws InterruptedException {
    BenchResult result = result("abuse");
    result.params.put("kind", kind.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    result.params.put("count", count);
    result.params.put("intervalS", interval.toMillis() / 1000.0);
    result.params.put("withinS", within.toMillis() / 1000.0);
    result.params.put("holdS", hold.toMillis() / 1000.0);
    long rssBefore = options.serverPid > 0 ? CpuMeter.residentBytes(options.serverPid) : -1;
    List<Abuser> abusers = new ArrayList<>(count);
    int failed = 0;
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < count; i++) {
        try {
          Abuser a = open();
          a.channel.register(selector, SelectionKey.OP_READ, a);
          abusers.add(a);
        } catch (IOException e) {
          failed++;
          error("open failed: " + e.getClass().getSimpleName());
        }
      }
      long openedAt = System.nanoTime();
      watch(selector, abusers, openedAt + SETTLE.toNanos());
      long rssAfter = options.serverPid > 0 ? CpuMeter.residentBytes(options.serverPid) : -1;
      watch(selector, abusers, openedAt + hold.toNanos());
      Map<String, Object> connections = new LinkedHashMap<>();
      connections.put("opened", abusers.size());
      connections.put("failed", failed);
      result.metrics.put("connections", connections);
      if (rssBefore > 0 && rssAfter > 0) {
        Map<String, Object> rss = new LinkedHashMap<>();
        rss.put("beforeMiB", Math.round(rssBefore / 1048576.0 * 10) / 10.0);
        rss.put("afterMiB", Math.round(rssAfter / 1048576.0 * 10) / 10.0);
        rss.put(
            "perConnectionKiB",
            abusers.isEmpty()
                ? null
                : Math.round((rssAfter - rssBefore) / 1024.0 / abusers.size() * 100) / 100.0);
        result.metrics.put("serverRss", rss);
      }
      report(result, abusers);
    } catch (IOException e) {
      result.failure = "selector: " + e.getMessage();
    } finally {
      for (Abuser a : abusers) {
        closeQuietly(a.channel);
      }
    }
    return result;
  }

  private void report(BenchResult result, List<Abuser> abusers) {
    long closed = 0;
    long inTime = 0;
    long refused = 0;
    for (Abuser a : abusers) {
      if (a.refused) {
        refused++;
      } else if (a.closedAt > 0) {
        closed++;
        closeTimes.recordNanos(a.closedAt - a.openedAt);
        if (a.closedAt - a.openedAt <= within.toNanos() + GRACE.toNanos()) {
          inTime++;
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("closed", closed);
    out.put("closedWithin", inTime);
    out.put("refused503", refused);
    out.put("stillOpen", abusers.size() - closed - refused);
    result.metrics.put("byServer", out);
    result.metrics.put("closeAfterMs", closeTimes.summary());
  }

  /** Connects one abuser and sends what its kind sends first. */
  private Abuser open() throws IOException {
    InetSocketAddress address = target.address();
    SocketChannel channel = SocketChannel.open(address);
    try {
      channel.socket().setSoTimeout(10_000);
      String host = target.hostHeader();
      switch (kind) {
        case SLOWLORIS ->
            write(
                channel,
                "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: " + host + "\r\n");
        case IDLE -> {}
        case PARTIAL_FRAME -> {
          write(
              channel,
              "GET "
                  + Target.PATH
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
          readHead(channel);
          // FIN + text, masked, 64-bit length 999,000; the mask; one payload byte
          ByteBuffer frame =
              ByteBuffer.allocate(15)
                  .put((byte) 0x81)
                  .put((byte) 0xFF)
                  .putLong(999_000)
                  .putInt(0x01020304)
                  .put((byte) 'x');
          channel.write(frame.flip());
        }
      }
      channel.configureBlocking(false);
      return new Abuser(channel);
    } catch (IOException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Until {@code until} (or every abuser is closed): notes the server's closes (a 503 first means
   * refused), and sends a slowloris's next header byte every {@code --interval}.
   */
  private void watch(Selector selector, List<Abuser> abusers, long until) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(4096);
    long nextTrickle = System.nanoTime() + interval.toNanos();
    while (System.nanoTime() < until && !selector.keys().isEmpty()) {
      selector.select(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
      for (SelectionKey key : selector.selectedKeys()) {
        Abuser a = (Abuser) key.attachment();
        in.clear();
        int n;
        try {
          n = a.channel.read(in);
        } catch (IOException e) {
          n = -1;
        }
        if (n > 0
            && new String(in.array(), 0, n, StandardCharsets.ISO_8859_1)
                .startsWith("HTTP/1.1 503")) {
          a.refused = true;
        }
        if (n < 0) {
          closed(a, key);
        }
      }
      selector.selectedKeys().clear();
      if (kind == Kind.SLOWLORIS && System.nanoTime() >= nextTrickle) {
        nextTrickle += interval.toNanos();
        for (SelectionKey key : selector.keys()) {
          Abuser a = (Abuser) key.attachment();
          try {
            a.channel.write(ByteBuffer.wrap(TRICKLE, a.trickled++ % TRICKLE.length, 1));
          } catch (IOException e) {
            closed(a, key);
          }
        }
      }
    }
  }

  private static void closed(Abuser a, SelectionKey key) {
    if (a.closedAt == 0) {
      a.closedAt = System.nanoTime();
    }
    key.cancel();
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  /** Reads a response's status line and headers; anything but a 101 is an IOException. */
  private static void readHead(SocketChannel channel) throws IOException {
    InputStream in = channel.socket().getInputStream(); // blocking here, with the socket's timeout
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the upgrade");
      }
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + head.substring(0, head.indexOf("\r")));
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Command(
      name = "abuse",
      mixinStandardHelpOptions = true,
      footer = ExitCodes.FOOTER,
      description = {
        "Slow and stuck connections: --count connections of one --kind (slowloris: headers one byte per --interval;",
        "idle: nothing; partial-frame: a WebSocket frame that announces 999,000 bytes and sends one). Reports the server's",
        "resident memory per connection (--server-pid) and how many it closed, how soon, and how many within --within."
      })
  static final class Cli extends BenchCommand.Scenario {
    @Option(
        names = "--kind",
        paramLabel = "KIND",
        defaultValue = "slowloris",
        description = "slowloris, idle or partial-frame (default ${DEFAULT-VALUE}).")
    String kind;

    @Option(
        names = "--count",
        paramLabel = "N",
        defaultValue = "1000",
        description = "Connections (default ${DEFAULT-VALUE}).")
    int count;

    @Option(
        names = "--interval",
        paramLabel = "DURATION",
        defaultValue = "1s",
        converter = PositiveDuration.class,
        description = "A slowloris's time between header bytes (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(
        names = "--within",
        paramLabel = "DURATION",
        defaultValue = "30s",
        converter = PositiveDuration.class,
        description =
            "The server's header timeout: closes up to a second after it count as within (default ${DEFAULT-VALUE}).")
    Duration within;

    @Option(
        names = "--hold",
        paramLabel = "DURATION",
        defaultValue = "120s",
        converter = AnyDuration.class,
        description = "Longest wait for the server to close them all (default ${DEFAULT-VALUE}).")
    Duration hold;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      Kind k;
      try {
        k = Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--kind must be slowloris, idle or partial-frame, not " + kind);
      }
      return new AbuseRun(options, progress, k, count, interval, within, hold);
    }

    @Override
    int sockets() {
      return count;
    }
  }
}
