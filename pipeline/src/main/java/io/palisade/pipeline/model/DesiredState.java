package io.palisade.pipeline.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The desired state of the whole cluster: the ipcache every node shares (prefix to identity), the
 * Service frontends every node shares (ClusterIPs and external IPs), each node's local state, and
 * for each policy the nodes where it selects an endpoint.
 */
public record DesiredState(
    Map<String, Long> ipcache,
    Map<String, LocalState> nodes,
    Map<PolicyRef, Set<String>> policyNodes,
    Map<ServiceFrontend, List<ServiceBackend>> services) {

  public static final DesiredState EMPTY = new DesiredState(Map.of(), Map.of(), Map.of());

  public DesiredState {
    ipcache = Map.copyOf(ipcache);
    nodes = Map.copyOf(nodes);
    policyNodes = Map.copyOf(policyNodes);
    services = Map.copyOf(services);
  }

  /** A desired state without Services. */
  public DesiredState(
      Map<String, Long> ipcache,
      Map<String, LocalState> nodes,
      Map<PolicyRef, Set<String>> policyNodes) {
    this(ipcache, nodes, policyNodes, Map.of());
  }

  /** The local state of {@code node}, empty when no endpoint runs there. */
  public LocalState node(String node) {
    return nodes.getOrDefault(node, LocalState.EMPTY);
  }

  /** The nodes {@code policy} must be enforced on; none for a policy that selects nothing. */
  public Set<String> nodesOf(PolicyRef policy) {
    return policyNodes.getOrDefault(policy, Set.of());
  }
}
