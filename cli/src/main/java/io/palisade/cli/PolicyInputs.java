package io.palisade.cli;

import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.model.NodeInfo;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.resolve.HostTraffic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --policies}, {@code --cluster}, {@code --node} and {@code --host-traffic} options, and
 * loading them into a cluster policy as the pods' node sees it.
 */
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
      description =
          "Namespaces, Pods, Nodes, Services and EndpointSlices (multi-document YAML or a List,"
              + " as kubectl get -o yaml prints them) the policies apply to.")
  Path cluster;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description =
          "The Node of the cluster file the pods run on, whose addresses are the host (default:"
              + " its only Node).")
  String node;

  @Option(
      names = "--host-traffic",
      defaultValue = "allowed",
      paramLabel = "allowed|policy",
      description =
          "allowed (default): the node reaches its pods whatever their ingress policy; policy:"
              + " only where a rule allows the host.")
  String hostTraffic;

  /** The loaded cluster policy, or null after printing every problem to {@code err}. */
  ClusterPolicy load(PrintWriter err) throws IOException {
    HostTraffic host;
    try {
      host = HostTraffic.parse("--host-traffic", hostTraffic);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return null;
    }
    LoadResult loaded = new PolicyLoader().load(policies);
    for (DocumentError e : loaded.errors()) {
      err.println(e.format());
    }
    ClusterFile.Result inventory = ClusterFile.read(cluster);
    for (FieldError e : inventory.errors()) {
      err.println(cluster + ": " + e);
    }
    if (!loaded.valid() || !inventory.errors().isEmpty()) {
      return null;
    }
    Optional<NodeInfo> local;
    try {
      local = inventory.contents().localNode(Optional.ofNullable(node));
    } catch (IllegalArgumentException e) {
      err.println(cluster + ": " + e.getMessage());
      return null;
    }
    return new ClusterPolicy(
        inventory.contents().cluster(),
        loaded.policySet().rules(),
        new InMemoryIdentityAllocator(),
        inventory.contents().addresses(),
        local.map(NodeInfo::name),
        host);
  }
}
