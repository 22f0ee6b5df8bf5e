package dev.chatctl.cli;

import dev.chatctl.cli.Converters.PositiveDuration;
import dev.chatctl.cli.client.ChatClient;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.protocol.Json;
import dev.chatctl.util.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chatctl online}: who is online. */
@Command(
    name = "online",
    mixinStandardHelpOptions = true,
    description =
        "Prints the ids of the users online now, one per line, sorted (status:request); the list includes the user this command connects as.",
    footer = {
      "%nExamples:",
      "  chatctl online --user ops",
      "  CHATCTL_URL=http://chat.internal:3001 chatctl online --user ops --json",
      ExitCodes.FOOTER
    })
public final class OnlineCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(names = "--json", description = "Print one JSON array instead.")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = PositiveDuration.class,
      description =
          "Longest wait for the connect and the answer together (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    Duration limit = timeout;
    ClientOptions options = connection.clientOptions(limit);
    long deadline = System.nanoTime() + limit.toNanos();
    try (ChatClient chat = new ChatClient(options, event -> {})) {
      List<String> online;
      try {
        chat.connect().get(SendCommand.remaining(deadline), TimeUnit.NANOSECONDS);
        online = chat.onlineUsers().get(SendCommand.remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw connection.failure(e);
      } catch (TimeoutException e) {
        throw new CommandFailure(
            ExitCodes.UNAVAILABLE,
            "timed out: no answer from " + options.url() + " within " + Durations.format(limit));
      }
      List<String> sorted = online.stream().sorted().toList();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(sorted));
      } else {
        sorted.forEach(out::println);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
