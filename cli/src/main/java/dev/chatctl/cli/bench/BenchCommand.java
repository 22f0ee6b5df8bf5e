package dev.chatctl.cli.bench;

// Over 350 lines: the picocli declarations of every scenario's options, one block each; the
// scenarios' logic is in the *Run classes.

import dev.chatctl.cli.CommandFailure;
import dev.chatctl.cli.ConnectionOptions;
import dev.chatctl.cli.Converters.AnyDuration;
import dev.chatctl.cli.Converters.PositiveDuration;
import dev.chatctl.cli.Converters.Rate;
import dev.chatctl.cli.ExitCodes;
import dev.chatctl.cli.GroupCommand;
import dev.chatctl.cli.SecretOptions;
import dev.chatctl.protocol.chat.ErrorCode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chatctl bench}: a load generator that speaks only the wire contract. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Load generator for any server of the wire contract (chatctl, the Node.js original, ...): WebSocket transport "
          + "only, fresh random users per run, tokens minted from the server's secret. Each run is bounded in time, "
          + "prints a table (or --json: one JSON object per run) and exits 1 when anything went wrong (errors are "
          + "counted and listed, never hidden), 3 when the server could not be reached."
    },
    subcommands = {
      BenchCommand.Throughput.class,
      BenchCommand.Latency.class,
      BenchCommand.Connections.class,
      BenchCommand.Presence.class,
      FloodRun.Cli.class,
      AbuseRun.Cli.class
    },
    footer = {
      "%nExamples:",
      "  chatctl bench throughput --url http://127.0.0.1:3001 --secret \"$NEXTAUTH_SECRET\"",
      "  chatctl bench latency --rate 2000 --json >> results.jsonl",
      ExitCodes.FOOTER
    })
public final class BenchCommand extends GroupCommand {

  /** Options every scenario takes. */
  static final class Common {
    @Option(
        names = "--url",
        paramLabel = "URL",
        description =
            "The server, plain http:// or ws:// (else CHATCTL_URL, else http://localhost:WS_PORT, default port 3001).")
    String url;

    @Mixin SecretOptions secret;

    @Option(
        names = "--server-pid",
        paramLabel = "PID",
        defaultValue = "0",
        description =
            "The server's process id: its CPU (and, for connections, resident memory) is reported.")
    long serverPid;

    @Option(
        names = "--concurrency",
        paramLabel = "N",
        defaultValue = "200",
        description = "Handshakes in flight at once while connecting (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
        names = "--source-ips",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "Spread connections over local addresses 127.0.0.1..N (loopback servers only; 0 = one address per 25,000 sockets).")
    int sourceIps;

    @Option(
        names = "--connect-timeout",
        paramLabel = "DURATION",
        defaultValue = "120s",
        converter = PositiveDuration.class,
        description = "Longest the connect phase may take (default ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(
        names = "--drain",
        paramLabel = "DURATION",
        defaultValue = "5s",
        converter = AnyDuration.class,
        description =
            "How long to wait for messages in flight once sending stops (default ${DEFAULT-VALUE}).")
    Duration drain;

    @Option(
        names = "--json",
        description = "Print one JSON object for the run instead of the table.")
    boolean json;

    @Option(
        names = "--no-progress",
        description = "No live progress line (there is none when stderr is not a terminal).")
    boolean noProgress;

    BenchOptions options(int sockets) {
      BenchOptions o = new BenchOptions();
      o.url = ConnectionOptions.serverUrl(url, secret.settings());
      o.secret = secret.resolve(false);
      o.serverPid = serverPid;
      if (concurrency < 1) {
        throw new CommandFailure(ExitCodes.USAGE, "--concurrency must be at least 1");
      }
      o.concurrency = concurrency;
      o.connectTimeout = connectTimeout;
      o.drain = drain;
      try {
        Target target = Target.of(o.url);
        if (sourceIps > 1 && !target.isLoopback()) {
          throw new CommandFailure(
              ExitCodes.USAGE, "--source-ips works with a loopback server only");
        }
        o.sourceIps =
            sourceIps > 0
                ? Math.min(254, sourceIps)
                : target.isLoopback() ? Math.min(254, 1 + (sockets - 1) / 25_000) : 1;
      } catch (IllegalArgumentException e) {
        throw new CommandFailure(ExitCodes.USAGE, e.getMessage());
      }
      return o;
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
      if (result.errors.keySet().stream()
          .anyMatch(kind -> kind.contains(ErrorCode.TOKEN_INVALID.name()))) {
        spec.commandLine()
            .getErr()
            .println("chatctl: " + SecretOptions.mismatchHint(options.secret));
      }
      return exitCode(result);
    }

    /**
     * 3 when the server could not be reached at all (nothing connected, and no socket was refused);
     * 1 when anything else went wrong (refused, errors, lost messages, a failed phase); else 0.
     */
    static int exitCode(BenchResult result) {
      Object connected =
          result.metrics.get("connect") instanceof Map<?, ?> m ? m.get("connected") : null;
      boolean unreachable =
          Long.valueOf(0).equals(connected)
              && !result.errors.isEmpty()
              && result.errors.keySet().stream()
                  .allMatch(kind -> kind.startsWith("connect failed"));
      if (unreachable) {
        return ExitCodes.UNAVAILABLE;
      }
      return result.failure != null
              || result.errorCount() > 0
              || positive(result.metrics.get("lost"))
          ? ExitCodes.REFUSED
          : ExitCodes.OK;
    }

    private static boolean positive(Object value) {
      return value instanceof Number n && n.longValue() > 0;
    }
  }

