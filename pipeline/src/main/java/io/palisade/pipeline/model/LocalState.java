package io.palisade.pipeline.model;

import java.util.List;
import java.util.Map;

/**
 * What is particular to one node: its endpoints by id, the policy of every identity that one of
 * them has, the ipcache entries that differ on this node from the shared ipcache (its own addresses
 * are the {@code host}, where every other node sees a {@code remote-node}), and the Service
 * frontends on its own addresses (NodePorts). Its ipcache entries and frontends win over the shared
 * ones of the same prefix or frontend. {@code fqdnSelectors} are the {@code toFQDNs} selector
 * identities its policies name, each with its selector's key ({@code
 * io.palisade.policy.fqdn.FqdnMatcher#key}): the node's DNS proxy gives them the addresses it
 * learns.
 */
public record LocalState(
    Map<String, EndpointState> endpoints,
    Map<Long, IdentityPolicy> policies,
    Map<String, Long> ipcache,
    Map<ServiceFrontend, List<ServiceBackend>> services,
    Map<Long, String> fqdnSelectors) {

  public static final LocalState EMPTY =
      new LocalState(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

  public LocalState {
    endpoints = Map.copyOf(endpoints);
    policies = Map.copyOf(policies);
    ipcache = Map.copyOf(ipcache);
    services = Map.copyOf(services);
    fqdnSelectors = Map.copyOf(fqdnSelectors);
  }

  /** A node's state whose policies name no {@code toFQDNs} selector. */
  public LocalState(
      Map<String, EndpointState> endpoints,
      Map<Long, IdentityPolicy> policies,
      Map<String, Long> ipcache,
      Map<ServiceFrontend, List<ServiceBackend>> services) {
    this(endpoints, policies, ipcache, services, Map.of());
  }

  /** A node's state with no Service frontends of its own. */
  public LocalState(
      Map<String, EndpointState> endpoints,
      Map<Long, IdentityPolicy> policies,
      Map<String, Long> ipcache) {
    this(endpoints, policies, ipcache, Map.of());
  }

  /** A node's state with no entries of its own in the ipcache and no frontends of its own. */
  public LocalState(Map<String, EndpointState> endpoints, Map<Long, IdentityPolicy> policies) {
    this(endpoints, policies, Map.of(), Map.of());
  }
}
