package dev.chatctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code chatctl online}: not built yet. */
@Command(name = "online", mixinStandardHelpOptions = true, description = "Not built yet.", footer = ExitCodes.FOOTER)
public final class OnlineCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new CommandFailure(ExitCodes.USAGE, "chatctl online is not built yet");
  }
}