  /** The message load of the throughput and latency scenarios. */
  static final class MessageLoad {
    @Option(
        names = "--pairs",
        paramLabel = "N",
        defaultValue = "100",
        description = "Sender/recipient pairs, each two users (default ${DEFAULT-VALUE}).")
    int pairs;

    @Option(
        names = "--duration",
        paramLabel = "DURATION",
        defaultValue = "10s",
        converter = PositiveDuration.class,
        description = "Measured time (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--warmup",
        paramLabel = "DURATION",
        defaultValue = "2s",
        converter = AnyDuration.class,
        description = "Time sending before measuring (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
        names = "--size",
        paramLabel = "N",
        defaultValue = "32",
        description = "Characters per message (default ${DEFAULT-VALUE}).")
    int size;
  }

  @Command(
      name = "throughput",
      mixinStandardHelpOptions = true,
      description =
          "Closed loop: each sender keeps --window messages unanswered; a message counts when its recipient got "
              + "message:receive. Reports delivered messages/s and send-to-receive latency percentiles.",
      footer = {
        "%nExamples:",
        "  chatctl bench throughput --pairs 100 --window 32 --duration 10s",
        ExitCodes.FOOTER
      })
  static final class Throughput extends Scenario {
    @Mixin MessageLoad load;

    @Option(
        names = "--window",
        paramLabel = "N",
        defaultValue = "32",
        description = "Messages each sender keeps unanswered (default ${DEFAULT-VALUE}).")
    int window;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      return new ThroughputRun(
          options, progress, load.pairs, window, load.warmup, load.duration, load.size);
    }

    @Override
    int sockets() {
      return 2 * load.pairs;
    }
  }

  @Command(
      name = "latency",
      mixinStandardHelpOptions = true,
      description =
          "Open loop at a fixed offered rate, round-robin over pairs; latency from each message's intended send "
              + "time to its receipt (no coordinated omission). Reports the achieved rate and p50, p90, p99, p99.9 and max.",
      footer = {
        "%nExamples:",
        "  chatctl bench latency --rate 3000 --duration 30s",
        ExitCodes.FOOTER
      })
  static final class Latency extends Scenario {
    @Mixin MessageLoad load;

    @Option(
        names = "--rate",
        paramLabel = "N/s",
        defaultValue = "5000",
        converter = Rate.class,
        description = "Offered messages per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      return new LatencyRun(
          options, progress, load.pairs, rate, load.warmup, load.duration, load.size);
    }

    @Override
    int sockets() {
      return 2 * load.pairs;
    }
  }

  @Command(
      name = "connections",
      mixinStandardHelpOptions = true,
      description =
          "Idle authenticated sockets, one user each or --per-user several: handshakes/s, failures, and with "
              + "--server-pid the server's resident memory per socket. One process holds at most as many sockets as its "
              + "open-file limit allows (ulimit -n); run several to go further.",
      footer = {
        "%nExamples:",
        "  chatctl bench connections --count 10000 --per-user 100 --server-pid \"$(pgrep -f 'chatctl.jar serve')\"",
        ExitCodes.FOOTER
      })
  static final class Connections extends Scenario {
    @Option(
        names = "--count",
        paramLabel = "N",
        defaultValue = "20000",
        description = "Sockets to open (default ${DEFAULT-VALUE}).")
    int count;

    @Option(
        names = "--per-user",
        paramLabel = "N",
        defaultValue = "1",
        description = "Sockets per user (default ${DEFAULT-VALUE}).")
    int perUser;

    @Option(
        names = "--settle",
        paramLabel = "DURATION",
        defaultValue = "5s",
        converter = AnyDuration.class,
        description = "Idle time before the memory is read (default ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(
        names = "--hold",
        paramLabel = "DURATION",
        defaultValue = "0s",
        converter = AnyDuration.class,
        description = "How long to keep the sockets open after that (default ${DEFAULT-VALUE}).")
    Duration hold;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      return new ConnectionsRun(options, progress, count, perUser, settle, hold);
    }

    @Override
    int sockets() {
      return count;
    }
  }

  @Command(
      name = "presence",
      mixinStandardHelpOptions = true,
      description =
          "user:online fan-out: --observers users stay connected while new users connect at --churn per second "
              + "and leave after --lifetime; latency from a newcomer's CONNECT to each observer's user:online.",
      footer = {
        "%nExamples:",
        "  chatctl bench presence --observers 1000 --churn 100/s",
        ExitCodes.FOOTER
      })
  static final class Presence extends Scenario {
    @Option(
        names = "--observers",
        paramLabel = "N",
        defaultValue = "1000",
        description = "Users connected throughout (default ${DEFAULT-VALUE}).")
    int observers;

    @Option(
        names = "--churn",
        defaultValue = "100/s",
        paramLabel = "N/s",
        converter = Rate.class,
        description = "Newcomers per second (default ${DEFAULT-VALUE}).")
    double churn;

    @Option(
        names = "--duration",
        paramLabel = "DURATION",
        defaultValue = "10s",
        converter = PositiveDuration.class,
        description = "How long newcomers keep coming (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--lifetime",
        paramLabel = "DURATION",
        defaultValue = "1s",
        converter = AnyDuration.class,
        description = "How long each newcomer stays (default ${DEFAULT-VALUE}).")
    Duration lifetime;

    @Override
    BenchRun create(BenchOptions options, PrintStream progress) {
      return new PresenceRun(options, progress, observers, churn, duration, lifetime);
    }

    @Override
    int sockets() {
      return observers + 1;
    }
  }
}
