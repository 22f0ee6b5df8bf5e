package dev.chatctl.cli;

import dev.chatctl.cli.Converters.PositiveDuration;
import dev.chatctl.cli.client.ChatClient;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.chat.Message;
import dev.chatctl.util.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chatctl send}: one message, for scripts and CI. */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = {
      "Sends one message and prints the stored message as JSON once the server answers message:sent. "
          + "Exits 1 with the error code on message:error or a refused connect, 3 when the server cannot be reached "
          + "or does not answer within --timeout."
    },
    footer = {
      "%nExamples:",
      "  chatctl send --user ci-bot --to bob --text \"deploy done\"",
      "  git log -1 --format=%%s | chatctl send --url https://chat.example.com --token \"$TOKEN\" --to ops --text -",
      ExitCodes.FOOTER
    })
public final class SendCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "USER",
      description = "The recipient's user id.")
  String to;

  @Option(
      names = "--text",
      required = true,
      paramLabel = "TEXT",
      description = "The message; - reads it from standard input.")
  String text;

  @Option(names = "--session", paramLabel = "ID", description = "The message's sessionId.")
  String session;

  @Option(
      names = "--client-message-id",
      paramLabel = "ID",
      description =
          "The clientMessageId (default: a new UUID); a retry with the same id is stored once.")
  String clientMessageId;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = PositiveDuration.class,
      description =
          "Longest wait for the connect and message:sent together (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    Duration limit = timeout;
    String content = text;
    if ("-".equals(text)) {
      try {
        content = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CommandFailure(
            ExitCodes.USAGE, "cannot read the message from standard input: " + e.getMessage());
      }
    }
    ClientOptions options = connection.clientOptions(limit);
    long deadline = System.nanoTime() + limit.toNanos();
    String id = clientMessageId != null ? clientMessageId : ChatClient.newClientMessageId();
    try (ChatClient chat = new ChatClient(options, event -> {})) {
      Message stored;
      try {
        chat.connect().get(remaining(deadline), TimeUnit.NANOSECONDS);
        stored =
            chat.send(new ChatClient.Outgoing(to, content, session, id))
                .get(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw connection.failure(e);
      } catch (TimeoutException e) {
        throw new CommandFailure(
            ExitCodes.UNAVAILABLE,
            "timed out: no answer from " + options.url() + " within " + Durations.format(limit));
      }
      spec.commandLine().getOut().println(Json.write(stored));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }
}
