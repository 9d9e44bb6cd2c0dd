package io.palisade.pipeline.model;

import io.palisade.policy.Direction;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.IdentityAllocator;
import io.palisade.policy.identity.ReservedAddresses;
import io.palisade.policy.resolve.EndpointPolicy;
import io.palisade.policy.rules.PolicyRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a cluster snapshot into desired state, without I/O: every workload gets the identity of its
 * security labels, every address and policy CIDR an ipcache entry, and every node the endpoints it
 * runs and the resolved MapState of each of their identities.
 */
public final class NodeStateComputer {

  private final IdentityAllocator allocator;

  public NodeStateComputer(IdentityAllocator allocator) {
    this.allocator = allocator;
  }

  public DesiredState compute(ClusterSnapshot snapshot) {
    Cluster cluster =
        new Cluster(
            snapshot.namespaces(), snapshot.workloads().stream().map(Workload::pod).toList());
    ClusterPolicy policy = new ClusterPolicy(cluster, snapshot.rules(), allocator);

    Map<String, Long> ipcache = new TreeMap<>();
    Map<String, Map<String, EndpointState>> endpoints = new TreeMap<>();
    Map<String, Map<Long, IdentityPolicy>> policies = new TreeMap<>();
    Map<Long, Identity> identities = new HashMap<>();
    Map<Long, Set<String>> nodesByIdentity = new HashMap<>();

    for (Workload w : snapshot.workloads()) {
      Identity id = identityOf(policy, w);
      identities.put(id.id(), id);
      for (String address : w.addresses()) {
        CidrPrefix.parseAddress(address)
            .ifPresent(b -> ipcache.put(CidrPrefix.host(b).toString(), id.id()));
      }
      if (w.node().isEmpty()) {
        continue; // Not scheduled yet: an identity and addresses, but no endpoint anywhere.
      }
      String node = w.node().get();
      EndpointPolicy ep = policy.engine().policyFor(id.id());
      endpoints
          .computeIfAbsent(node, k -> new TreeMap<>())
          .put(
              w.id(),
              new EndpointState(
                  w.id(),
                  w.addresses(),
                  id.id(),
                  ep.enforces(Direction.INGRESS),
                  ep.enforces(Direction.EGRESS),
                  w.proxylessGrpc()));
      policies.computeIfAbsent(node, k -> new TreeMap<>()).put(id.id(), IdentityPolicy.of(ep));
      nodesByIdentity.computeIfAbsent(id.id(), k -> new TreeSet<>()).add(node);
    }

    // Nodes' addresses: remote-node as every other node sees them, the host on their own. (No
    // API server here: its node-local identities are the pipeline's ReservedAddressesTest.)
    Map<String, Set<String>> nodeAddresses = new TreeMap<>();
    snapshot.nodes().forEach(n -> nodeAddresses.put(n.name(), Set.copyOf(n.addresses())));
    ReservedAddresses reserved = new ReservedAddresses(nodeAddresses, Set.of());
    for (String prefix : reserved.prefixes()) {
      ipcache.putIfAbsent(prefix, reservedIdentity(reserved, prefix, Optional.empty()));
    }
    // A pod's address wins over a node's, which wins over a policy CIDR of the same prefix.
    for (CidrPrefix prefix : cidrsOf(snapshot)) {
      ipcache.putIfAbsent(prefix.toString(), allocator.allocateCidr(prefix).id());
    }

    // Services in id order: the first to claim a frontend has it.
    List<ServiceInfo> services = new ArrayList<>(snapshot.services());
    services.sort(Comparator.comparing(ServiceInfo::id));
    Map<ServiceFrontend, List<ServiceBackend>> shared = new HashMap<>();
    List<ServiceFrontends> frontends = new ArrayList<>();
    for (ServiceInfo s : services) {
      ServiceFrontends f = ServiceFrontends.of(s, snapshot.endpointSlices());
      f.shared().forEach(shared::putIfAbsent);
      frontends.add(f);
    }

    Map<String, LocalState> nodes = new TreeMap<>();
    endpoints.forEach(
        (n, eps) -> {
          Map<String, Long> own = new TreeMap<>();
          for (String prefix : reserved.of(n)) {
            own.put(prefix, reservedIdentity(reserved, prefix, Optional.of(n)));
          }
          List<String> addresses = new ArrayList<>(nodeAddresses.getOrDefault(n, Set.of()));
          Map<ServiceFrontend, List<ServiceBackend>> nodePorts = new HashMap<>();
          frontends.forEach(f -> f.onNode(addresses).forEach(nodePorts::putIfAbsent));
          Map<Long, String> fqdns = new TreeMap<>();
          policies
              .get(n)
              .values()
              .forEach(
                  p ->
                      p.entries()
                          .keySet()
                          .forEach(
                              k -> {
                                String key = policy.fqdnSelectors().get(k.identity());
                                if (key != null) {
                                  fqdns.put(k.identity(), key);
                                }
                              }));
          nodes.put(n, new LocalState(eps, policies.get(n), own, nodePorts, fqdns));
        });
    return new DesiredState(
        ipcache, nodes, policyNodes(snapshot, identities, nodesByIdentity), shared);
  }

  private long reservedIdentity(ReservedAddresses reserved, String prefix, Optional<String> node) {
    return ReservedAddresses.identity(reserved.labels(prefix, node).orElseThrow(), allocator).id();
  }

  private static Identity identityOf(ClusterPolicy policy, Workload w) {
    Optional<FlowEndpoint> e = policy.endpoint(w.id());
    return e.orElseThrow(() -> new IllegalStateException("no endpoint for " + w.id())).identity();
  }

  /** For each policy, the nodes that run an endpoint one of its rules selects. */
  private static Map<PolicyRef, Set<String>> policyNodes(
      ClusterSnapshot snapshot, Map<Long, Identity> identities, Map<Long, Set<String>> nodesById) {
    Map<PolicyRef, Set<String>> out = new HashMap<>();
    for (PolicyRule rule : snapshot.rules()) {
      Set<String> nodes = out.computeIfAbsent(PolicyRef.of(rule.origin()), k -> new TreeSet<>());
      for (Map.Entry<Long, Set<String>> e : nodesById.entrySet()) {
        if (rule.selects(identities.get(e.getKey()))) {
          nodes.addAll(e.getValue());
        }
      }
    }
    out.replaceAll((k, v) -> Set.copyOf(v));
    return out;
  }

  /**
   * The CIDRs the rules name, each of which the datapath must map to its local identity; not the
   * zero-length ones, which every address falls under anyway (their exceptions do count).
   */
  private static Set<CidrPrefix> cidrsOf(ClusterSnapshot snapshot) {
    Set<CidrPrefix> out = PolicyRule.prefixesOf(snapshot.rules());
    out.removeIf(p -> p.length() == 0);
    return out;
  }
}
