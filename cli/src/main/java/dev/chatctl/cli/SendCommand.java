package dev.chatctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code chatctl send}: not built yet. */
@Command(name = "send", mixinStandardHelpOptions = true, description = "Not built yet.", footer = ExitCodes.FOOTER)
public final class SendCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new CommandFailure(ExitCodes.USAGE, "chatctl send is not built yet");
  }
}
