package io.palisade.pipeline.inventory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.NodeInfo;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.pipeline.model.ServiceEndpoints;
import io.palisade.pipeline.model.ServiceFrontends;
import io.palisade.pipeline.model.ServiceInfo;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.rules.ClusterServices;
import io.palisade.policy.rules.PolicyRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The objects the pipeline works from, as their one writer last saw them (the operator's informers,
 * or standalone mode's files and Git): namespaces, workloads, nodes, Services and their
 * EndpointSlices, CIDR groups, and every policy generation with its validation. Each change bumps a
 * version and marks its key, so the pipeline takes only what changed since it last looked.
 * Thread-safe: the writer and the pipeline's thread meet here.
 *
 * <p>A policy whose new generation is invalid keeps its last valid generation in force: a typo in
 * an update must not open what the policy closed.
 */
public final class ClusterInventory {

  /** The inventory at one version, with the generation in force of every policy it holds. */
  public record Snapshot(long version, ClusterSnapshot cluster, Map<PolicyRef, Long> generations) {}

  /**
   * What changed since the last {@link #drain}: for each changed key, its current value, or empty
   * when it is gone. A policy's value is its generation in force.
   */
  public record Changes(
      long version,
      Map<String, Optional<Namespace>> namespaces,
      Map<String, Optional<Workload>> workloads,
      Map<PolicyRef, Optional<PolicyValidation.Checked>> policies,
      Map<String, Optional<NodeInfo>> nodes,
      Optional<Set<String>> apiServer,
      Map<String, ServiceFrontends> services) {

    public boolean isEmpty() {
      return namespaces.isEmpty()
          && workloads.isEmpty()
          && policies.isEmpty()
          && nodes.isEmpty()
          && apiServer.isEmpty()
          && services.isEmpty();
    }
  }

  /** The Service whose endpoints are the API server's: {@code default/kubernetes}. */
  public static final String API_SERVER_NAMESPACE = "default";

  public static final String API_SERVER_SERVICE = "kubernetes";

  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<String, Workload> workloads = new HashMap<>();
  private final Map<PolicyRef, PolicyValidation.Checked> latest = new HashMap<>();
  private final Map<PolicyRef, PolicyValidation.Checked> inForce = new HashMap<>();
  private final Set<String> dirtyNamespaces = new LinkedHashSet<>();
  private final Set<String> dirtyWorkloads = new LinkedHashSet<>();
  private final Set<PolicyRef> dirtyPolicies = new LinkedHashSet<>();
  private final Map<String, CiliumCIDRGroup> cidrGroups = new TreeMap<>();
  private final Map<String, NodeInfo> nodes = new HashMap<>();
  private final Set<String> dirtyNodes = new LinkedHashSet<>();
  private final Map<String, ServiceInfo> services = new TreeMap<>();
  private final Map<String, ServiceEndpoints> slices = new TreeMap<>();

  /** Services whose frontends may have changed: the Service, or one of its slices, did. */
  private final Set<String> dirtyServices = new LinkedHashSet<>();

  private Set<String> apiServer = Set.of();
  private boolean apiServerDirty;

  /** The policies in force whose rules name CIDR groups, translated again when a group changes. */
  private final Set<PolicyRef> groupUsers = new HashSet<>();

  /**
   * The policies in force with {@code toServices}, translated again when a Service or an
   * EndpointSlice changes.
   */
  private final Set<PolicyRef> serviceUsers = new HashSet<>();

  private long version;

  public synchronized long version() {
    return version;
  }

  public synchronized boolean putNamespace(Namespace ns) {
    return changed(!Objects.equals(namespaces.put(ns.name(), ns), ns), dirtyNamespaces, ns.name());
  }

  public synchronized boolean removeNamespace(String name) {
    return changed(namespaces.remove(name) != null, dirtyNamespaces, name);
  }

  public synchronized boolean putWorkload(Workload w) {
    return changed(!Objects.equals(workloads.put(w.id(), w), w), dirtyWorkloads, w.id());
  }

  public synchronized boolean removeWorkload(String id) {
    return changed(workloads.remove(id) != null, dirtyWorkloads, id);
  }

  public synchronized boolean putNode(NodeInfo node) {
    return changed(!Objects.equals(nodes.put(node.name(), node), node), dirtyNodes, node.name());
  }

  public synchronized boolean removeNode(String name) {
    return changed(nodes.remove(name) != null, dirtyNodes, name);
  }

  /** Every node, by name. */
  public synchronized Map<String, NodeInfo> nodes() {
    return Map.copyOf(nodes);
  }

  /** Records a Service; its frontends are computed again. */
  public synchronized boolean putService(ServiceInfo service) {
    return servicesChanged(
        changed(
            !Objects.equals(services.put(service.id(), service), service),
            dirtyServices,
            service.id()));
  }

  public synchronized boolean removeService(String id) {
    return servicesChanged(changed(services.remove(id) != null, dirtyServices, id));
  }

  /** A Service or its backends changed: the policies selecting Services are translated again. */
  private boolean servicesChanged(boolean changed) {
    if (changed) {
      dirtyPolicies.addAll(serviceUsers);
    }
    return changed;
  }

  /** Every Service, by {@code namespace/name}, sorted. */
  public synchronized Map<String, ServiceInfo> services() {
    return Map.copyOf(services);
  }

  /**
   * Records an EndpointSlice: the frontends of the Service it belongs to (and of the one it
   * belonged to) are computed again. The slices of {@code default/kubernetes} list the API server's
   * addresses, which carry the {@code kube-apiserver} identity: a change of them is marked too.
   */
  public synchronized boolean putEndpoints(ServiceEndpoints slice) {
    ServiceEndpoints before = slices.put(slice.id(), slice);
    if (slice.equals(before)) {
      return false;
    }
    markServiceOf(before);
    markServiceOf(slice);
    placeApiServer();
    return servicesChanged(changed(true));
  }

  public synchronized boolean removeEndpoints(String id) {
    ServiceEndpoints before = slices.remove(id);
    if (before == null) {
      return false;
    }
    markServiceOf(before);
    placeApiServer();
    return servicesChanged(changed(true));
  }

  private void markServiceOf(ServiceEndpoints slice) {
    if (slice != null) {
      slice.serviceName().ifPresent(s -> dirtyServices.add(slice.namespace() + "/" + s));
    }
  }

  /** Every EndpointSlice, by {@code namespace/name}, sorted. */
  public synchronized Map<String, ServiceEndpoints> endpointSlices() {
    return Map.copyOf(slices);
  }

  /** The slices of the Service {@code namespace/name}. */
  public synchronized List<ServiceEndpoints> endpointsOf(String namespace, String service) {
    return slices.values().stream().filter(s -> s.serves(namespace, service)).toList();
  }

  /**
   * The API server's addresses: every address the slices of {@code default/kubernetes} list,
   * whatever their conditions, since an API server that is not ready is still the API server.
   */
  public synchronized Set<String> apiServer() {
    return apiServer;
  }

  private void placeApiServer() {
    Set<String> next = new TreeSet<>();
    for (ServiceEndpoints s : slices.values()) {
      if (s.serves(API_SERVER_NAMESPACE, API_SERVER_SERVICE)) {
        s.endpoints().forEach(e -> next.addAll(e.addresses()));
      }
    }
    if (!next.equals(apiServer)) {
      apiServer = Set.copyOf(next);
      apiServerDirty = true;
    }
  }

  /**
   * Records a policy generation as validated. Returns whether anything changed: the generation, its
   * errors, or the rules in force.
   */
  public synchronized boolean putPolicy(PolicyValidation.Checked checked) {
    PolicyValidation.Checked before = latest.put(checked.ref(), checked);
    boolean seen =
        before != null
            && before.generation() == checked.generation()
            && before.errors().equals(checked.errors());
    if (!checked.valid()) {
      return changed(!seen);
    }
    PolicyValidation.Checked forced = inForce.put(checked.ref(), checked);
    track(checked, PolicyTranslation::usesCidrGroups, groupUsers);
    track(checked, PolicyTranslation::usesServices, serviceUsers);
    boolean rulesChanged = forced == null || !forced.rules().equals(checked.rules());
    if (rulesChanged || forced.generation() != checked.generation()) {
      dirtyPolicies.add(checked.ref());
    }
    return changed(!seen || rulesChanged);
  }

  public synchronized boolean removePolicy(PolicyRef ref) {
    boolean known = latest.remove(ref) != null;
    if (inForce.remove(ref) != null) {
      dirtyPolicies.add(ref);
    }
    groupUsers.remove(ref);
    serviceUsers.remove(ref);
    return changed(known);
  }

  private static void track(
      PolicyValidation.Checked checked, Predicate<HasMetadata> uses, Set<PolicyRef> users) {
    if (checked.object().map(uses::test).orElse(false)) {
      users.add(checked.ref());
    } else {
      users.remove(checked.ref());
    }
  }

  /** Records a CIDR group; the policies naming groups are translated again. */
  public synchronized boolean putCidrGroup(CiliumCIDRGroup group) {
    CiliumCIDRGroup before = cidrGroups.put(group.getMetadata().getName(), group);
    boolean same =
        before != null
            && Objects.equals(before.getSpec(), group.getSpec())
            && Objects.equals(before.getMetadata().getLabels(), group.getMetadata().getLabels());
    return groupsChanged(!same);
  }

  public synchronized boolean removeCidrGroup(String name) {
    return groupsChanged(cidrGroups.remove(name) != null);
  }

  public synchronized Set<String> cidrGroupNames() {
    return Set.copyOf(cidrGroups.keySet());
  }

  private boolean groupsChanged(boolean changed) {
    if (changed) {
      dirtyPolicies.addAll(groupUsers);
    }
    return changed(changed);
  }

  /**
   * The policy's rules in force: translated with the current CIDR groups and Services if it names
   * any.
   */
  private PolicyValidation.Checked translated(PolicyValidation.Checked checked) {
    boolean groups = groupUsers.contains(checked.ref());
    boolean svc = serviceUsers.contains(checked.ref());
    if (!groups && !svc) {
      return checked;
    }
    ClusterServices known =
        svc
            ? PolicyTranslation.services(services.values(), slices.values())
            : ClusterServices.none();
    return new PolicyValidation.Checked(
        checked.ref(),
        checked.generation(),
        checked.errors(),
        PolicyTranslation.rules(checked.object().orElseThrow(), cidrGroups.values(), known),
        checked.object());
  }

  /** The generation of {@code ref} in force, with its rules: its last valid one. */
  public synchronized Optional<PolicyValidation.Checked> inForce(PolicyRef ref) {
    return Optional.ofNullable(inForce.get(ref));
  }

  /** The last generation seen of {@code ref}, valid or not, with its errors. */
  public synchronized Optional<PolicyValidation.Checked> latest(PolicyRef ref) {
    return Optional.ofNullable(latest.get(ref));
  }

  /** Every policy seen, valid or not. */
  public synchronized Set<PolicyRef> policies() {
    return Set.copyOf(latest.keySet());
  }

  /** The generation of {@code ref} in force: its last valid one. */
  public synchronized Optional<Long> generationInForce(PolicyRef ref) {
    return Optional.ofNullable(inForce.get(ref)).map(PolicyValidation.Checked::generation);
  }

  /** Takes what changed since the last call, leaving nothing marked. */
  public synchronized Changes drain() {
    Map<String, Optional<Namespace>> ns = new LinkedHashMap<>();
    dirtyNamespaces.forEach(n -> ns.put(n, Optional.ofNullable(namespaces.get(n))));
    Map<String, Optional<Workload>> ws = new LinkedHashMap<>();
    dirtyWorkloads.forEach(w -> ws.put(w, Optional.ofNullable(workloads.get(w))));
    Map<PolicyRef, Optional<PolicyValidation.Checked>> ps = new LinkedHashMap<>();
    dirtyPolicies.forEach(
        p -> ps.put(p, Optional.ofNullable(inForce.get(p)).map(this::translated)));
    Map<String, Optional<NodeInfo>> nd = new LinkedHashMap<>();
    dirtyNodes.forEach(n -> nd.put(n, Optional.ofNullable(nodes.get(n))));
    Optional<Set<String>> api = apiServerDirty ? Optional.of(apiServer) : Optional.empty();
    Map<String, ServiceFrontends> svc = new LinkedHashMap<>();
    dirtyServices.forEach(id -> svc.put(id, frontends(id)));
    dirtyServices.clear();
    dirtyNamespaces.clear();
    dirtyWorkloads.clear();
    dirtyPolicies.clear();
    dirtyNodes.clear();
    apiServerDirty = false;
    return new Changes(version, ns, ws, ps, nd, api, svc);
  }

  /** The frontends of the Service {@code id} as its slices give them; none when it is gone. */
  private ServiceFrontends frontends(String id) {
    ServiceInfo s = services.get(id);
    return s == null
        ? ServiceFrontends.none(id)
        : ServiceFrontends.of(s, endpointsOf(s.namespace(), s.name()));
  }

  /** Marks keys again whose changes could not be taken, so that the next drain has them. */
  public synchronized void requeue(Changes changes) {
    dirtyNamespaces.addAll(changes.namespaces().keySet());
    dirtyWorkloads.addAll(changes.workloads().keySet());
    dirtyPolicies.addAll(changes.policies().keySet());
    dirtyNodes.addAll(changes.nodes().keySet());
    apiServerDirty |= changes.apiServer().isPresent();
    dirtyServices.addAll(changes.services().keySet());
    version++;
    notifyAll();
  }

  /**
   * Waits until the version is past {@code seen} or {@code timeout} passes; returns the version.
   */
  public synchronized long awaitChange(long seen, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (version <= seen) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return version;
  }

  /** A copy of the whole inventory, for computing the desired state from scratch. */
  public synchronized Snapshot snapshot() {
    List<PolicyRule> rules = new ArrayList<>();
    Map<PolicyRef, Long> generations = new TreeMap<>(Comparator.comparing(PolicyRef::toString));
    for (PolicyValidation.Checked c : sorted(inForce).values()) {
      rules.addAll(translated(c).rules());
      generations.put(c.ref(), c.generation());
    }
    return new Snapshot(
        version,
        new ClusterSnapshot(
            List.copyOf(new TreeMap<>(namespaces).values()),
            List.copyOf(new TreeMap<>(workloads).values()),
            rules,
            List.copyOf(new TreeMap<>(nodes).values()),
            List.copyOf(services.values()),
            List.copyOf(slices.values())),
        generations);
  }

  private static Map<PolicyRef, PolicyValidation.Checked> sorted(
      Map<PolicyRef, PolicyValidation.Checked> policies) {
    Map<PolicyRef, PolicyValidation.Checked> out =
        new TreeMap<>(Comparator.comparing(PolicyRef::toString));
    out.putAll(policies);
    return out;
  }

  private <K> boolean changed(boolean changed, Set<K> dirty, K key) {
    if (changed) {
      dirty.add(key);
    }
    return changed(changed);
  }

  private boolean changed(boolean changed) {
    if (changed) {
      version++;
      notifyAll();
    }
    return changed;
  }
}
