package io.palisade.pipeline.model;

import java.util.Map;
import java.util.Set;

/**
 * The desired state of the whole cluster: the ipcache every node shares (prefix to identity), each
 * node's local state, and for each policy the nodes where it selects an endpoint.
 */
public record DesiredState(
    Map<String, Long> ipcache,
    Map<String, LocalState> nodes,
    Map<PolicyRef, Set<String>> policyNodes) {

  public static final DesiredState EMPTY = new DesiredState(Map.of(), Map.of(), Map.of());

  public DesiredState {
    ipcache = Map.copyOf(ipcache);
    nodes = Map.copyOf(nodes);
    policyNodes = Map.copyOf(policyNodes);
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
