package io.palisade.proto.codec;

import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.proto.nodestate.v1.Delta;
import io.palisade.proto.nodestate.v1.FqdnSelectorIdentity;
import io.palisade.proto.nodestate.v1.PolicyChange;
import io.palisade.proto.nodestate.v1.Snapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Pure functions from desired states to the snapshot and delta messages a node receives. */
public final class NodeStateDiff {

  private NodeStateDiff() {}

  public static Snapshot snapshot(
      Map<String, Long> ipcache,
      Map<ServiceFrontend, List<ServiceBackend>> services,
      LocalState local) {
    Snapshot.Builder b = Snapshot.newBuilder();
    new TreeMap<>(ipcache).forEach((p, id) -> b.addIpcache(NodeStateCodec.ipcache(p, id)));
    new TreeMap<>(local.endpoints())
        .values()
        .forEach(e -> b.addEndpoints(NodeStateCodec.endpoint(e)));
    new TreeMap<>(local.policies()).values().forEach(p -> b.addPolicies(NodeStateCodec.policy(p)));
    new TreeMap<>(local.ipcache())
        .forEach((p, id) -> b.addLocalIpcache(NodeStateCodec.ipcache(p, id)));
    sorted(services).forEach((f, bs) -> b.addServices(NodeStateCodec.service(f, bs)));
    sorted(local.services()).forEach((f, bs) -> b.addLocalServices(NodeStateCodec.service(f, bs)));
    new TreeMap<>(local.fqdnSelectors())
        .forEach((id, key) -> b.addFqdnSelectors(fqdnSelector(id, key)));
    return b.build();
  }

  public static FqdnSelectorIdentity fqdnSelector(long identity, String key) {
    return FqdnSelectorIdentity.newBuilder().setIdentity(identity).setSelector(key).build();
  }

  /**
   * A node's snapshot without the shared ipcache, for a sender that adds it packed ({@link
   * IpcachePacking}) or tells the node to keep its own.
   */
  public static Snapshot.Builder snapshotWithoutIpcache(
      Map<ServiceFrontend, List<ServiceBackend>> services, LocalState local) {
    return snapshot(Map.of(), services, local).toBuilder();
  }

  /** A node's snapshot without shared Service frontends. */
  public static Snapshot snapshot(Map<String, Long> ipcache, LocalState local) {
    return snapshot(ipcache, Map.of(), local);
  }

  /** Frontends in address, port and protocol order, so that messages are deterministic. */
  private static <V> Map<ServiceFrontend, V> sorted(Map<ServiceFrontend, V> services) {
    Map<ServiceFrontend, V> out = new TreeMap<>(FRONTENDS);
    out.putAll(services);
    return out;
  }

  private static final Comparator<ServiceFrontend> FRONTENDS =
      Comparator.comparing(ServiceFrontend::address)
          .thenComparingInt(ServiceFrontend::port)
          .thenComparing(ServiceFrontend::protocol);

  /** The ipcache part of a delta, made once for every node, in prefix order. */
  public static Delta ipcache(Map<String, Long> upserts, Collection<String> deletes) {
    return shared(upserts, deletes, Map.of(), Set.of());
  }

  /**
   * The part of a delta every node shares, made once for all: ipcache entries in prefix order, then
   * Service frontends in frontend order.
   */
  public static Delta shared(
      Map<String, Long> upserts,
      Collection<String> deletes,
      Map<ServiceFrontend, List<ServiceBackend>> serviceUpserts,
      Collection<ServiceFrontend> serviceDeletes) {
    Delta.Builder b = Delta.newBuilder();
    new TreeMap<>(upserts).forEach((p, id) -> b.addIpcacheUpserts(NodeStateCodec.ipcache(p, id)));
    new TreeSet<>(deletes).forEach(b::addIpcacheDeletes);
    sorted(serviceUpserts).forEach((f, bs) -> b.addServiceUpserts(NodeStateCodec.service(f, bs)));
    serviceDeletes.stream()
        .sorted(FRONTENDS)
        .forEach(f -> b.addServiceDeletes(NodeStateCodec.frontend(f)));
    return b.build();
  }

  /**
   * The ipcache part merged with what changed in one node's local state. Only the changes are
   * sorted (messages are deterministic); the unchanged rest is only compared.
   */
  public static Delta delta(Delta ipcache, LocalState before, LocalState after) {
    return delta(ipcache, before, after, new PolicyChangeMemo());
  }

