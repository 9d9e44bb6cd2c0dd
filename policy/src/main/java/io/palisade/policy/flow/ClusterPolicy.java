package io.palisade.policy.flow;

import io.palisade.policy.Direction;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.cluster.SecurityLabels;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.IdentityAllocator;
import io.palisade.policy.identity.ReservedAddresses;
import io.palisade.policy.identity.ReservedIdentity;
import io.palisade.policy.labels.Labels;
import io.palisade.policy.mapstate.MapStateMatch;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.reference.Peer;
import io.palisade.policy.reference.ReferenceEvaluator;
import io.palisade.policy.resolve.EndpointPolicy;
import io.palisade.policy.resolve.HostTraffic;
import io.palisade.policy.resolve.NamedPort;
import io.palisade.policy.resolve.PolicyEngine;
import io.palisade.policy.rules.PolicyRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Policies applied to a cluster: every pod gets the identity of its security labels (its ipBlock
 * memberships included), every CIDR a policy names gets a local identity, the nodes' and the API
 * server's addresses get their reserved identities as the local node (the pods' node) sees them,
 * and flows are decided by the engine's MapState (what the datapath does) or explained by the
 * reference evaluator.
 */
public final class ClusterPolicy {

  private final Cluster cluster;
  private final PolicyEngine engine;
  private final ReferenceEvaluator reference;
  private final Map<String, Identity> podIdentities = new TreeMap<>();
  private final TreeMap<CidrPrefix, Identity> cidrIdentities = new TreeMap<>();

  /** The node-local identity of each {@code toFQDNs} selector, with the selector's key. */
  private final Map<Long, String> fqdnSelectors = new java.util.TreeMap<>();

  private final Map<String, Identity> byAddress = new HashMap<>();

  /** The node and API server addresses, by host prefix, with their identities. */
  private final Map<String, Identity> reservedAddresses = new TreeMap<>();

  /** No node or API server addresses known; the host reaches its pods, as by default. */
  public ClusterPolicy(Cluster cluster, List<PolicyRule> rules, IdentityAllocator allocator) {
    this(cluster, rules, allocator, ReservedAddresses.NONE, Optional.empty(), HostTraffic.ALLOWED);
  }

  /**
   * @param addresses the nodes' and the API server's addresses
   * @param localNode the node the pods run on, whose addresses are the {@code host}
   */
  public ClusterPolicy(
      Cluster cluster,
      List<PolicyRule> rules,
      IdentityAllocator allocator,
      ReservedAddresses addresses,
      Optional<String> localNode,
      HostTraffic hostTraffic) {
    this.cluster = cluster;
    this.engine = new PolicyEngine(rules, hostTraffic);
    Set<CidrPrefix> ipBlocks = PolicyRule.ipBlockPrefixesOf(rules);
    Map<Long, Set<NamedPort>> ports = new HashMap<>();
    for (Pod pod : cluster.pods()) {
      Identity id =
          allocator.allocate(SecurityLabels.of(pod, cluster.namespace(pod.namespace()), ipBlocks));
      podIdentities.put(pod.qualifiedName(), id);
      ports.computeIfAbsent(id.id(), k -> new HashSet<>()).addAll(pod.ports());
      pod.ip().ifPresent(ip -> byAddress.put(canonicalAddress(ip), id));
    }
    for (ReservedIdentity r : ReservedIdentity.values()) {
      engine.upsertIdentity(r.identity(), List.of());
    }
    for (String prefix : addresses.prefixes()) {
      Labels labels = addresses.labels(prefix, localNode).orElseThrow();
      Identity id = ReservedAddresses.identity(labels, allocator);
      reservedAddresses.put(prefix, id);
      engine.upsertIdentity(id, List.of());
    }
    for (CidrPrefix prefix : PolicyRule.prefixesOf(rules)) {
      Identity id = allocator.allocateCidr(prefix);
      cidrIdentities.put(prefix, id);
      engine.upsertIdentity(id, List.of());
    }
    for (PolicyRule r : rules) {
      for (io.palisade.policy.selector.FqdnSelector f : r.fqdnSelectors()) {
        Identity id = allocator.allocateLocal(f.labels());
        if (fqdnSelectors.put(id.id(), io.palisade.policy.fqdn.FqdnMatcher.key(f.selector()))
            == null) {
          engine.upsertIdentity(id, List.of());
        }
      }
    }
    for (Identity id : new HashSet<>(podIdentities.values())) {
      engine.upsertIdentity(id, ports.getOrDefault(id.id(), Set.of()));
    }
    this.reference = new ReferenceEvaluator(rules, ports);
  }

