package io.palisade.node.datapath;

import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.identity.CidrPrefix;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's state bound to this host: every known prefix with its identity, the endpoints whose
 * host-side interface was found, the policy of each local identity, and the Service frontends the
 * pods' veths translate. The node state itself is the pipeline's ({@code
 * io.palisade.pipeline.model}); only the interfaces are the datapath's own.
 */
public record DatapathState(
    Map<CidrPrefix, Long> ipcache,
    List<LocalEndpoint> endpoints,
    Map<Long, IdentityPolicy> policies,
    ServiceTable services) {

  /** Finds the host-side interface of one address of a local endpoint, if this host has it. */
  @FunctionalInterface
  public interface InterfaceFinder {
    Optional<String> find(EndpointState endpoint, CidrPrefix address);
  }

  public DatapathState {
    ipcache = Map.copyOf(ipcache);
    endpoints = List.copyOf(endpoints);
    policies = Map.copyOf(policies);
    Objects.requireNonNull(services, "services");
  }

  /** A state without services. */
  public DatapathState(
      Map<CidrPrefix, Long> ipcache,
      List<LocalEndpoint> endpoints,
      Map<Long, IdentityPolicy> policies) {
    this(ipcache, endpoints, policies, ServiceTable.EMPTY);
  }

  /** This state with {@code table} as its services. */
  public DatapathState withServices(ServiceTable table) {
    return new DatapathState(ipcache, endpoints, policies, table);
  }

  /**
   * Binds node state to this host: one local endpoint per address whose interface {@code finder}
   * finds; each address it cannot place is added to {@code unbound} (as "id address") and is not
   * enforced yet.
   *
   * @throws IllegalArgumentException on an address that is not an IP address
   */
  public static DatapathState bind(
      Map<CidrPrefix, Long> ipcache,
      Collection<EndpointState> endpoints,
      Map<Long, IdentityPolicy> policies,
      InterfaceFinder finder,
      List<String> unbound) {
    List<LocalEndpoint> local = new ArrayList<>();
    for (EndpointState e : endpoints) {
      for (String address : e.addresses()) {
        CidrPrefix host = prefix(address);
        Optional<String> veth = finder.find(e, host);
        if (veth.isPresent()) {
          local.add(new LocalEndpoint(host, e.identity(), veth.get()));
        } else {
          unbound.add(e.id() + " " + address);
        }
      }
    }
    return new DatapathState(ipcache, local, policies);
  }

  /**
   * The shared ipcache with a node's own entries put over it (its addresses are the host here); the
   * shared map itself when the node has none, so that nothing is copied.
   */
  public static Map<CidrPrefix, Long> withLocal(
      Map<CidrPrefix, Long> shared, Map<String, Long> local) {
    if (local.isEmpty()) {
      return shared;
    }
    Map<CidrPrefix, Long> out = new java.util.HashMap<>(shared);
    local.forEach((p, id) -> out.put(prefix(p), id));
    return out;
  }

  /** A prefix of node state; one the datapath cannot hold is refused, never skipped. */
  public static CidrPrefix prefix(String s) {
    return CidrPrefix.parse(s)
        .orElseThrow(() -> new IllegalArgumentException("not an IP prefix: " + s));
  }
}
