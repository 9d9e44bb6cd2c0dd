package io.palisade.cli;

import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.model.NodeInfo;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.resolve.HostTraffic;
import io.palisade.policy.rules.PolicyRule;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --cluster}, {@code --node} and {@code --host-traffic} options: the cluster the
 * policies are applied to, as the pods' node sees it.
 */
public final class ClusterInput {

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

  /** The cluster file read and checked; policies are applied to it by {@link Loaded#apply}. */
  public record Loaded(
      ClusterFile.Contents contents, Optional<NodeInfo> localNode, HostTraffic hostTraffic) {

    /** The rules applied to this cluster, each call with identities of its own. */
    public ClusterPolicy apply(List<PolicyRule> rules) {
      return new ClusterPolicy(
          contents.cluster(),
          rules,
          new InMemoryIdentityAllocator(),
          contents.addresses(),
          localNode.map(NodeInfo::name),
          hostTraffic);
    }
  }

  /**
   * The cluster, or empty after printing every problem of the options and the file to {@code err}.
   */
  Optional<Loaded> load(PrintWriter err) throws IOException {
    HostTraffic host;
    try {
      host = HostTraffic.parse("--host-traffic", hostTraffic);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return Optional.empty();
    }
    ClusterFile.Result inventory = ClusterFile.read(cluster);
    for (FieldError e : inventory.errors()) {
      err.println(cluster + ": " + e);
    }
    if (!inventory.errors().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Loaded(
              inventory.contents(),
              inventory.contents().localNode(Optional.ofNullable(node)),
              host));
    } catch (IllegalArgumentException e) {
      err.println(cluster + ": " + e.getMessage());
      return Optional.empty();
    }
  }
}
