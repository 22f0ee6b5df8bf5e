package dev.chatctl.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code chatctl}, {@code users}, {@code db}, {@code
 * bench}): without one it prints which are there, and its usage, on stderr, and exits 2.
 */
public abstract class GroupCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "chatctl: "
            + spec.qualifiedName()
            + " needs a command: "
            + String.join(", ", spec.subcommands().keySet()));
    err.println();
    spec.commandLine().usage(err);
    return ExitCodes.USAGE;
  }
}
