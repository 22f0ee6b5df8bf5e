package dev.chatctl.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chatctl completion bash|zsh}: the shell completion script, from picocli's AutoComplete.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description =
        "Prints the completion script for bash or zsh (commands, options, and their values).",
    footer = {
      "%nExamples:",
      "  source <(chatctl completion bash)      # in ~/.bashrc",
      "  source <(chatctl completion zsh)       # in ~/.zshrc",
      ExitCodes.FOOTER
    })
public final class CompletionCommand implements Callable<Integer> {

  /** The shells the script works in: one script, which sets up bashcompinit itself under zsh. */
  enum Shell {
    bash,
    zsh
  }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
  Shell shell; // one script serves both; the parameter makes the command read as it is used

  @Override
  public Integer call() {
    String script = AutoComplete.bash("chatctl", spec.root().commandLine());
    PrintWriter out = spec.commandLine().getOut();
    out.print(script);
    out.flush();
    return ExitCodes.OK;
  }
}