  /**
   * As {@link #delta(Delta, LocalState, LocalState)}, taking each identity's policy change from
   * {@code memo}, so that the nodes of one publish that hold the same identity share it.
   */
  public static Delta delta(
      Delta ipcache, LocalState before, LocalState after, PolicyChangeMemo memo) {
    Delta.Builder b = ipcache.toBuilder();
    List<EndpointState> upserts = new ArrayList<>();
    for (EndpointState e : after.endpoints().values()) {
      if (!e.equals(before.endpoints().get(e.id()))) {
        upserts.add(e);
      }
    }
    upserts.sort(Comparator.comparing(EndpointState::id));
    upserts.forEach(e -> b.addEndpointUpserts(NodeStateCodec.endpoint(e)));
    before.endpoints().keySet().stream()
        .filter(id -> !after.endpoints().containsKey(id))
        .sorted()
        .forEach(b::addEndpointDeletes);
    List<PolicyChange> changed = new ArrayList<>();
    for (IdentityPolicy p : after.policies().values()) {
      memo.change(before.policies().get(p.identity()), p).ifPresent(changed::add);
    }
    changed.sort(Comparator.comparingLong(PolicyChange::getIdentity));
    b.addAllPolicyChanges(changed);
    before.policies().keySet().stream()
        .filter(id -> !after.policies().containsKey(id))
        .sorted()
        .forEach(b::addPolicyDeletes);
    new TreeMap<>(after.ipcache())
        .forEach(
            (p, id) -> {
              if (!id.equals(before.ipcache().get(p))) {
                b.addLocalIpcacheUpserts(NodeStateCodec.ipcache(p, id));
              }
            });
    before.ipcache().keySet().stream()
        .filter(p -> !after.ipcache().containsKey(p))
        .sorted()
        .forEach(b::addLocalIpcacheDeletes);
    sorted(after.services())
        .forEach(
            (f, bs) -> {
              if (!bs.equals(before.services().get(f))) {
                b.addLocalServiceUpserts(NodeStateCodec.service(f, bs));
              }
            });
    before.services().keySet().stream()
        .filter(f -> !after.services().containsKey(f))
        .sorted(FRONTENDS)
        .forEach(f -> b.addLocalServiceDeletes(NodeStateCodec.frontend(f)));
    new TreeMap<>(after.fqdnSelectors())
        .forEach(
            (id, key) -> {
              if (!key.equals(before.fqdnSelectors().get(id))) {
                b.addFqdnSelectorUpserts(fqdnSelector(id, key));
              }
            });
    before.fqdnSelectors().keySet().stream()
        .filter(id -> !after.fqdnSelectors().containsKey(id))
        .sorted()
        .forEach(b::addFqdnSelectorDeletes);
    return b.build();
  }

  public static boolean isEmpty(Delta d) {
    return d.getIpcacheUpsertsCount() == 0
        && d.getIpcacheDeletesCount() == 0
        && d.getEndpointUpsertsCount() == 0
        && d.getEndpointDeletesCount() == 0
        && d.getPolicyChangesCount() == 0
        && d.getPolicyDeletesCount() == 0
        && d.getLocalIpcacheUpsertsCount() == 0
        && d.getLocalIpcacheDeletesCount() == 0
        && d.getServiceUpsertsCount() == 0
        && d.getServiceDeletesCount() == 0
        && d.getLocalServiceUpsertsCount() == 0
        && d.getLocalServiceDeletesCount() == 0
        && d.getFqdnSelectorUpsertsCount() == 0
        && d.getFqdnSelectorDeletesCount() == 0;
  }

  /**
   * The change from {@code old} (null: none) to {@code p}: a replacement, the entries that changed,
   * or empty when the two are equal.
   */
  static Optional<PolicyChange> policyChange(IdentityPolicy old, IdentityPolicy p) {
    if (p.equals(old)) {
      return Optional.empty();
    }
    return Optional.of(old == null ? replace(p) : change(old, p));
  }

  private static PolicyChange.Builder header(IdentityPolicy p) {
    PolicyChange.Builder b =
        PolicyChange.newBuilder()
            .setIdentity(p.identity())
            .setEnforceIngress(p.enforces(Direction.INGRESS))
            .setEnforceEgress(p.enforces(Direction.EGRESS));
    p.audit().ifPresent(a -> b.setAudit(NodeStateCodec.audit(a)));
    return b;
  }

  private static PolicyChange replace(IdentityPolicy p) {
    PolicyChange.Builder b = header(p).setReplace(true);
    p.entries().forEach((k, v) -> b.addUpserts(NodeStateCodec.entry(k, v)));
    return b.build();
  }

  private static PolicyChange change(IdentityPolicy old, IdentityPolicy p) {
    PolicyChange.Builder b = header(p);
    for (Map.Entry<MapStateKey, MapStateEntry> e : p.entries().entrySet()) {
      if (!e.getValue().equals(old.entries().get(e.getKey()))) {
        b.addUpserts(NodeStateCodec.entry(e.getKey(), e.getValue()));
      }
    }
    for (MapStateKey k : old.entries().keySet()) {
      if (!p.entries().containsKey(k)) {
        b.addDeletes(NodeStateCodec.key(k));
      }
    }
    return b.build();
  }
}
