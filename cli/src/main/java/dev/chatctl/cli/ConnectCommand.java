package dev.chatctl.cli;

import dev.chatctl.cli.Converters.PositiveDuration;
import dev.chatctl.cli.chat.ChatCompleter;
import dev.chatctl.cli.chat.ChatConsole;
import dev.chatctl.cli.chat.ConsoleIO;
import dev.chatctl.cli.chat.Directory;
import dev.chatctl.cli.chat.JLineIO;
import dev.chatctl.cli.chat.PlainIO;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.cli.client.ClientOptions;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code chatctl connect}: the interactive terminal client. */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    description = {
      "Chats in the terminal. A plain line goes to the person you talk to. What arrives while you type "
          + "(messages, who comes and goes, errors with their code) is printed above the line you are typing. "
          + "Your messages are marked … pending, ✓ stored, ✓✓ delivered, ✓✓ read.",
      "A dropped connection is re-established (with backoff) and recovered; lines typed meanwhile are sent once it "
          + "is back, each once. With input from a pipe: no prompt, no colours; the end of the input leaves once "
          + "what was sent is answered.",
      "A status line shows who you talk to, their online state, unread counts by person and the connection. "
          + "Presence lines are shown for people you talk to or have talked with (--all-presence: everyone).",
      "Commands: /to USER (Tab completes; shows and clears their unread messages), /r [TEXT] (reply to the last "
          + "sender; Tab on an empty line too), /online, /users [QUERY], /history [N], /reconnect (with a fresh "
          + "token when this client can mint one), /help, /quit or Ctrl-D."
    },
    footer = {
      "%nExamples:",
      "  chatctl connect --user alice --to bob",
      "  echo \"build is green\" | chatctl connect --user ci-bot --to ops",
      ExitCodes.FOOTER
    })
public final class ConnectCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--to",
      paramLabel = "USER",
      description = "Who to talk to first (else /to USER).")
  String to;

  @Option(
      names = "--history-file",
      paramLabel = "FILE",
      description =
          "Where typed lines are kept between runs (default ~/.chatctl_history); `none` keeps none.")
  String historyFile;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = PositiveDuration.class,
      description = "Longest wait for the first connect (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--no-color", description = "No colours (also when NO_COLOR is set).")
  boolean noColor;

  @Option(
      names = "--all-presence",
      description =
          "Show everybody coming and going (default: only people you talk or talked with).")
  boolean allPresence;

  @Override
  public Integer call() throws InterruptedException {
    Duration limit = timeout;
    ClientOptions options =
        connection
            .clientOptions(limit)
            .withConnectTimeout(limit)
            .withRequestTimeout(ClientOptions.DEFAULT_REQUEST_TIMEOUT);
    Directory directory = new Directory();
    ConsoleIO io =
        interactive() ? terminal(directory) : new PlainIO(System.in, System.out, outputCharset());
    ChatConsole.Options consoleOptions =
        new ChatConsole.Options(allPresence, connection.user != null); // --user mints tokens
    try (ChatConsole console =
        new ChatConsole(
            io,
            options,
            directory,
            connection.userId(),
            to,
            ZoneId.systemDefault(),
            consoleOptions)) {
      try {
        console.connect(limit);
      } catch (ClientException e) {
        throw connection.failure(e);
      }
      return console.run();
    }
  }

  private ConsoleIO terminal(Directory directory) {
    try {
      TerminalBuilder builder = TerminalBuilder.builder().name("chatctl").system(true).dumb(true);
      if (!nativeAccess() && !System.getProperty("os.name", "").startsWith("Windows")) {
        // JLine's native code would make the JDK warn at every start: drive the tty with stty, and
        // let JLine reach its file descriptors by reflection rather than through its native library
        System.setProperty(
            TerminalBuilder.PROP_FILE_DESCRIPTOR_CREATION_MODE,
            System.getProperty(
                TerminalBuilder.PROP_FILE_DESCRIPTOR_CREATION_MODE,
                TerminalBuilder.PROP_FILE_DESCRIPTOR_CREATION_MODE_REFLECTION));
        System.setProperty(
            TerminalBuilder.PROP_REDIRECT_PIPE_CREATION_MODE,
            System.getProperty(
                TerminalBuilder.PROP_REDIRECT_PIPE_CREATION_MODE,
                TerminalBuilder.PROP_REDIRECT_PIPE_CREATION_MODE_REFLECTION));
        builder.jni(false).ffm(false).jna(false).jansi(false).exec(true).providers("exec");
      }
      Terminal terminal = builder.build();
      boolean color = !noColor && System.getenv("NO_COLOR") == null;
      return new JLineIO(terminal, new ChatCompleter(directory), historyPath(), color);
    } catch (IOException e) {
      return new PlainIO(System.in, System.out, outputCharset());
    }
  }

  private Path historyPath() {
    if ("none".equals(historyFile)) {
      return null;
    }
    if (historyFile != null) {
      return Path.of(historyFile);
    }
    String home = System.getProperty("user.home");
    return home == null ? null : Path.of(home, ".chatctl_history");
  }

  /**
   * Whether both standard input and output are a terminal: JDK 22+ says so with {@code
   * Console.isTerminal()}; on JDK 21 there is a Console only when they are.
   */
  static boolean interactive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /**
   * Whether JLine may load its native library without the JDK warning about it: before JDK 24, or
   * when native access is enabled ({@code --enable-native-access}, or {@code Enable-Native-Access}
   * in the jar's manifest). Else the terminal is driven through stty.
   */
  static boolean nativeAccess() {
    if (Runtime.version().feature() < 24) {
      return true;
    }
    String[] args = ProcessHandle.current().info().arguments().orElse(new String[0]);
    for (String arg : args) {
      if (arg.startsWith("--enable-native-access")) {
        return true;
      }
    }
    try (java.io.InputStream in =
        ConnectCommand.class.getResourceAsStream("/META-INF/MANIFEST.MF")) {
      return in != null
          && new java.util.jar.Manifest(in).getMainAttributes().getValue("Enable-Native-Access")
              != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static Charset outputCharset() {
    String name = System.getProperty("stdout.encoding");
    try {
      return name != null ? Charset.forName(name) : Charset.defaultCharset();
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }
}
