package io.palisade.node.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code completion bash}: prints the completion script of the command it belongs to, for {@code
 * source <(palisade completion bash)}; the script works in zsh too, after {@code bashcompinit}.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description =
        "Print a shell completion script: source <(${PARENT-COMMAND-NAME} completion bash).")
public final class CompletionCommand implements Callable<Integer> {

  /** The shells the script is written for. */
  public enum Shell {
    bash,
    zsh
  }

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SHELL",
      description = "bash or zsh (zsh: run autoload -U +X bashcompinit && bashcompinit first).")
  Shell shell;

  @Override
  public Integer call() {
    CommandLine root = spec.commandLine().getParent();
    spec.commandLine().getOut().print(AutoComplete.bash(root.getCommandName(), root));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
