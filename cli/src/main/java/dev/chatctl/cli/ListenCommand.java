package dev.chatctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code chatctl listen}: not built yet. */
@Command(name = "listen", mixinStandardHelpOptions = true, description = "Not built yet.", footer = ExitCodes.FOOTER)
public final class ListenCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new CommandFailure(ExitCodes.USAGE, "chatctl listen is not built yet");
  }
}
