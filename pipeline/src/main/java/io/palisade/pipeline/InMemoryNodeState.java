package io.palisade.pipeline;

import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node state held in memory and enforced nowhere: what standalone mode publishes to without
 * {@code --enforce}, and what tests read back. Every published revision counts as held by every
 * node, since no datapath stands between publishing and holding it.
 */
public final class InMemoryNodeState implements NodeStateApplier {

  private final Map<String, Long> ipcache = new HashMap<>();
  private final Map<String, LocalState> nodes = new HashMap<>();
  private final Map<ServiceFrontend, List<ServiceBackend>> services = new HashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private long revision;

  @Override
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  @Override
  public long publish(NodeChanges changes) {
    long published;
    synchronized (this) {
      published = apply(changes);
    }
    Set<String> nodes = Set.copyOf(changes.nodes().keySet());
    listeners.forEach(l -> l.published(published, nodes));
    return published;
  }

  private long apply(NodeChanges changes) {
    boolean changed = false;
    if (changes.complete()) {
      changed =
          !ipcache.equals(changes.ipcacheUpserts())
              || !nodes.equals(changes.nodes())
              || !services.equals(changes.serviceUpserts());
      ipcache.clear();
      nodes.clear();
      services.clear();
    }
    for (var e : changes.serviceUpserts().entrySet()) {
      changed |= !e.getValue().equals(services.put(e.getKey(), e.getValue()));
    }
    for (ServiceFrontend f : changes.serviceDeletes()) {
      changed |= services.remove(f) != null;
    }
    for (var e : changes.ipcacheUpserts().entrySet()) {
      changed |= !e.getValue().equals(ipcache.put(e.getKey(), e.getValue()));
    }
    for (String prefix : changes.ipcacheDeletes()) {
      changed |= ipcache.remove(prefix) != null;
    }
    for (var e : changes.nodes().entrySet()) {
      LocalState before =
          e.getValue().endpoints().isEmpty()
              ? nodes.remove(e.getKey())
              : nodes.put(e.getKey(), e.getValue());
      changed |= !e.getValue().equals(before == null ? LocalState.EMPTY : before);
    }
    if (changed) {
      revision++;
    }
    return revision;
  }

  @Override
  public synchronized long revision() {
    return revision;
  }

  @Override
  public synchronized int enforcedCount(Collection<String> nodes, long since) {
    return since <= revision ? nodes.size() : 0;
  }

  @Override
  public Optional<String> failure(String node, long since) {
    return Optional.empty();
  }

  /** The ipcache every node shares, as last published. */
  public synchronized Map<String, Long> ipcache() {
    return Map.copyOf(ipcache);
  }

  /** The Service frontends every node shares, as last published. */
  public synchronized Map<ServiceFrontend, List<ServiceBackend>> services() {
    return Map.copyOf(services);
  }

  /** The local state last published for {@code node}; empty for a node with no endpoints. */
  public synchronized LocalState local(String node) {
    return nodes.getOrDefault(node, LocalState.EMPTY);
  }

  /** Every node with an endpoint. */
  public synchronized Map<String, LocalState> nodes() {
    return Map.copyOf(nodes);
  }
}
