package dev.chatctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code chatctl connect}: not built yet. */
@Command(name = "connect", mixinStandardHelpOptions = true, description = "Not built yet.", footer = ExitCodes.FOOTER)
public final class ConnectCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new CommandFailure(ExitCodes.USAGE, "chatctl connect is not built yet");
  }
}
