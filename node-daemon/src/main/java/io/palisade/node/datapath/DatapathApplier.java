package io.palisade.node.datapath;

import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.identity.CidrPrefix;
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
 * daemons. It keeps this node's share (the shared ipcache and Service frontends, and its own local
 * state), binds it to the host's interfaces and writes the difference to the maps. A revision
 * counts as held once it is in the maps; an apply that fails keeps the previous state in force and
 * is tried again on the next publish or {@link #refresh}. Thread-safe.
 */
public final class DatapathApplier implements NodeStateApplier {

  private final Datapath datapath;
  private final String node;
  private final DatapathState.InterfaceFinder interfaces;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Map<CidrPrefix, Long> ipcache = new HashMap<>();
  private final Map<ServiceFrontend, List<ServiceBackend>> services = new HashMap<>();
  private LocalState local = LocalState.EMPTY;

  /** The shared frontends with the node's own over them, as one checked table. */
  private ServiceTable table = ServiceTable.EMPTY;

  private DatapathState applied;
  private Optional<ApplyResult> lastResult = Optional.empty();
  private List<String> unbound = List.of();
  private String lastError = "";
  private long revision;
  private long appliedRevision;

  /**
   * @param node the node this host is; other nodes' state is not kept
   * @param interfaces finds the host-side interface of a local endpoint's address
   */
  public DatapathApplier(Datapath datapath, String node, DatapathState.InterfaceFinder interfaces) {
    this.datapath = datapath;
    this.node = node;
    this.interfaces = interfaces;
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  @Override
  public long publish(NodeChanges changes) {
    long published;
    boolean held;
    synchronized (this) {
      if (merge(changes)) {
        revision++;
      }
      apply();
      published = revision;
      held = appliedRevision == revision;
    }
    if (changes.nodes().containsKey(node)) {
      listeners.forEach(l -> l.published(published, Set.of(node)));
    }
    if (held) {
      listeners.forEach(l -> l.acked(node, published));
    }
    return published;
  }

  /** Binds again (an interface may have appeared) and writes what differs from the maps. */
  public synchronized void refresh() {
    apply();
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

  private void apply() {
    List<String> missing = new ArrayList<>();
    DatapathState want =
        DatapathState.bind(
                DatapathState.withLocal(ipcache, local.ipcache()),
                local.endpoints().values(),
                local.policies(),
                interfaces,
                missing)
            .withServices(table);
    unbound = List.copyOf(missing);
    if (want.equals(applied)) {
      appliedRevision = revision;
      return;
    }
    try {
      lastResult = Optional.of(datapath.apply(want));
      applied = want;
      appliedRevision = revision;
      lastError = "";
    } catch (RuntimeException e) {
      lastError = String.valueOf(e.getMessage());
    }
  }

  @Override
  public synchronized long revision() {
    return revision;
  }

  @Override
  public synchronized int enforcedCount(Collection<String> nodes, long since) {
    return nodes.contains(node) && appliedRevision >= since ? 1 : 0;
  }

  @Override
  public synchronized Optional<String> failure(String node, long since) {
    return this.node.equals(node) && appliedRevision < since && !lastError.isEmpty()
        ? Optional.of(lastError)
        : Optional.empty();
  }

  /** What the last write to the maps did. */
  public synchronized Optional<ApplyResult> lastResult() {
    return lastResult;
  }

  /** The local addresses with no interface on this host, as "id address": not enforced yet. */
  public synchronized List<String> unbound() {
    return unbound;
  }

  /** The endpoints bound to an interface in the maps now. */
  public synchronized List<LocalEndpoint> bound() {
    return applied == null ? List.of() : applied.endpoints();
  }
}
