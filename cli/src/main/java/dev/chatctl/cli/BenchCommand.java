package dev.chatctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code chatctl bench}: not built yet. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Not built yet.", footer = ExitCodes.FOOTER)
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new CommandFailure(ExitCodes.USAGE, "chatctl bench is not built yet");
  }
}
