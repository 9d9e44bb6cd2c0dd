package io.palisade.cli;

import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin OutputOption output;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Policy files or directories.")
  List<Path> paths;

  @Override
  public Integer call() throws Exception {
    LoadResult result = PreparedLoader.loader().load(paths);
    if (!output.table()) {
      output.print(spec.commandLine().getOut(), document(result));
      return result.valid() ? 0 : 1;
    }
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

  /** {@code valid}, the count of policy documents, and each error with its object and path. */
  private static Map<String, Object> document(LoadResult result) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("valid", result.valid());
    doc.put("policyDocuments", result.policyDocuments());
    doc.put(
        "errors",
        result.errors().stream()
            .map(
                e -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("file", e.file());
                  m.put("kind", e.kind() == null ? "" : e.kind());
                  m.put("namespace", e.namespace() == null ? "" : e.namespace());
                  m.put("name", e.name() == null ? "" : e.name());
                  m.put("path", e.error().path());
                  m.put("message", e.error().message());
                  m.put("line", e.format());
                  return m;
                })
            .toList());
    return doc;
  }
}
