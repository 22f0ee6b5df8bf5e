package dev.chatctl.cli;

import dev.chatctl.cli.bench.BenchCommand;
import dev.chatctl.util.BuildInfo;
import dev.chatctl.util.ConfigException;
import dev.chatctl.util.UnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** {@code chatctl}: the chat server and its command line. */
@Command(
    name = "chatctl",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "A Socket.IO chat server, drop-in for a Next.js chat app's Node.js server, with a terminal client, script commands, admin commands and a load generator.",
    footer = {"%nExamples:", "  chatctl serve", "  chatctl connect --user alice", ExitCodes.FOOTER})
public final class Main extends GroupCommand {

  /**
   * The subcommands, in the order help lists them. Only the one a command line names is built
   * (picocli reads every annotation of a command it builds, which costs a one-shot command's
   * start-up); help, completion and a mistyped name get them all.
   */
  static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("serve", ServeCommand.class);
    COMMANDS.put("connect", ConnectCommand.class);
    COMMANDS.put("send", SendCommand.class);
    COMMANDS.put("listen", ListenCommand.class);
    COMMANDS.put("online", OnlineCommand.class);
    COMMANDS.put("token", TokenCommand.class);
    COMMANDS.put("users", UsersCommand.class);
    COMMANDS.put("db", DbCommand.class);
    COMMANDS.put("bench", BenchCommand.class);
    COMMANDS.put("completion", CompletionCommand.class);
    COMMANDS.put("help", CommandLine.HelpCommand.class);
    COMMANDS.put("train", TrainCommand.class);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line; returns its exit code. */
  public static int run(String... args) {
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
    return commandLine(args.length > 0 ? args[0] : null).execute(args);
  }

  /** Routes java.util.logging (H2, JLine) through SLF4J; done by the commands that need logging. */
  static void bridgeJulToSlf4j() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  /** The whole command line, every subcommand built. */
  public static CommandLine commandLine() {
    return commandLine(null);
  }

  /**
   * The command line for arguments that start with {@code first}: only that subcommand when it
   * names one.
   */
  static CommandLine commandLine(String first) {
    CommandLine cli = new CommandLine(new Main());
    boolean one =
        first != null
            && COMMANDS.containsKey(first)
            && !first.equals("help")
            && !first.equals("completion");
    for (Map.Entry<String, Class<?>> command : COMMANDS.entrySet()) {
      if (!one || command.getKey().equals(first)) {
        cli.addSubcommand(command.getKey(), command.getValue());
      }
    }
    everyCommand(cli, c -> c.getCommandSpec().versionProvider(new Version()));
    cli.setUsageHelpAutoWidth(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException config) {
            commandLine.getErr().println("chatctl: " + config.getMessage());
            return config instanceof UnavailableException ? ExitCodes.UNAVAILABLE : ExitCodes.USAGE;
          }
          if (e instanceof CommandFailure failure) {
            commandLine.getErr().println("chatctl: " + failure.getMessage());
            return failure.exitCode();
          }
          LoggerFactory.getLogger(Main.class).debug("unexpected error", e);
          commandLine
              .getErr()
              .println("chatctl: unexpected error: " + e + " (CHATCTL_LOG_LEVEL=DEBUG shows more)");
          return ExitCodes.SOFTWARE;
        });
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine command = e.getCommandLine();
          command
              .getErr()
              .println(
                  "chatctl: "
                      + usageError(e)
                      + "; see `"
                      + command.getCommandSpec().qualifiedName()
                      + " --help`");
          return ExitCodes.USAGE;
        });
    return cli;
  }

  private static void everyCommand(CommandLine cli, Consumer<CommandLine> action) {
    action.accept(cli);
    for (CommandLine sub : cli.getSubcommands().values()) {
      everyCommand(sub, action);
    }
  }

  /**
   * The one line of a usage error. An unknown option or command is named first, with the closest
   * known ones, even when picocli found a required option missing as well (that is usually the
   * mistyped one).
   */
  static String usageError(ParameterException e) {
    CommandLine command = e.getCommandLine();
    ParseResult parsed = command.getParseResult();
    List<String> unmatched =
        e instanceof UnmatchedArgumentException u
            ? u.getUnmatched()
            : parsed != null ? parsed.unmatched() : List.of();
    if (unmatched.isEmpty()) {
      String message = e.getMessage();
      return message.isEmpty()
          ? message
          : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
    String first = unmatched.get(0);
    CommandSpec spec = command.getCommandSpec();
    if (first.startsWith("-")) {
      String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
      List<String> options = new ArrayList<>();
      spec.options().forEach(o -> options.addAll(List.of(o.names())));
      return "unknown option '" + name + "'" + Suggestions.didYouMean(name, options);
    }
    if (!command.getSubcommands().isEmpty()) {
      String commands = String.join(", ", command.getSubcommands().keySet());
      String suggestion = Suggestions.didYouMean(first, command.getSubcommands().keySet());
      return "unknown command '"
          + first
          + "'"
          + (suggestion.isEmpty() ? " (commands: " + commands + ")" : suggestion);
    }
    return "unexpected argument '" + first + "'";
  }

  /** The version from the build, with its git revision, and the Java it runs on. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "chatctl " + BuildInfo.version(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"
      };
    }
  }
}
