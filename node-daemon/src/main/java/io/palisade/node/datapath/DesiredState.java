package io.palisade.node.datapath;

import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.resolve.EndpointPolicy;
import java.util.List;
import java.util.Map;

/**
 * What the node should enforce: every known address and CIDR with its identity, the pods on this
 * node, and the resolved policy of each local identity.
 */
public record DesiredState(
    Map<CidrPrefix, Long> ipcache,
    List<LocalEndpoint> endpoints,
    Map<Long, EndpointPolicy> policies) {

  public DesiredState {
    ipcache = Map.copyOf(ipcache);
    endpoints = List.copyOf(endpoints);
    policies = Map.copyOf(policies);
  }
}
