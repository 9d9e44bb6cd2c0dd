package io.palisade.pipeline.model;

import java.util.Map;

/**
 * What is particular to one node: its endpoints by id, the policy of every identity that one of
 * them has, and the ipcache entries that differ on this node from the shared ipcache (its own
 * addresses are the {@code host}, where every other node sees a {@code remote-node}); they win over
 * the shared entries of the same prefix.
 */
public record LocalState(
    Map<String, EndpointState> endpoints,
    Map<Long, IdentityPolicy> policies,
    Map<String, Long> ipcache) {

  public static final LocalState EMPTY = new LocalState(Map.of(), Map.of(), Map.of());

  public LocalState {
    endpoints = Map.copyOf(endpoints);
    policies = Map.copyOf(policies);
    ipcache = Map.copyOf(ipcache);
  }

  /** A node's state with no entries of its own in the ipcache. */
  public LocalState(Map<String, EndpointState> endpoints, Map<Long, IdentityPolicy> policies) {
    this(endpoints, policies, Map.of());
  }
}
