package io.palisade.cli;

import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.parse.FieldError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --policies} and {@code --cluster} options, and loading them into a cluster policy. */
public final class PolicyInputs {

  @Option(
      names = "--policies",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description = "Policy files or directories (searched recursively for .yaml/.yml).")
  List<Path> policies;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "FILE",
      description = "Namespaces and Pods (multi-document YAML) the policies apply to.")
  Path cluster;

  /** The loaded cluster policy, or null after printing every problem to {@code err}. */
  ClusterPolicy load(PrintWriter err) throws IOException {
    LoadResult loaded = new PolicyLoader().load(policies);
    for (DocumentError e : loaded.errors()) {
      err.println(e.format());
    }
    ClusterParser.Result inventory = new ClusterParser().parse(cluster);
    for (FieldError e : inventory.errors()) {
      err.println(cluster + ": " + e);
    }
    if (!loaded.valid() || !inventory.errors().isEmpty()) {
      return null;
    }
    return new ClusterPolicy(
        inventory.cluster(), loaded.policySet().rules(), new InMemoryIdentityAllocator());
  }
}
