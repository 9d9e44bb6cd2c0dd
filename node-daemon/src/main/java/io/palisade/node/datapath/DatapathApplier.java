package io.palisade.node.datapath;

import io.palisade.node.discovery.InterfaceFinder;
import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.L7Parser;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The pipeline's node state applied to this host's datapath in process: what standalone mode and
 * the node daemon's file mode publish to, as the operator publishes to its store for remote
 * daemons. It keeps this node's share (the shared ipcache and its own local state, and the Service
 * frontends: the shared ones with the node's own over them), binds it to the host's interfaces and
 * writes the difference to the maps. A revision counts as enforced, and is acked, only once it is
 * in the maps and every endpoint the finder expects here is bound to an interface carrying the
 * programs; until then its endpoints are {@link #pending}. An apply that fails keeps the previous
 * state in force and is tried again on the next publish or {@link #refresh}, which also binds again
 * (a pod's interface may have appeared, gone or been recreated). Thread-safe.
 */
public final class DatapathApplier implements NodeStateApplier {

  private final Datapath datapath;
  private final String node;
  private final InterfaceFinder interfaces;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Map<CidrPrefix, Long> ipcache = new HashMap<>();
  private final Map<ServiceFrontend, List<ServiceBackend>> services = new HashMap<>();
  private LocalState local = LocalState.EMPTY;

  /** The shared frontends with the node's own over them, as one checked table. */
  private ServiceTable table = ServiceTable.EMPTY;

  private DatapathState applied;
  private Optional<ApplyResult> lastResult = Optional.empty();
  private List<PendingEndpoint> pending = List.of();
  private String lastError = "";
  private long revision;
  private long heldRevision;
  private Optional<NodeProxy> proxy = Optional.empty();
  private long proxyRevision = -1;
  private String proxyError = "";

  /**
   * @param node the node this host is; other nodes' state is not kept
   * @param interfaces places each address of a local endpoint on this host
   */
  public DatapathApplier(Datapath datapath, String node, InterfaceFinder interfaces) {
    this.datapath = datapath;
    this.node = node;
    this.interfaces = interfaces;
  }

  /**
   * Makes {@code proxy} the node's L7 proxy: each revision's config goes to it before the maps, and
   * its ports are made ready in the datapath ({@link Datapath#readyProxyPorts}), which must have
   * the redirect enabled ({@link Datapath#enableProxyRedirect}).
   */
  public synchronized DatapathApplier withProxy(NodeProxy proxy) {
    this.proxy = Optional.of(proxy);
    this.proxyRevision = -1;
    proxy.onLearned(this::applyLearned);
    return this;
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  @Override
  public long publish(NodeChanges changes) {
    long published;
    boolean enforced;
    synchronized (this) {
      if (merge(changes)) {
        revision++;
      }
      apply();
      published = revision;
      enforced = enforced();
    }
    if (changes.nodes().containsKey(node)) {
      listeners.forEach(l -> l.published(published, Set.of(node)));
    }
    if (enforced) {
      listeners.forEach(l -> l.acked(node, published));
    }
    return published;
  }

  /**
   * Binds again and writes what differs from the maps: an interface may have appeared, gone or been
   * recreated. Acks the revision when this made it enforced.
   */
  public void refresh() {
    long now;
    boolean acked;
    synchronized (this) {
      boolean before = enforced();
      apply();
      now = revision;
      acked = !before && enforced();
    }
    if (acked) {
      listeners.forEach(l -> l.acked(node, now));
    }
  }

  private boolean merge(NodeChanges changes) {
    boolean changed = false;
    boolean servicesChanged = false;
    if (changes.complete()) {
      changed = !ipcache.isEmpty();
      servicesChanged = !services.isEmpty();
      ipcache.clear();
      services.clear();
    }
    for (var e : changes.serviceUpserts().entrySet()) {
      servicesChanged |= !e.getValue().equals(services.put(e.getKey(), e.getValue()));
    }
    for (ServiceFrontend f : changes.serviceDeletes()) {
      servicesChanged |= services.remove(f) != null;
    }
    for (var e : changes.ipcacheUpserts().entrySet()) {
      changed |= !e.getValue().equals(ipcache.put(DatapathState.prefix(e.getKey()), e.getValue()));
    }
    for (String prefix : changes.ipcacheDeletes()) {
      changed |= ipcache.remove(DatapathState.prefix(prefix)) != null;
    }
    LocalState next =
        changes.nodes().getOrDefault(node, changes.complete() ? LocalState.EMPTY : local);
    changed |= !next.equals(local);
    servicesChanged |= !next.services().equals(local.services());
    local = next;
    if (servicesChanged) {
      Map<ServiceFrontend, List<ServiceBackend>> all = new HashMap<>(services);
      all.putAll(local.services());
      table = new ServiceTable(all);
    }
    return changed || servicesChanged;
  }

  /** Writes the addresses the proxy learned (toFQDNs); throws when the maps did not take them. */
  private synchronized void applyLearned() {
    apply();
    if (!lastError.isEmpty()) {
      throw new IllegalStateException(lastError);
    }
  }

  /** The shared ipcache under the proxy's learned addresses, which any entry of it overrides. */
  private Map<CidrPrefix, Long> ipcacheWithLearned() {
    Map<String, Long> learned = proxy.map(NodeProxy::learnedIpcache).orElse(Map.of());
    if (learned.isEmpty()) {
      return ipcache;
    }
    Map<CidrPrefix, Long> out = new HashMap<>();
    learned.forEach((p, id) -> out.put(DatapathState.prefix(p), id));
    out.putAll(ipcache);
    return out;
  }

  private void apply() {
    // The proxy first (it never throws: a refusal is proxyError), so that the addresses it has
    // learned for this revision's toFQDNs selectors are in the maps' desired state at once.
    if (proxy.isPresent() && (proxyRevision != revision || proxy.get().changesOnItsOwn())) {
      proxyError = applyProxy(proxy.get());
      proxyRevision = revision;
    }
    List<PendingEndpoint> missing = new ArrayList<>();
    DatapathState want =
        DatapathState.bind(
                DatapathState.withLocal(ipcacheWithLearned(), local.ipcache()),
                local.endpoints().values(),
                local.policies(),
                interfaces,
                missing)
            .withServices(table);
    try {
      if (!want.equals(applied) || !datapath.attachmentsCurrent(want)) {
        ApplyResult r = datapath.apply(want);
        lastResult = Optional.of(r);
        applied = want;
        missing.addAll(
            PendingEndpoint.unattached(local.endpoints().values(), want, r.unattached()));
      }
      heldRevision = revision;
      lastError = "";
    } catch (RuntimeException e) {
      lastError = String.valueOf(e.getMessage());
    }
    pending = List.copyOf(missing);
  }

  /** The proxy first, then the maps ({@link ProxyFirst}); returns the refusal, or "". */
  private String applyProxy(NodeProxy p) {
    Map<String, Long> peers = new HashMap<>();
    DatapathState.withLocal(ipcache, local.ipcache()).forEach((k, v) -> peers.put(k.toString(), v));
    return ProxyFirst.update(datapath, p, local, peers);
  }

  /** The maps hold the current revision and every endpoint expected here is enforced. */
  private boolean enforced() {
    return heldRevision == revision && pending.isEmpty() && lastError.isEmpty();
  }

  @Override
  public synchronized long revision() {
    return revision;
  }

  @Override
  public synchronized int enforcedCount(Collection<String> nodes, long since) {
    return nodes.contains(node) && pending.isEmpty() && heldRevision >= since ? 1 : 0;
  }

  /** What this node's proxy enforces; HTTP alone when it runs none (nothing is then enforced). */
  @Override
  public synchronized Set<L7Parser> l7Parsers() {
    return proxy.map(NodeProxy::parsers).orElse(Set.of(L7Parser.HTTP));
  }

  /** One when this node's embedded proxy holds revision {@code since} or a later one. */
  @Override
  public synchronized int l7EnforcedCount(Collection<String> nodes, long since) {
    return nodes.contains(node)
            && proxy.filter(p -> !p.changesOnItsOwn()).isPresent()
            && proxyError.isEmpty()
            && proxyRevision >= since
            && heldRevision >= since
        ? 1
        : 0;
  }

  @Override
  public synchronized Optional<String> l7Failure(String node, long since) {
    if (!this.node.equals(node)) {
      return Optional.empty();
    }
    if (proxy.isEmpty()) {
      return NodeStateApplier.super.l7Failure(node, since);
    }
    if (proxy.get().changesOnItsOwn()) {
      return Optional.of(
          "an Envoy on the node takes the redirects (--l7-proxy envoy); which config it holds"
              + " is known only to the operator's xDS endpoint");
    }
    return proxyError.isEmpty() ? Optional.empty() : Optional.of(proxyError);
  }

  @Override
  public synchronized Optional<String> failure(String node, long since) {
    if (!this.node.equals(node)) {
      return Optional.empty();
    }
    if (!pending.isEmpty()) {
      return Optional.of(describe(pending));
    }
    return heldRevision < since && !lastError.isEmpty() ? Optional.of(lastError) : Optional.empty();
  }

  /** "2 endpoints not enforced yet: ns/a 10.0.0.1 (why); ns/b ..." */
  public static String describe(List<PendingEndpoint> pending) {
    return pending.size()
        + (pending.size() == 1 ? " endpoint" : " endpoints")
        + " not enforced yet: "
        + String.join("; ", pending.stream().map(PendingEndpoint::toString).toList());
  }

  /** What the last write to the maps did. */
  public synchronized Optional<ApplyResult> lastResult() {
    return lastResult;
  }

  /** The addresses expected on this host that are not enforced, and why. */
  public synchronized List<PendingEndpoint> pending() {
    return pending;
  }

  /** The endpoints bound to an interface in the maps now. */
  public synchronized List<LocalEndpoint> bound() {
    return applied == null ? List.of() : applied.endpoints();
  }
}