  public Cluster cluster() {
    return cluster;
  }

  /**
   * The identity of each {@code toFQDNs} selector the rules name, with the selector's key; the
   * addresses it stands for are learned on the nodes, so no address resolves to it here.
   */
  public Map<Long, String> fqdnSelectors() {
    return java.util.Collections.unmodifiableMap(fqdnSelectors);
  }

  public PolicyEngine engine() {
    return engine;
  }

  /** The endpoint named {@code namespace/pod}, or an address (of a pod, or outside the cluster). */
  public Optional<FlowEndpoint> endpoint(String spec) {
    int slash = spec.indexOf('/');
    if (slash > 0 && CidrPrefix.parseAddress(spec.substring(0, slash)).isEmpty()) {
      return cluster
          .pod(spec.substring(0, slash), spec.substring(slash + 1))
          .map(
              p ->
                  new FlowEndpoint(
                      p.qualifiedName(), podIdentities.get(p.qualifiedName()), Optional.of(p)));
    }
    String address = slash > 0 ? spec.substring(0, slash) : spec;
    Optional<byte[]> bytes = CidrPrefix.parseAddress(address);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    for (Pod p : cluster.pods()) {
      if (p.ip().map(ip -> canonicalAddress(ip).equals(canonicalAddress(address))).orElse(false)) {
        return endpoint(p.qualifiedName());
      }
    }
    return Optional.of(new FlowEndpoint(address, addressIdentity(bytes.get()), Optional.empty()));
  }

  /**
   * An address's identity when it is no pod's: a node's or the API server's reserved identity, else
   * its most specific policy CIDR, or the world.
   */
  public Identity addressIdentity(byte[] address) {
    Identity reserved = reservedAddresses.get(CidrPrefix.host(address).toString());
    if (reserved != null) {
      return reserved;
    }
    Identity best = null;
    int bestLength = -1;
    for (Map.Entry<CidrPrefix, Identity> e : cidrIdentities.entrySet()) {
      if (e.getKey().containsAddress(address) && e.getKey().length() > bestLength) {
        best = e.getValue();
        bestLength = e.getKey().length();
      }
    }
    return best != null ? best : ReservedIdentity.world(address.length == 4).identity();
  }

  /** Every pod endpoint, sorted by {@code namespace/name}. */
  public List<FlowEndpoint> pods() {
    List<FlowEndpoint> out = new ArrayList<>();
    for (String name : podIdentities.keySet()) {
      endpoint(name).ifPresent(out::add);
    }
    return out;
  }

  /** What the datapath does with the flow: a MapState lookup on each local side. */
  public FlowVerdict decide(FlowEndpoint src, FlowEndpoint dst, int protocol, int port) {
    return new FlowVerdict(
        side(Direction.EGRESS, src, dst, protocol, port),
        side(Direction.INGRESS, dst, src, protocol, port));
  }

  private SideVerdict side(
      Direction d, FlowEndpoint subject, FlowEndpoint peer, int protocol, int port) {
    if (!subject.isLocal()) {
      return new SideVerdict(d, Verdict.ALLOW, false, Optional.empty());
    }
    EndpointPolicy policy = engine.policyFor(subject.identity().id());
    long peerId = peer.identity().id();
    Optional<MapStateMatch> m = policy.mapState().lookup(d, peerId, protocol, port);
    return new SideVerdict(
        d,
        m.map(x -> x.entry().verdict()).orElse(Verdict.DENY),
        policy.enforces(d),
        m,
        policy.audit(d, peerId, protocol, port, m));
  }

  /** The reference evaluator's account of one side: which rule sections matched and why. */
  public DirectionVerdict explain(
      Direction d, FlowEndpoint subject, FlowEndpoint peer, int protocol, int port) {
    if (!subject.isLocal()) {
      return DirectionVerdict.notLocal(d);
    }
    Optional<CidrPrefix> podAddress =
        peer.pod().flatMap(Pod::ip).flatMap(CidrPrefix::parseAddress).map(CidrPrefix::host);
    return reference.evaluate(
        d, subject.identity(), new Peer(peer.identity(), podAddress), protocol, port);
  }

  private static String canonicalAddress(String ip) {
    return CidrPrefix.parseAddress(ip).map(b -> CidrPrefix.host(b).toString()).orElse(ip);
  }
}
