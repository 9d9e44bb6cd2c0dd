package io.palisade.operator.nodestate;

import io.palisade.pipeline.L7Proxy;
import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.proto.codec.IpcachePacking;
import io.palisade.proto.codec.NodeStateDiff;
import io.palisade.proto.codec.PolicyChangeMemo;
import io.palisade.proto.nodestate.v1.Delta;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import io.palisade.proto.nodestate.v1.PackedIpcache;
import io.palisade.proto.nodestate.v1.Snapshot;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The revisioned desired state of every node and what each node has acknowledged. Each publish that
 * changes anything is one new revision; a node's messages are its deltas between the revisions at
 * which its own state changed, kept for a while so a node that reconnects can catch up, or else a
 * snapshot. It never blocks on a node: senders pull from here at their own pace.
 */
public final class NodeStateStore implements NodeStateApplier {

  /** How one node stands: desired nodes, connected nodes, and what they acked. */
  public record NodeStatus(
      String node, long revision, long ackedRevision, boolean connected, String lastError) {}

  private final String epoch;
  private final int historyLimit;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, NodeRecord> nodes = new HashMap<>();
  private final Map<String, Long> ipcache = new HashMap<>();
  private final Map<ServiceFrontend, List<ServiceBackend>> services = new HashMap<>();
  private long revision;
  // Counts the shared ipcache's changes within the epoch: a node that names the current one in its
  // hello keeps its own instead of receiving it again.
  private long ipcacheVersion;
  // The shared ipcache packed once per version for every snapshot (null: not packed yet).
  private PackedIpcache packedIpcache;

  private static final class NodeRecord {
    LocalState local = LocalState.EMPTY;
    long lastChanged;
    long acked;
    int sessions;
    String lastError = "";
    // The node holds its revision in its maps but some endpoints have no interface: it enforces
    // no revision fully until it acks again without pending.
    boolean pending;
    // Who enforces the node's L7 rules, as its daemon said in its last hello.
    L7Proxy l7Proxy = L7Proxy.NONE;
    final ArrayDeque<OperatorMessage> history = new ArrayDeque<>();
  }

  public NodeStateStore() {
    this(UUID.randomUUID().toString(), 64);
  }

  public NodeStateStore(String epoch, int historyLimit) {
    this.epoch = epoch;
    this.historyLimit = historyLimit;
  }

