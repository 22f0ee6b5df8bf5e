package dev.chatctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatctl.cli.Converters.PositiveDuration;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.cli.client.SocketClient;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.chat.Events;
import dev.chatctl.util.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chatctl listen}: events as JSON lines, for scripts and CI. */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = {
      "Connects and prints each event as one JSON line: {\"event\":NAME,\"data\":PAYLOAD}. Offline messages arrive first.",
      "With --count N it exits 0 after N events, 3 when --timeout (default 30s) passes first; without, it runs until "
          + "--timeout (then exits 0) or Ctrl-C. A dropped connection is re-established and recovered: nothing is missed "
          + "or repeated. Status lines go to standard error."
    },
    footer = {
      "%nExamples:",
      "  chatctl listen --user bob --count 1 --timeout 30s",
      "  chatctl listen --user ops --events user:online,user:offline",
      ExitCodes.FOOTER
    })
public final class ListenCommand implements Callable<Integer> {

  /** The server-to-client events of the contract. */
  static final List<String> ALL_EVENTS =
      List.of(
          Events.MESSAGE_RECEIVE,
          Events.MESSAGE_SENT,
          Events.MESSAGE_ERROR,
          Events.MESSAGE_DELIVERED,
          Events.MESSAGE_READ,
          Events.USER_ONLINE,
          Events.USER_OFFLINE,
          Events.USERS_ONLINE,
          Events.AUTH_EXPIRED);

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(
      names = {"-n", "--count"},
      paramLabel = "N",
      description = "Exit 0 after N events (default: no limit).")
  Integer count;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = PositiveDuration.class,
      description =
          "With --count: fail (exit 3) when N events have not come within it (default 30s). Without: stop after it.")
  Duration timeout;

  @Option(
      names = "--events",
      paramLabel = "EVENT",
      split = ",",
      defaultValue = Events.MESSAGE_RECEIVE,
      description =
          "The events to print, comma-separated, or `all` (default ${DEFAULT-VALUE}). Known: "
              + "message:receive, message:sent, message:error, message:delivered, message:read, user:online, user:offline, users:online, auth:expired.")
  List<String> events;

  @Option(
      names = {"-q", "--quiet"},
      description = "No status lines on standard error.")
  boolean quiet;

  @Override
  public Integer call() throws InterruptedException {
    if (count != null && count < 1) {
      throw new CommandFailure(ExitCodes.USAGE, "--count must be at least 1");
    }
    Duration limit = timeout != null ? timeout : count != null ? Duration.ofSeconds(30) : null;
    Set<String> wanted = new LinkedHashSet<>();
    for (String e : events) {
      if (e.isBlank()) {
        continue;
      }
      String name = e.trim();
      if (name.equals("all") || name.equals("*")) {
        wanted.addAll(ALL_EVENTS);
      } else if (ALL_EVENTS.contains(name)) {
        wanted.add(name);
      } else {
        String suggestion = Suggestions.didYouMean(name, ALL_EVENTS);
        throw new CommandFailure(
            ExitCodes.USAGE,
            "--events: the server sends no event '"
                + name
                + "'"
                + (suggestion.isEmpty()
                    ? " (known: all, " + String.join(", ", ALL_EVENTS) + ")"
                    : suggestion));
      }
    }
    if (wanted.isEmpty()) {
      throw new CommandFailure(ExitCodes.USAGE, "--events: name at least one event");
    }
    ClientOptions options =
        connection.clientOptions(
            limit != null && limit.compareTo(ClientOptions.DEFAULT_CONNECT_TIMEOUT) < 0
                ? limit
                : ClientOptions.DEFAULT_CONNECT_TIMEOUT);
    String who = connection.userId() != null ? connection.userId() : "the token's user";
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CompletableFuture<Integer> done = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger seen =
        new java.util.concurrent.atomic.AtomicInteger();

    SocketClient.Listener listener =
        new SocketClient.Listener() {
          @Override
          public void onConnect(SocketClient.Connected c) {
            if (!c.reconnect()) {
              status(
                  "listening as "
                      + who
                      + " on "
                      + options.url()
                      + " for "
                      + String.join(",", wanted)
                      + (count != null
                          ? " (" + count + " event" + (count == 1 ? "" : "s") + ")"
                          : ""));
            } else {
              status(
                  "connected again" + (c.recovered() ? " (session recovered)" : " (new session)"));
            }
          }

          @Override
          public void onDisconnect(String reason, boolean willReconnect) {
            if (willReconnect) {
              status("connection lost (" + reason + "); reconnecting");
            } else if (!done.isDone()) {
              done.completeExceptionally(
                  new ClientException(
                      ClientException.Kind.CLOSED, "the server ended the connection"));
            }
          }

          @Override
          public void onConnectError(ClientException error, boolean willRetry) {
            if (!willRetry && !done.isDone()) {
              done.completeExceptionally(error);
            }
          }

          @Override
          public void onEvent(String event, List<JsonNode> args) {
            if (!wanted.contains(event) || done.isDone()) {
              return;
            }
            ObjectNode line = JsonNodeFactory.instance.objectNode();
            line.put("event", event);
            line.set("data", args.isEmpty() ? null : args.get(0));
            out.println(Json.write(line));
            out.flush();
            if (count != null && seen.incrementAndGet() >= count) {
              done.complete(ExitCodes.OK);
            }
          }

          private void status(String line) {
            if (!quiet) {
              err.println("chatctl: " + line);
              err.flush();
            }
          }
        };

    long deadline = limit == null ? 0 : System.nanoTime() + limit.toNanos();
    try (SocketClient socket = new SocketClient(options, listener)) {
      try {
        socket.connect().get(options.connectTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw connection.failure(e);
      } catch (TimeoutException e) {
        throw new CommandFailure(
            ExitCodes.UNAVAILABLE, "timed out: no answer from " + options.url());
      }
      try {
        return limit == null
            ? done.get()
            : done.get(SendCommand.remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw connection.failure(e);
      } catch (TimeoutException e) {
        if (count == null) {
          return ExitCodes.OK; // listened for --timeout
        }
        int got = seen.get();
        throw new CommandFailure(
            ExitCodes.UNAVAILABLE,
            "timed out: "
                + got
                + " of "
                + count
                + " event"
                + (count == 1 ? "" : "s")
                + " within "
                + Durations.format(limit));
      }
    }
  }
}
