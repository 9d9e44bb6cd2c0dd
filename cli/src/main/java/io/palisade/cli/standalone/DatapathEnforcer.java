package io.palisade.cli.standalone;

import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.ClusterState;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.RouteLookup;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.IdentityAllocator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An in-process node daemon: each generation goes into the pinned eBPF maps by difference, and the
 * tc programs go on the host-side veth of each pod of the cluster file that has a host route in
 * this network namespace. Pods without one are not enforced (they live on another node).
 */
final class DatapathEnforcer implements Enforcer {

  private final Datapath datapath;
  private final PrintWriter out;

  DatapathEnforcer(Path pinRoot, PrintWriter out) {
    this.datapath = Datapath.open(pinRoot);
    this.out = out;
  }

  @Override
  public String enforce(ClusterPolicy policy, IdentityAllocator allocator) {
    Map<String, String> veths = new LinkedHashMap<>();
    for (FlowEndpoint pod : policy.pods()) {
      Optional<String> veth =
          pod.pod().flatMap(p -> p.ip()).flatMap(CidrPrefix::parse).flatMap(RouteLookup::hostVeth);
      veth.ifPresent(v -> veths.put(pod.name(), v));
    }
    ApplyResult r = datapath.apply(ClusterState.of(policy, allocator, veths));
    out.println(
        "palisade: datapath generation "
            + r.generation()
            + ": "
            + r.totalWrites()
            + " map writes, pods enforced here: "
            + String.join(", ", veths.keySet()));
    return "enforced on 1/1 nodes (" + veths.size() + " local pods)";
  }

  @Override
  public String reason() {
    return "Enforced";
  }

  @Override
  public void close() {
    datapath.close();
  }
}
