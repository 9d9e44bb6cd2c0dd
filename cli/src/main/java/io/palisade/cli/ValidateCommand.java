package io.palisade.cli;

import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code palisade validate PATH...}: every error of every document, one line each. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Validate policy documents; exit 0 when all are valid, 1 otherwise.")
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Policy files or directories.")
  List<Path> paths;

  @Override
  public Integer call() throws Exception {
    LoadResult result = new PolicyLoader().load(paths);
    for (DocumentError e : result.errors()) {
      spec.commandLine().getOut().println(e.format());
    }
    if (!result.valid()) {
      return 1;
    }
    spec.commandLine()
        .getErr()
        .println("palisade: " + result.policyDocuments() + " policy documents are valid");
    return 0;
  }
}