  public String epoch() {
    return epoch;
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  @Override
  public synchronized long revision() {
    return revision;
  }

  /** The ipcache every node shares, as last published. */
  public synchronized Map<String, Long> ipcache() {
    return Map.copyOf(ipcache);
  }

  /** The local state last published for {@code node}; empty for a node with no endpoints. */
  public synchronized LocalState local(String node) {
    NodeRecord rec = nodes.get(node);
    return rec == null ? LocalState.EMPTY : rec.local;
  }

  /**
   * Makes {@code next} the desired state. Returns the revision that holds it: a new one if any
   * node's state changed, the current one otherwise.
   */
  public long publish(DesiredState next) {
    return publish(NodeChanges.of(next));
  }

  /**
   * Publishes what changed. Only the nodes named get their local state compared, and the ipcache
   * part of the delta is made once for all nodes; so a change costs what it touches, not what the
   * cluster holds. Returns the revision as {@link #publish(DesiredState)} does.
   */
  @Override
  public long publish(NodeChanges next) {
    Set<String> changed = new HashSet<>();
    long published;
    synchronized (this) {
      long r = revision + 1;
      Delta ipcacheOnly = applyIpcache(next);
      if (!NodeStateDiff.isEmpty(ipcacheOnly)) {
        ipcacheVersion++;
        packedIpcache = null;
      }
      Delta ipcacheDelta =
          applyServices(next, ipcacheOnly).toBuilder().setIpcacheVersion(ipcacheVersion).build();
      // The nodes of one identity share its change: compared and encoded once for all of them.
      PolicyChangeMemo policyChanges = new PolicyChangeMemo();
      Set<String> names = new HashSet<>(next.nodes().keySet());
      if (next.complete() || !NodeStateDiff.isEmpty(ipcacheDelta)) {
        names.addAll(nodes.keySet());
      }
      for (String name : names) {
        NodeRecord rec = nodes.get(name);
        LocalState local =
            next.nodes()
                .getOrDefault(name, next.complete() || rec == null ? LocalState.EMPTY : rec.local);
        if (rec == null) {
          if (!desiredHere(next, name, local)) {
            continue;
          }
          rec = new NodeRecord();
          rec.local = local;
          rec.lastChanged = r;
          nodes.put(name, rec);
          changed.add(name);
          continue;
        }
        Delta d = NodeStateDiff.delta(ipcacheDelta, rec.local, local, policyChanges);
        if (!NodeStateDiff.isEmpty(d)) {
          rec.history.addLast(message(r, d.toBuilder().setBaseRevision(rec.lastChanged).build()));
          while (rec.history.size() > historyLimit) {
            rec.history.removeFirst();
          }
          rec.local = local;
          rec.lastChanged = r;
          changed.add(name);
        }
        if (rec.sessions == 0 && !desiredHere(next, name, local)) {
          nodes.remove(name);
          changed.remove(name);
        }
      }
      if (!changed.isEmpty()) {
        revision = r;
      }
      published = revision;
    }
    if (!changed.isEmpty()) {
      listeners.forEach(l -> l.published(published, Set.copyOf(changed)));
    }
    return published;
  }

  /** Applies the ipcache part of {@code next} and returns it as a delta: only real changes. */
  private Delta applyIpcache(NodeChanges next) {
    Map<String, Long> before = next.complete() ? Map.copyOf(ipcache) : Map.of();
    Map<String, Long> upserts = new HashMap<>();
    Set<String> deletes = new HashSet<>();
    if (next.complete()) {
      ipcache.clear();
    }
    next.ipcacheUpserts()
        .forEach(
            (prefix, id) -> {
              Long old = next.complete() ? before.get(prefix) : ipcache.get(prefix);
              ipcache.put(prefix, id);
              if (!id.equals(old)) {
                upserts.put(prefix, id);
              }
            });
    if (next.complete()) {
      before.keySet().stream().filter(p -> !ipcache.containsKey(p)).forEach(deletes::add);
    }
    for (String prefix : next.ipcacheDeletes()) {
      if (ipcache.remove(prefix) != null) {
        deletes.add(prefix);
      }
    }
    return NodeStateDiff.ipcache(upserts, deletes);
  }

  /**
   * Applies the shared Service frontends of {@code next} and adds them to the shared part of the
   * delta {@code ipcache}: only real changes.
   */
  private Delta applyServices(NodeChanges next, Delta ipcache) {
    Map<ServiceFrontend, List<ServiceBackend>> before =
        next.complete() ? Map.copyOf(services) : Map.of();
    Map<ServiceFrontend, List<ServiceBackend>> upserts = new HashMap<>();
    Set<ServiceFrontend> deletes = new HashSet<>();
    if (next.complete()) {
      services.clear();
    }
    next.serviceUpserts()
        .forEach(
            (f, backends) -> {
              List<ServiceBackend> old = next.complete() ? before.get(f) : services.get(f);
              services.put(f, backends);
              if (!backends.equals(old)) {
                upserts.put(f, backends);
              }
            });
    if (next.complete()) {
      before.keySet().stream().filter(f -> !services.containsKey(f)).forEach(deletes::add);
    }
    for (ServiceFrontend f : next.serviceDeletes()) {
      if (services.remove(f) != null) {
        deletes.add(f);
      }
    }
    if (upserts.isEmpty() && deletes.isEmpty()) {
      return ipcache;
    }
    Delta changed = NodeStateDiff.shared(Map.of(), Set.of(), upserts, deletes);
    return ipcache.toBuilder()
        .addAllServiceUpserts(changed.getServiceUpsertsList())
        .addAllServiceDeletes(changed.getServiceDeletesList())
        .build();
  }

  /** The Service frontends every node shares, as last published. */
  public synchronized Map<ServiceFrontend, List<ServiceBackend>> services() {
    return Map.copyOf(services);
  }

  /**
   * Whether a node stays known with no stream open: it has endpoints, or a complete change names it
   * (a node can be desired with nothing on it yet).
   */
  private static boolean desiredHere(NodeChanges next, String node, LocalState local) {
    return !local.endpoints().isEmpty() || (next.complete() && next.nodes().containsKey(node));
  }

  /**
   * A node's stream opened with a hello. Returns the revision the node is known to hold, from which
   * its messages start: -1 when it must get a snapshot.
   */
  public synchronized long connect(String node, String helloEpoch, long lastApplied) {
    return connect(node, helloEpoch, lastApplied, L7Proxy.NONE);
  }

  /**
   * As {@link #connect(String, String, long)}, from a daemon whose L7 rules {@code l7} enforces.
   */
  public synchronized long connect(String node, String helloEpoch, long lastApplied, L7Proxy l7) {
    NodeRecord rec = nodes.computeIfAbsent(node, n -> fresh());
    rec.sessions++;
    rec.l7Proxy = l7;
    rec.pending = false; // a daemon with pending endpoints says so right after its hello
    if (!epoch.equals(helloEpoch) || lastApplied <= 0 || lastApplied > rec.lastChanged) {
      return -1;
    }
    rec.acked = Math.max(rec.acked, lastApplied);
    return lastApplied;
  }

  private NodeRecord fresh() {
    NodeRecord rec = new NodeRecord();
    rec.lastChanged = revision;
    return rec;
  }

  /** Who enforces {@code node}'s L7 rules: NONE until its daemon said otherwise. */
  public synchronized L7Proxy l7Proxy(String node) {
    NodeRecord rec = nodes.get(node);
    return rec == null ? L7Proxy.NONE : rec.l7Proxy;
  }

  public synchronized void disconnect(String node) {
    NodeRecord rec = nodes.get(node);
    if (rec != null) {
      rec.sessions--;
      if (rec.sessions <= 0 && rec.local.endpoints().isEmpty()) {
        nodes.remove(node);
      }
    }
  }

  /**
   * The message that takes a node from {@code held} (-1: nothing) towards its current state, if it
   * lags: the delta based on {@code held} when still kept, else a snapshot.
   */
  public Optional<OperatorMessage> next(String node, long held) {
    return next(node, held, 0);
  }

  /**
   * As {@link #next(String, long)}, for a node that holds version {@code heldIpcache} of this
   * epoch's shared ipcache (0: none): a snapshot leaves the shared ipcache out when that is still
   * the current version, and otherwise carries it packed, the same bytes for every node.
   */
  public Optional<OperatorMessage> next(String node, long held, long heldIpcache) {
    SnapshotParts parts;
    synchronized (this) {
      NodeRecord rec = nodes.get(node);
      if (rec == null || held == rec.lastChanged) {
        return Optional.empty();
      }
      Optional<OperatorMessage> kept = kept(rec, held);
      if (kept.isPresent()) {
        return kept;
      }
      parts = snapshotParts(rec, heldIpcache);
    }
    // Encoded outside the lock: a thousand snapshots at the first sync would otherwise hold up
    // every publish and ack behind them, one node's policies at a time.
    return Optional.of(
        OperatorMessage.newBuilder()
            .setEpoch(epoch)
            .setRevision(parts.revision())
            .setSnapshot(parts.encode())
            .build());
  }

  /**
   * What a node's snapshot holds, taken under the lock: immutable values, or the whole snapshot
   * when the ipcache cannot be packed.
   */
  private record SnapshotParts(
      long revision,
      LocalState local,
      Map<ServiceFrontend, List<ServiceBackend>> services,
      Optional<PackedIpcache> packed,
      Optional<Snapshot> whole) {

    Snapshot encode() {
      if (whole.isPresent()) {
        return whole.get();
      }
      Snapshot.Builder b = NodeStateDiff.snapshotWithoutIpcache(services, local);
      return packed.map(b::setPackedIpcache).orElseGet(() -> b.setIpcacheKept(true)).build();
    }
  }

  /**
   * Whether {@link #next(String, long, long)} would give {@code node} a snapshot: it lags, and
   * holds nothing or a revision whose delta is no longer kept. A sender asks before it makes one.
   */
  public synchronized boolean needsSnapshot(String node, long held) {
    NodeRecord rec = nodes.get(node);
    return rec != null && held != rec.lastChanged && kept(rec, held).isEmpty();
  }

  /** The kept delta based on {@code held}, if any. */
  private static Optional<OperatorMessage> kept(NodeRecord rec, long held) {
    if (held >= 0) {
      for (OperatorMessage m : rec.history) {
        if (m.getDelta().getBaseRevision() == held) {
          return Optional.of(m);
        }
      }
    }
    return Optional.empty();
  }

  private SnapshotParts snapshotParts(NodeRecord rec, long heldIpcache) {
    Map<ServiceFrontend, List<ServiceBackend>> shared = Map.copyOf(services);
    if (heldIpcache > 0 && heldIpcache == ipcacheVersion) {
      return new SnapshotParts(
          rec.lastChanged, rec.local, shared, Optional.empty(), Optional.empty());
    }
    if (packedIpcache == null) {
      try {
        packedIpcache = IpcachePacking.pack(ipcacheVersion, ipcache);
      } catch (IllegalArgumentException e) {
        // A prefix no node can hold: send it as text, so that each node refuses it and says why.
        Snapshot whole = NodeStateDiff.snapshot(ipcache, services, rec.local);
        return new SnapshotParts(
            rec.lastChanged, rec.local, shared, Optional.empty(), Optional.of(whole));
      }
    }
    return new SnapshotParts(
        rec.lastChanged, rec.local, shared, Optional.of(packedIpcache), Optional.empty());
  }

  /** The version of the shared ipcache: how many times it changed in this epoch. */
  public synchronized long ipcacheVersion() {
    return ipcacheVersion;
  }

  /** A node applied {@code ackedRevision} (error empty) or failed to (error says why). */
  public void ack(String node, long ackedRevision, String error) {
    ack(node, ackedRevision, error, false);
  }

  /**
   * As {@link #ack(String, long, String)}; with {@code pending} the revision is in the node's maps
   * but endpoints named in {@code error} are not enforced, so the node counts as enforcing nothing
   * until a plain ack, even a revision it acked before (a pod's veth went away).
   */
  public void ack(String node, long ackedRevision, String error, boolean pending) {
    synchronized (this) {
      NodeRecord rec = nodes.get(node);
      if (rec == null || ackedRevision > rec.lastChanged) {
        return;
      }
      if (error.isEmpty()) {
        rec.lastError = "";
        rec.pending = false;
        rec.acked = Math.max(rec.acked, ackedRevision);
      } else {
        rec.lastError = error;
        rec.pending |= pending;
      }
    }
    if (error.isEmpty()) {
      listeners.forEach(l -> l.acked(node, ackedRevision));
    } else {
      listeners.forEach(l -> l.nacked(node, ackedRevision, error));
    }
  }

  /**
   * The revision a node is consistent with: every revision since its last change once it has acked
   * that change, else what it acked; -1 for a node never seen or with endpoints pending.
   */
  public synchronized long effectiveRevision(String node) {
    NodeRecord rec = nodes.get(node);
    if (rec == null || rec.pending) {
      return -1;
    }
    return rec.acked >= rec.lastChanged ? revision : rec.acked;
  }

  @Override
  public synchronized int enforcedCount(Collection<String> desiredNodes, long since) {
    int n = 0;
    for (String node : desiredNodes) {
      if (effectiveRevision(node) >= since) {
        n++;
      }
    }
    return n;
  }

  @Override
  public synchronized Optional<String> failure(String node, long since) {
    NodeRecord rec = nodes.get(node);
    return rec == null || rec.lastError.isEmpty() || effectiveRevision(node) >= since
        ? Optional.empty()
        : Optional.of(rec.lastError);
  }

  public synchronized Optional<NodeStatus> status(String node) {
    NodeRecord rec = nodes.get(node);
    return Optional.ofNullable(rec)
        .map(r -> new NodeStatus(node, r.lastChanged, r.acked, r.sessions > 0, r.lastError));
  }

  private OperatorMessage message(long r, Delta d) {
    return OperatorMessage.newBuilder().setEpoch(epoch).setRevision(r).setDelta(d).build();
  }
}
