package io.palisade.pipeline.model;

import io.palisade.policy.Direction;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.SecurityLabels;
import io.palisade.policy.fqdn.FqdnMatcher;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.IdentityAllocator;
import io.palisade.policy.identity.IpBlockLabels;
import io.palisade.policy.identity.ReservedAddresses;
import io.palisade.policy.identity.ReservedIdentity;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.reference.Peer;
import io.palisade.policy.reference.ReferenceEvaluator;
import io.palisade.policy.resolve.HostTraffic;
import io.palisade.policy.resolve.NamedPort;
import io.palisade.policy.resolve.PolicyEngine;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.selector.FqdnSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The desired state kept current under changes, one namespace, workload or policy at a time: what
 * {@link NodeStateComputer} computes from a whole snapshot, at the cost of what a change touches.
 * One engine lives as long as this does; each change marks the nodes, prefixes and subjects it
 * touched, and {@link #drain} turns the marks into {@link NodeChanges}.
 *
 * <p>Not thread-safe: the pipeline owns it.
 */
public final class LiveDesiredState {

  private record Placed(Workload workload, Identity identity) {}

  /** A cluster identity with the workloads that have it and the named ports of their pods. */
  private static final class IdentityUse {
    final Identity identity;
    int workloads;
    final Map<NamedPort, Integer> ports = new HashMap<>();

    IdentityUse(Identity identity) {
      this.identity = identity;
    }
  }

  /** A node's endpoints and how many of them have each identity. */
  private static final class NodeEndpoints {
    final Map<String, Placed> endpoints = new TreeMap<>();
    final Map<Long, Integer> identities = new HashMap<>();
  }

  private final IdentityAllocator allocator;
  private final PolicyEngine engine;
  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<String, Set<String>> workloadsByNamespace = new HashMap<>();
  private final Map<String, Placed> workloads = new HashMap<>();
  private final Map<Long, IdentityUse> identities = new HashMap<>();
  private final Map<String, NodeEndpoints> nodes = new HashMap<>();
  private final Map<Long, Map<String, Integer>> nodesByIdentity = new HashMap<>();
  private final Map<Long, IdentityPolicy> identityPolicies = new HashMap<>();

  /** Host prefixes of pod addresses, by owning workload: the last workload id wins a shared one. */
  private final Map<String, TreeMap<String, Long>> podPrefixes = new HashMap<>();

  /** Prefixes the rules name, with how many rules name each, and their local identities. */
  private final Map<CidrPrefix, Integer> cidrUses = new HashMap<>();

  private final Map<CidrPrefix, Identity> cidrIdentities = new HashMap<>();

  /** How many rules name each {@code toFQDNs} selector (by its key), and its identity. */
  private final Map<String, Integer> fqdnUses = new HashMap<>();

  private final Map<Long, String> fqdnKeys = new HashMap<>();
  private final Map<String, Identity> fqdnIdentities = new HashMap<>();

  /** The ipcache entries of the named prefixes: all but the zero-length ones. */
  private final Map<String, Long> cidrIpcache = new HashMap<>();

  private final Map<PolicyRef, List<PolicyRule>> rulesByPolicy = new HashMap<>();

  /** Prefixes the rules' ipBlocks name, with how many rules name each: pods inside get labels. */
  private final Map<CidrPrefix, Integer> ipBlockUses = new HashMap<>();

  private final Set<String> dirtyNodes = new HashSet<>();
  private final Set<String> dirtyPrefixes = new HashSet<>();
  private final Set<Long> dirtySubjects = new HashSet<>();

  /** The nodes' addresses by node name, and the API server's: the reserved identities' places. */
  private final Map<String, Set<String>> nodeAddresses = new HashMap<>();

  private Set<String> apiServer = Set.of();

  /**
   * Node and API server addresses as every node sees the others': {@code remote-node} and so on.
   */
  private Map<String, Long> reservedIpcache = Map.of();

  /** Per node, its own addresses as it sees them: the {@code host}. */
  private Map<String, Map<String, Long>> hostIpcache = Map.of();

  /** The node-local identities those addresses took (a host serving the API, an outside API). */
  private Map<Long, Identity> reservedLocal = Map.of();

  /** Each Service's frontends and errors, by {@code namespace/name}. */
  private final Map<String, ServiceFrontends> services = new HashMap<>();

  /**
   * Every shared frontend with the backends of each Service that claims it (two Services may list
   * one external IP and port): the first Service by id has it, so the choice never depends on the
   * order of events.
   */
  private final Map<ServiceFrontend, TreeMap<String, List<ServiceBackend>>> frontendOwners =
      new HashMap<>();

  /** The Services with NodePorts, in id order: every node opens them on its own addresses. */
  private final TreeMap<String, ServiceFrontends> nodePortServices = new TreeMap<>();

  private final Set<ServiceFrontend> dirtyFrontends = new HashSet<>();

  /** The host reaches its pods whatever their ingress policy, as Cilium's default. */
  public LiveDesiredState(IdentityAllocator allocator) {
    this(allocator, HostTraffic.ALLOWED);
  }

  public LiveDesiredState(IdentityAllocator allocator, HostTraffic hostTraffic) {
    this.allocator = allocator;
    this.engine = new PolicyEngine(List.of(), hostTraffic);
    for (ReservedIdentity r : ReservedIdentity.values()) {
      engine.upsertIdentity(r.identity(), List.of());
    }
  }

  public void putNamespace(Namespace ns) {
    Namespace before = namespaces.put(ns.name(), ns);
    if (before == null || !before.labels().equals(ns.labels())) {
      replaceWorkloadsOf(ns.name());
    }
  }

  public void removeNamespace(String name) {
    if (namespaces.remove(name) != null) {
      replaceWorkloadsOf(name);
    }
  }

  /** A namespace's labels are part of its pods' identities: each pod is placed again. */
  private void replaceWorkloadsOf(String namespace) {
    for (String id : List.copyOf(workloadsByNamespace.getOrDefault(namespace, Set.of()))) {
      putWorkload(workloads.get(id).workload());
    }
  }

  public void putWorkload(Workload w) {
    // Allocation may fail (the API is away): it comes before any change, so nothing is half done.
    Identity identity = identityOf(w, ipBlockUses.keySet());
    Placed next = new Placed(w, identity);
    acquire(next);
    Placed before = workloads.put(w.id(), next);
    if (before != null) {
      release(before);
    }
    workloadsByNamespace.computeIfAbsent(w.pod().namespace(), k -> new HashSet<>()).add(w.id());
  }

  private Identity identityOf(Workload w, Collection<CidrPrefix> ipBlocks) {
    Namespace ns =
        namespaces.getOrDefault(w.pod().namespace(), new Namespace(w.pod().namespace(), Map.of()));
    return allocator.allocate(SecurityLabels.of(w.pod(), ns, ipBlocks));
  }

  public void removeWorkload(String id) {
    Placed before = workloads.remove(id);
    if (before == null) {
      return;
    }
    release(before);
    Set<String> inNs = workloadsByNamespace.get(before.workload().pod().namespace());
    inNs.remove(id);
    if (inNs.isEmpty()) {
      workloadsByNamespace.remove(before.workload().pod().namespace());
    }
  }

  private void acquire(Placed p) {
    IdentityUse use =
        identities.computeIfAbsent(p.identity().id(), k -> new IdentityUse(p.identity()));
    boolean fresh = use.workloads++ == 0;
    boolean portsChanged = false;
    for (NamedPort port : p.workload().pod().ports()) {
      portsChanged |= use.ports.merge(port, 1, Integer::sum) == 1;
    }
    if (fresh || portsChanged) {
      dirtySubjects.addAll(engine.upsertIdentity(use.identity, use.ports.keySet()));
    }
    for (String prefix : hostPrefixes(p.workload())) {
      podPrefixes
          .computeIfAbsent(prefix, k -> new TreeMap<>())
          .put(p.workload().id(), p.identity().id());
      dirtyPrefixes.add(prefix);
    }
    p.workload().node().ifPresent(node -> addEndpoint(node, p));
  }

  private void release(Placed p) {
    p.workload().node().ifPresent(node -> removeEndpoint(node, p));
    // A replacement is placed before its predecessor is released: what it holds stays.
    Placed current = workloads.get(p.workload().id());
    List<String> kept = current == null ? List.of() : hostPrefixes(current.workload());
    for (String prefix : hostPrefixes(p.workload())) {
      TreeMap<String, Long> owners = podPrefixes.get(prefix);
      if (owners != null && !kept.contains(prefix)) {
        owners.remove(p.workload().id());
        if (owners.isEmpty()) {
          podPrefixes.remove(prefix);
        }
      }
      dirtyPrefixes.add(prefix);
    }
    IdentityUse use = identities.get(p.identity().id());
    boolean portsChanged = false;
    for (NamedPort port : p.workload().pod().ports()) {
      if (use.ports.merge(port, -1, Integer::sum) == 0) {
        use.ports.remove(port);
        portsChanged = true;
      }
    }
    if (--use.workloads == 0) {
      identities.remove(p.identity().id());
      dirtySubjects.addAll(engine.removeIdentity(p.identity().id()));
      dirtySubjects.remove(p.identity().id());
    } else if (portsChanged) {
      dirtySubjects.addAll(engine.upsertIdentity(use.identity, use.ports.keySet()));
    }
  }

  private static List<String> hostPrefixes(Workload w) {
    List<String> out = new ArrayList<>();
    for (String address : w.addresses()) {
      CidrPrefix.parseAddress(address).ifPresent(b -> out.add(CidrPrefix.host(b).toString()));
    }
    return out;
  }

  private void addEndpoint(String node, Placed p) {
    NodeEndpoints n = nodes.computeIfAbsent(node, k -> new NodeEndpoints());
    n.endpoints.put(p.workload().id(), p);
    n.identities.merge(p.identity().id(), 1, Integer::sum);
    nodesByIdentity
        .computeIfAbsent(p.identity().id(), k -> new HashMap<>())
        .merge(node, 1, Integer::sum);
    dirtyNodes.add(node);
  }

  private void removeEndpoint(String node, Placed p) {
    NodeEndpoints n = nodes.get(node);
    if (n.endpoints.get(p.workload().id()) == p) {
      n.endpoints.remove(p.workload().id()); // Else its replacement already holds the slot.
    }
    long id = p.identity().id();
    if (n.identities.merge(id, -1, Integer::sum) == 0) {
      n.identities.remove(id);
    }
    Map<String, Integer> onNodes = nodesByIdentity.get(id);
    if (onNodes.merge(node, -1, Integer::sum) == 0) {
      onNodes.remove(node);
      if (onNodes.isEmpty()) {
        nodesByIdentity.remove(id);
        identityPolicies.remove(id);
      }
    }
    if (n.endpoints.isEmpty()) {
      nodes.remove(node);
    }
    dirtyNodes.add(node);
  }

  public void putNode(NodeInfo node) {
    Set<String> next = Set.copyOf(node.addresses());
    if (!next.equals(nodeAddresses.put(node.name(), next))) {
      placeReservedAddresses();
      dirtyNodes.add(node.name()); // Its NodePorts open on its new addresses.
    }
  }

  public void removeNode(String name) {
    if (nodeAddresses.remove(name) != null) {
      placeReservedAddresses();
      dirtyNodes.add(name);
    }
  }

  /**
   * Puts a Service's frontends in place of its previous ones: the shared frontends that moved are
   * marked, and every node when its NodePorts changed.
   */
  public void putService(ServiceFrontends next) {
    String id = next.service();
    ServiceFrontends before = services.getOrDefault(id, ServiceFrontends.none(id));
    for (ServiceFrontend f : before.shared().keySet()) {
      if (!next.shared().containsKey(f)) {
        TreeMap<String, List<ServiceBackend>> owners = frontendOwners.get(f);
        owners.remove(id);
        if (owners.isEmpty()) {
          frontendOwners.remove(f);
        }
        dirtyFrontends.add(f);
      }
    }
    next.shared()
        .forEach(
            (f, backends) -> {
              var owners = frontendOwners.computeIfAbsent(f, k -> new TreeMap<>());
              if (!backends.equals(owners.put(id, backends))) {
                dirtyFrontends.add(f);
              }
            });
    if (!before.nodePorts().equals(next.nodePorts())) {
      if (next.nodePorts().isEmpty()) {
        nodePortServices.remove(id);
      } else {
        nodePortServices.put(id, next);
      }
      dirtyNodes.addAll(nodes.keySet());
    }
    if (next.equals(ServiceFrontends.none(id))) {
      services.remove(id);
    } else {
      services.put(id, next);
    }
  }

  /** The problems that kept ports of the Service {@code id} from having a frontend. */
  public List<io.palisade.policy.parse.FieldError> serviceErrors(String id) {
    ServiceFrontends s = services.get(id);
    return s == null ? List.of() : s.errors();
  }

  /** The API server's addresses: the endpoints of {@code default/kubernetes}. */
  public void putApiServer(Set<String> addresses) {
    if (!addresses.equals(apiServer)) {
      apiServer = Set.copyOf(addresses);
      placeReservedAddresses();
    }
  }

  /**
   * Gives every node and API server address its identity again, as the others see it (shared) and
   * as its own node sees it (that node's entries), and marks what moved. A node's or the API
   * server's change can move any of them (an address that becomes the API server's changes identity
   * on every node), and there are a few per node, so all are computed and compared.
   */
  private void placeReservedAddresses() {
    ReservedAddresses places = new ReservedAddresses(nodeAddresses, apiServer);
    Map<Long, Identity> locals = new HashMap<>();
    Map<String, Long> shared = new HashMap<>();
    for (String prefix : places.prefixes()) {
      shared.put(prefix, place(places, prefix, Optional.empty(), locals));
    }
    Map<String, Map<String, Long>> own = new HashMap<>();
    for (String node : places.nodes().keySet()) {
      Map<String, Long> entries = new HashMap<>();
      for (String prefix : places.of(node)) {
        entries.put(prefix, place(places, prefix, Optional.of(node), locals));
      }
      own.put(node, Map.copyOf(entries));
    }
    // Every identity is allocated above; from here on nothing can fail half done.
    for (Identity id : locals.values()) {
      if (!reservedLocal.containsKey(id.id())) {
        dirtySubjects.addAll(engine.upsertIdentity(id, List.of()));
      }
    }
    for (long id : reservedLocal.keySet()) {
      if (!locals.containsKey(id)) {
        dirtySubjects.addAll(engine.removeIdentity(id));
      }
    }
    Set<String> prefixes = new HashSet<>(shared.keySet());
    prefixes.addAll(reservedIpcache.keySet());
    for (String p : prefixes) {
      if (!java.util.Objects.equals(shared.get(p), reservedIpcache.get(p))) {
        dirtyPrefixes.add(p);
      }
    }
    Set<String> hosts = new HashSet<>(own.keySet());
    hosts.addAll(hostIpcache.keySet());
    for (String node : hosts) {
      if (!own.getOrDefault(node, Map.of()).equals(hostIpcache.getOrDefault(node, Map.of()))) {
        dirtyNodes.add(node);
      }
    }
    reservedIpcache = Map.copyOf(shared);
    hostIpcache = Map.copyOf(own);
    reservedLocal = Map.copyOf(locals);
  }

  private long place(
      ReservedAddresses places, String prefix, Optional<String> node, Map<Long, Identity> locals) {
    Identity id = ReservedAddresses.identity(places.labels(prefix, node).orElseThrow(), allocator);
    if (!id.isReserved()) {
      locals.put(id.id(), id);
    }
    return id.id();
  }

  /**
   * Puts a policy's rules in force in place of its previous ones. When that adds or drops a prefix
   * that some ipBlock names, the pods with an address in it are placed again, under their new
   * {@code ipblock:} labels.
   */
  public void putPolicy(PolicyRef ref, List<PolicyRule> rules) {
    List<PolicyRule> before = rulesByPolicy.getOrDefault(ref, List.of());
    if (before.equals(rules)) {
      return;
    }
    Map<CidrPrefix, Integer> ipBlocksAfter = new HashMap<>(ipBlockUses);
    count(ipBlocksAfter, rules, 1);
    count(ipBlocksAfter, before, -1);
    List<Workload> relabelled = workloadsInChangedBlocks(ipBlocksAfter.keySet());
    // Allocation may fail: every identity the relabelled pods take is allocated before any change.
    relabelled.forEach(w -> identityOf(w, ipBlocksAfter.keySet()));
    // Prefixes first: the new rules' CIDR identities must exist when their selections are made.
    for (CidrPrefix p : prefixes(rules)) {
      useCidr(p);
    }
    fqdns(rules).forEach(this::useFqdn);
    dirtySubjects.addAll(engine.replaceRules(before, rules));
    for (CidrPrefix p : prefixes(before)) {
      unuseCidr(p);
    }
    fqdns(before).forEach(this::unuseFqdn);
    if (rules.isEmpty()) {
      rulesByPolicy.remove(ref);
    } else {
      rulesByPolicy.put(ref, List.copyOf(rules));
    }
    ipBlockUses.clear();
    ipBlockUses.putAll(ipBlocksAfter);
    relabelled.forEach(this::putWorkload);
  }

  private static void count(Map<CidrPrefix, Integer> uses, List<PolicyRule> rules, int delta) {
    for (PolicyRule r : rules) {
      for (CidrPrefix p : r.ipBlockPrefixes()) {
        if (uses.merge(p, delta, Integer::sum) == 0) {
          uses.remove(p);
        }
      }
    }
  }

  /**
   * The workloads with an address in an ipBlock prefix that comes or goes: their {@code ipblock:}
   * labels, and so their identities, change. Every other pod keeps its identity.
   */
  private List<Workload> workloadsInChangedBlocks(Set<CidrPrefix> after) {
    Set<CidrPrefix> changed = new HashSet<>(after);
    changed.removeAll(ipBlockUses.keySet());
    for (CidrPrefix p : ipBlockUses.keySet()) {
      if (!after.contains(p)) {
        changed.add(p);
      }
    }
    if (changed.isEmpty()) {
      return List.of();
    }
    List<Workload> out = new ArrayList<>();
    for (Placed p : workloads.values()) {
      if (!IpBlockLabels.of(p.workload().pod().ip().stream().toList(), changed).isEmpty()) {
        out.add(p.workload());
      }
    }
    return out;
  }

  /** Every prefix each rule names, as often as named: each naming holds a use. */
  private static List<CidrPrefix> prefixes(List<PolicyRule> rules) {
    return rules.stream().flatMap(r -> r.prefixes().stream()).toList();
  }

  private static List<FqdnSelector> fqdns(List<PolicyRule> rules) {
    return rules.stream().flatMap(r -> r.fqdnSelectors().stream()).toList();
  }

  /**
   * A {@code toFQDNs} selector gets one node-local identity, which its rules select; the nodes' DNS
   * proxies give it the addresses they learn for the selector's names.
   */
  private void useFqdn(FqdnSelector f) {
    String key = FqdnMatcher.key(f.selector());
    if (fqdnUses.merge(key, 1, Integer::sum) == 1) {
      Identity id = allocator.allocateLocal(f.labels());
      fqdnIdentities.put(key, id);
      fqdnKeys.put(id.id(), key);
      dirtySubjects.addAll(engine.upsertIdentity(id, List.of()));
    }
  }

  private void unuseFqdn(FqdnSelector f) {
    String key = FqdnMatcher.key(f.selector());
    if (fqdnUses.merge(key, -1, Integer::sum) == 0) {
      fqdnUses.remove(key);
      Identity id = fqdnIdentities.remove(key);
      if (id != null) {
        fqdnKeys.remove(id.id());
        dirtySubjects.addAll(engine.removeIdentity(id.id()));
      }
    }
  }

  /** The FQDN selector identities that {@code policies} name, with their selector keys. */
  private Map<Long, String> fqdnSelectorsOf(Map<Long, IdentityPolicy> policies) {
    if (fqdnKeys.isEmpty()) {
      return Map.of();
    }
    Map<Long, String> out = new HashMap<>();
    for (IdentityPolicy p : policies.values()) {
      for (var k : p.entries().keySet()) {
        String key = fqdnKeys.get(k.identity());
        if (key != null) {
          out.put(k.identity(), key);
        }
      }
    }
    return out;
  }

  public void removePolicy(PolicyRef ref) {
    putPolicy(ref, List.of());
  }

  // A zero-length prefix is the reserved world identity, which the engine always has: it is
  // counted, but neither added nor removed.
  private void useCidr(CidrPrefix prefix) {
    if (cidrUses.merge(prefix, 1, Integer::sum) == 1 && prefix.length() > 0) {
      Identity id = allocator.allocateCidr(prefix);
      cidrIdentities.put(prefix, id);
      dirtySubjects.addAll(engine.upsertIdentity(id, List.of()));
      cidrIpcache.put(prefix.toString(), id.id());
      dirtyPrefixes.add(prefix.toString());
    }
  }

  private void unuseCidr(CidrPrefix prefix) {
    if (cidrUses.merge(prefix, -1, Integer::sum) == 0) {
      cidrUses.remove(prefix);
      Identity id = cidrIdentities.remove(prefix);
      if (id != null) {
        dirtySubjects.addAll(engine.removeIdentity(id.id()));
        cidrIpcache.remove(prefix.toString());
        dirtyPrefixes.add(prefix.toString());
      }
    }
  }

  /**
   * What changed since the last drain: new policies for the subjects that changed, the whole local
   * state of each node they or the endpoint changes touched, and the ipcache entries that moved.
   */
  public NodeChanges drain() {
    List<Long> placed = new ArrayList<>();
    for (long subject : dirtySubjects) {
      Map<String, Integer> onNodes = nodesByIdentity.get(subject);
      if (onNodes != null) {
        placed.add(subject);
        dirtyNodes.addAll(onNodes.keySet());
      }
    }
    // Side by side: a first sync computes every subject's policy, which both cores share.
    engine.policiesFor(placed).forEach((s, p) -> identityPolicies.put(s, IdentityPolicy.of(p)));
    dirtySubjects.clear();
    Map<String, LocalState> changedNodes = new HashMap<>();
    for (String node : dirtyNodes) {
      changedNodes.put(node, localState(node));
    }
    dirtyNodes.clear();
    // Every touched prefix goes out; the store drops those whose entry did not move.
    Map<String, Long> upserts = new HashMap<>();
    Set<String> deletes = new HashSet<>();
    for (String prefix : dirtyPrefixes) {
      Long id = ipcacheEntry(prefix);
      if (id == null) {
        deletes.add(prefix);
      } else {
        upserts.put(prefix, id);
      }
    }
    dirtyPrefixes.clear();
    Map<ServiceFrontend, List<ServiceBackend>> serviceUpserts = new HashMap<>();
    Set<ServiceFrontend> serviceDeletes = new HashSet<>();
    for (ServiceFrontend f : dirtyFrontends) {
      TreeMap<String, List<ServiceBackend>> owners = frontendOwners.get(f);
      if (owners == null) {
        serviceDeletes.add(f);
      } else {
        serviceUpserts.put(f, owners.firstEntry().getValue());
      }
    }
    dirtyFrontends.clear();
    return new NodeChanges(false, upserts, deletes, changedNodes, serviceUpserts, serviceDeletes);
  }

  /**
   * A pod's address wins over a node's or the API server's, which wins over a policy CIDR of the
   * same host prefix.
   */
  private Long ipcacheEntry(String prefix) {
    TreeMap<String, Long> owners = podPrefixes.get(prefix);
    if (owners != null) {
      return owners.lastEntry().getValue();
    }
    Long reserved = reservedIpcache.get(prefix);
    return reserved != null ? reserved : cidrIpcache.get(prefix);
  }

  private LocalState localState(String node) {
    NodeEndpoints n = nodes.get(node);
    if (n == null) {
      return LocalState.EMPTY;
    }
    Map<Long, IdentityPolicy> policies = new HashMap<>();
    Map<String, EndpointState> endpoints = new HashMap<>();
    for (Placed p : n.endpoints.values()) {
      IdentityPolicy policy = policyOf(p.identity().id());
      policies.put(policy.identity(), policy);
      endpoints.put(
          p.workload().id(),
          new EndpointState(
              p.workload().id(),
              p.workload().addresses(),
              policy.identity(),
              policy.enforces(Direction.INGRESS),
              policy.enforces(Direction.EGRESS),
              p.workload().proxylessGrpc()));
    }
    return new LocalState(
        endpoints,
        policies,
        hostIpcache.getOrDefault(node, Map.of()),
        nodePortsOn(node),
        fqdnSelectorsOf(policies));
  }

  /** The NodePorts on {@code node}'s own addresses; the first Service by id has a shared one. */
  private Map<ServiceFrontend, List<ServiceBackend>> nodePortsOn(String node) {
    Set<String> addresses = nodeAddresses.getOrDefault(node, Set.of());
    if (addresses.isEmpty() || nodePortServices.isEmpty()) {
      return Map.of();
    }
    List<String> sorted = new ArrayList<>(new TreeSet<>(addresses));
    Map<ServiceFrontend, List<ServiceBackend>> out = new HashMap<>();
    for (ServiceFrontends s : nodePortServices.values()) {
      s.onNode(sorted).forEach(out::putIfAbsent);
    }
    return out;
  }

  private IdentityPolicy policyOf(long identity) {
    return identityPolicies.computeIfAbsent(
        identity, id -> IdentityPolicy.of(engine.policyFor(id)));
  }

  /** The nodes that run an endpoint one of the policy's rules selects. */
  public Set<String> nodesOf(PolicyRef policy) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule rule : rulesByPolicy.getOrDefault(policy, List.of())) {
      for (long id : engine.selectorCache().selections(rule.subject()).toArray()) {
        out.addAll(nodesByIdentity.getOrDefault(id, Map.of()).keySet());
      }
    }
    return out;
  }

  /** The policies with a rule that selects an endpoint on {@code node}. */
  public List<PolicyRef> policiesOn(String node) {
    NodeEndpoints n = nodes.get(node);
    if (n == null) {
      return List.of();
    }
    Set<PolicyRef> out = new LinkedHashSet<>();
    for (long id : n.identities.keySet()) {
      for (PolicyRule rule : engine.rulesSelecting(id)) {
        out.add(PolicyRef.of(rule.origin()));
      }
    }
    return List.copyOf(out);
  }

  /** The cluster identities some workload has. */
  public Set<Long> identitiesInUse() {
    return Set.copyOf(identities.keySet());
  }

  /** The pod ({@code namespace/name}) that has {@code address}, if one does. */
  public Optional<String> podAt(String address) {
    return CidrPrefix.parseAddress(address)
        .map(b -> podPrefixes.get(CidrPrefix.host(b).toString()))
        .map(TreeMap::lastKey);
  }

  /**
   * The pod that has {@code address} when it has {@code identity} too, which is the identity the
   * datapath finds for the address: a flow that reports another identity was seen under other state
   * (a pod since replaced at that address), and naming the pod from its address would guess.
   */
  public Optional<String> podAt(String address, long identity) {
    return CidrPrefix.parseAddress(address)
        .map(b -> podPrefixes.get(CidrPrefix.host(b).toString()))
        .map(TreeMap::lastEntry)
        .filter(owner -> owner.getValue() == identity)
        .map(Map.Entry::getKey);
  }

  /**
   * One side of a flow decided again from the rules that select {@code subject}, to name what
   * decided it (the datapath only says what it did). Empty when either identity is unknown.
   */
  public Optional<DirectionVerdict> explain(
      Direction direction,
      long subject,
      long peer,
      Optional<String> peerAddress,
      int protocol,
      int port) {
    Identity s = engine.selectorCache().identity(subject);
    Identity p = engine.selectorCache().identity(peer);
    if (s == null || p == null) {
      return Optional.empty();
    }
    Map<Long, Set<NamedPort>> ports = new HashMap<>();
    for (long id : List.of(subject, peer)) {
      IdentityUse use = identities.get(id);
      if (use != null) {
        ports.put(id, Set.copyOf(use.ports.keySet()));
      }
    }
    Optional<CidrPrefix> podAddress =
        peerAddress
            .filter(a -> podAt(a).isPresent())
            .flatMap(CidrPrefix::parseAddress)
            .map(CidrPrefix::host);
    return Optional.of(
        new ReferenceEvaluator(engine.rulesSelecting(subject), ports)
            .evaluate(direction, s, new Peer(p, podAddress), protocol, port));
  }
}
