package dev.chatctl.cli.bench;

import dev.chatctl.cli.CommandFailure;
import dev.chatctl.cli.ExitCodes;
import dev.chatctl.cli.SettingsOptions;
import dev.chatctl.util.Durations;
import dev.chatctl.server.config.Settings;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code chatctl bench}: a load generator that speaks only the wire contract. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Load generator for any server of the wire contract (chatctl, the Node.js original, ...): websocket"
            + " transport only, fresh random users per run, tokens minted from the secret. Each run is bounded in"
            + " time, prints a table (or --json: one JSON object per run), and exits 1 when any error happened"
            + " (errors are counted and listed, never hidden).",
    subcommands = {
      BenchCommand.Throughput.class,
      BenchCommand.Latency.class,
      BenchCommand.Connections.class,
      BenchCommand.Presence.class
    },
    footer = ExitCodes.FOOTER)
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every scenario takes. */
  static final class Common {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:3001",
        description = "The server (default ${DEFAULT-VALUE}); plain http:// or ws:// only.")
    String url;

    @Option(names = "--secret", paramLabel = "SECRET",
        description = "The server's NEXTAUTH_SECRET, to mint HS256 tokens (else NEXTAUTH_SECRET / AUTH_SECRET / .env, else the development secret in ./data).")
    String secret;

    @Option(names = "--server-pid", paramLabel = "PID", defaultValue = "0",
        description = "The server's process id: its CPU (and, for connections, resident memory) is reported.")
    long serverPid;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "200",
        description = "Handshakes in flight at once while connecting (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--source-ips", paramLabel = "N", defaultValue = "0",
        description = "Spread connections over local addresses 127.0.0.1..N (loopback servers only; 0 = one address per 25,000 sockets).")
    int sourceIps;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "120s",
        description = "Longest the connect phase may take (default ${DEFAULT-VALUE}).")
    String connectTimeout;

    @Option(names = "--drain", paramLabel = "DURATION", defaultValue = "5s",
        description = "How long to wait for messages in flight once sending stops (default ${DEFAULT-VALUE}).")
    String drain;

    @Option(names = "--json", description = "Print one JSON object for the run instead of the table.")
    boolean json;

    @Option(names = "--no-progress", description = "No live progress line (there is none when stderr is not a terminal).")
    boolean noProgress;

    BenchOptions options(int sockets) {
      BenchOptions o = new BenchOptions();
      o.url = url;
      o.secret = secret();
      o.serverPid = serverPid;
      if (concurrency < 1) {
        throw new CommandFailure(ExitCodes.USAGE, "--concurrency must be at least 1");
      }
      o.concurrency = concurrency;
      o.connectTimeout = Durations.parse("--connect-timeout", connectTimeout);
      o.drain = Durations.parse("--drain", drain);
      try {
        Target target = Target.of(url);
        if (sourceIps > 1 && !target.isLoopback()) {
          throw new CommandFailure(ExitCodes.USAGE, "--source-ips works with a loopback server only");
        }
        o.sourceIps = sourceIps > 0 ? Math.min(254, sourceIps) : target.isLoopback() ? Math.min(254, 1 + (sockets - 1) / 25_000) : 1;
      } catch (IllegalArgumentException e) {
        throw new CommandFailure(ExitCodes.USAGE, e.getMessage());
      }
      return o;
    }

    private String secret() {
      Map<String, String> flags = new HashMap<>();
      SettingsOptions.put(flags, "NEXTAUTH_SECRET", secret);
      return SettingsOptions.secret(Settings.load(flags), false).value();
    }

    PrintStream progress() {
      return noProgress || json || System.console() == null ? null : System.err;
    }
  }

  abstract static class Scenario implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Common common;

    abstract BenchRun create(BenchOptions options, PrintStream progress);

    abstract int sockets();

    @Override
    public Integer call() throws Exception {
      BenchOptions options = common.options(sockets());
      BenchResult result;
      try (BenchRun run = create(options, common.progress())) {
        result = run.run();
      } catch (IllegalArgumentException e) {
        throw new CommandFailure(ExitCodes.USAGE, e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(common.json ? result.toJson() : result.toTable());
      out.flush();
      Object connected = result.metrics.get("connect") instanceof Map<?, ?> m ? m.get("connected") : null;
      if (Long.valueOf(0).equals(connected)) {
        return ExitCodes.UNAVAILABLE;
      }
      return result.failure != null || result.errorCount() > 0 || positive(result.metrics.get("lost")) ? ExitCodes.REFUSED : ExitCodes.OK;
    }

    private static boolean positive(Object value) {
      return value instanceof Number n && n.longValue() > 0;
    }
  }

  static Duration duration(String name, String text) {
    Duration d = Durations.parse(name, text);
    if (d.isZero() || d.isNegative()) {
      throw new CommandFailure(ExitCodes.USAGE, name + " must be more than 0");
    }
    return d;
  }

  @Command(name = "throughput", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
      description = {"Closed loop: each sender keeps --window messages unanswered; a message counts when its recipient got message:receive.",
          "Reports delivered messages/s and send -> receive latency percentiles."})
  static final class Throughput extends Scenario {
    @Option(names = "--pairs", defaultValue = "100", description = "Sender/recipient pairs, each two users (default ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--window", defaultValue = "32", description = "Messages each sender keeps unanswered (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--duration", defaultValue = "10s", description = "Measured time (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "2s", description = "Time sending before measuring (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--size", defaultValue = "32", description = "Characters per message (default ${DEFAULT-VALUE}).")
    int size;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      return new ThroughputRun(options, progress, pairs, window, Durations.parse("--warmup", warmup), duration("--duration", duration), size);
    }

    @Override
    int sockets() {
      return 2 * pairs;
    }
  }

  @Command(name = "latency", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
      description = {"Open loop at a fixed offered rate, round-robin over pairs; latency from each message's intended send time",
          "to its receipt (no coordinated omission). Reports the achieved rate and p50/p90/p99/p99.9/max."})
  static final class Latency extends Scenario {
    @Option(names = "--rate", defaultValue = "5000", description = "Offered messages per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--pairs", defaultValue = "100", description = "Sender/recipient pairs (default ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--duration", defaultValue = "10s", description = "Measured time (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "2s", description = "Time offering before measuring (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--size", defaultValue = "32", description = "Characters per message (default ${DEFAULT-VALUE}).")
    int size;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      return new LatencyRun(options, progress, pairs, rate, Durations.parse("--warmup", warmup), duration("--duration", duration), size);
    }

    @Override
    int sockets() {
      return 2 * pairs;
    }
  }

  @Command(name = "connections", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
      description = {"Idle authenticated sockets, one user each or --per-user several: handshakes/s, failures, and with",
          "--server-pid the server's resident memory per socket. One process holds at most as many sockets as its",
          "open-file limit allows (ulimit -n); run several to go further."})
  static final class Connections extends Scenario {
    @Option(names = "--count", defaultValue = "20000", description = "Sockets to open (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--per-user", defaultValue = "1", description = "Sockets per user (default ${DEFAULT-VALUE}).")
    int perUser;

    @Option(names = "--settle", defaultValue = "5s", description = "Idle time before the memory is read (default ${DEFAULT-VALUE}).")
    String settle;

    @Option(names = "--hold", defaultValue = "0s", description = "How long to keep the sockets open after that (default ${DEFAULT-VALUE}).")
    String hold;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      return new ConnectionsRun(options, progress, count, perUser, Durations.parse("--settle", settle), Durations.parse("--hold", hold));
    }

    @Override
    int sockets() {
      return count;
    }
  }

  @Command(name = "presence", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
      description = {"user:online fan-out: --observers users stay connected while new users connect at --churn per second",
          "and leave after --lifetime; latency from a newcomer's CONNECT to each observer's user:online."})
  static final class Presence extends Scenario {
    @Option(names = "--observers", defaultValue = "1000", description = "Users connected throughout (default ${DEFAULT-VALUE}).")
    int observers;

    @Option(names = "--churn", defaultValue = "100/s", paramLabel = "N/s", description = "Newcomers per second (default ${DEFAULT-VALUE}).")
    String churn;

    @Option(names = "--duration", defaultValue = "10s", description = "How long newcomers keep coming (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--lifetime", defaultValue = "1s", description = "How long each newcomer stays (default ${DEFAULT-VALUE}).")
    String lifetime;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      return new PresenceRun(options, progress, observers, rate("--churn", churn), duration("--duration", duration), Durations.parse("--lifetime", lifetime));
    }

    @Override
    int sockets() {
      return observers + 1;
    }
  }

  /** A rate: {@code 100}, {@code 100/s} or {@code 6000/min}. */
  static double rate(String name, String text) {
    String t = text.trim().toLowerCase();
    double per = 1;
    if (t.endsWith("/s")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("/min")) {
      t = t.substring(0, t.length() - 4);
      per = 60;
    }
    try {
      double value = Double.parseDouble(t) / per;
      if (value > 0 && Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // below
    }
    throw new CommandFailure(ExitCodes.USAGE, name + ": a rate like 100/s or 6000/min (got " + text + ")");
  }
}
