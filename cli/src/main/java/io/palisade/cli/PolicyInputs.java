package io.palisade.cli;

import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code --policies} option and the cluster's ({@link ClusterInput}), and loading them into a
 * cluster policy as the pods' node sees it.
 */
public final class PolicyInputs {

  @Option(
      names = "--policies",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description = "Policy files or directories (searched recursively for .yaml/.yml).")
  List<Path> policies;

  @Mixin ClusterInput clusterInput;

  /** The loaded cluster policy, or null after printing every problem to {@code err}. */
  ClusterPolicy load(PrintWriter err) throws IOException {
    LoadResult loaded = load(policies, err);
    Optional<ClusterInput.Loaded> cluster = clusterInput.load(err);
    if (!loaded.valid() || cluster.isEmpty()) {
      return null;
    }
    return cluster.get().apply(loaded.policySet().rules());
  }

  /** The policies under {@code paths}, each error printed to {@code err} as validate prints it. */
  static LoadResult load(List<Path> paths, PrintWriter err) throws IOException {
    LoadResult loaded = PreparedLoader.loader().load(paths);
    for (DocumentError e : loaded.errors()) {
      err.println(e.format());
    }
    return loaded;
  }
}
