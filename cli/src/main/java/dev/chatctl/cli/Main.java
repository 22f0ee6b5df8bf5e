package dev.chatctl.cli;

import dev.chatctl.cli.bench.BenchCommand;
import dev.chatctl.util.ConfigException;
import dev.chatctl.util.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code chatctl}: the chat server and its command line. */
@Command(
    name = "chatctl",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "A Socket.IO-compatible chat server (drop-in for a Next.js chat app's Node.js server),",
      "a terminal chat client, scripted smoke tests, and admin commands."
    },
    footer = ExitCodes.FOOTER,
    subcommands = {
      ServeCommand.class,
      ConnectCommand.class,
      SendCommand.class,
      ListenCommand.class,
      OnlineCommand.class,
      TokenCommand.class,
      UsersCommand.class,
      DbCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line; returns its exit code. */
  public static int run(String... args) {
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
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
          commandLine.getErr().println("chatctl: unexpected error: " + e + " (CHATCTL_LOG_LEVEL=DEBUG shows more)");
          return ExitCodes.SOFTWARE;
        });
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine command = e.getCommandLine();
          command.getErr().println("chatctl: " + e.getMessage() + " (see `" + command.getCommandSpec().qualifiedName() + " --help`)");
          return ExitCodes.USAGE;
        });
    return cli;
  }

  /** The version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"chatctl " + version()};
    }

    static String version() {
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          return p.getProperty("version", "dev");
        }
      } catch (IOException ignored) {
        // fall through
      }
      return "dev";
    }
  }
}
