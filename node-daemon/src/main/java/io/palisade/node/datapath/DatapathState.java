package io.palisade.node.datapath;

import io.palisade.node.discovery.InterfaceFinder;
import io.palisade.node.discovery.Placement;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.proto.codec.CompactIpcache;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

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

  public DatapathState {
    ipcache =
        ipcache instanceof HandedOver || ipcache instanceof CompactIpcache
            ? ipcache
            : Map.copyOf(ipcache);
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
   * Binds node state to this host: one local endpoint per address {@code finder} places behind an
   * interface here; each address it finds pending is added to {@code pending} and is not enforced.
   * Addresses of endpoints elsewhere are neither.
   *
   * @throws IllegalArgumentException on an address that is not an IP address
   */
  public static DatapathState bind(
      Map<CidrPrefix, Long> ipcache,
      Collection<EndpointState> endpoints,
      Map<Long, IdentityPolicy> policies,
      InterfaceFinder finder,
      List<PendingEndpoint> pending) {
    List<LocalEndpoint> local = new ArrayList<>();
    InterfaceFinder now = finder.fresh();
    for (EndpointState e : endpoints) {
      for (String address : e.addresses()) {
        CidrPrefix host = prefix(address);
        switch (now.place(e, host)) {
          case Placement.Here h ->
              local.add(new LocalEndpoint(host, e.identity(), h.hostInterface()));
          case Placement.Pending p -> pending.add(new PendingEndpoint(e.id(), address, p.reason()));
          case Placement.Elsewhere x -> {}
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
    if (shared instanceof CompactIpcache compact) {
      Map<CidrPrefix, Long> own = HashMap.newHashMap(local.size());
      local.forEach((p, id) -> own.put(prefix(p), id));
      return compact.with(List.of(), own);
    }
    Map<CidrPrefix, Long> out = new HashMap<>(shared);
    local.forEach((p, id) -> out.put(prefix(p), id));
    return out;
  }

  /**
   * {@code ipcache} as a state keeps it, without the copy it would otherwise make: the caller hands
   * the map over and neither changes it nor lets anyone else. Copying a 30,000-entry ipcache into
   * an immutable map took longer than parsing it off the wire, once for every node's first
   * revision.
   */
  public static Map<CidrPrefix, Long> handedOver(Map<CidrPrefix, Long> ipcache) {
    return ipcache instanceof HandedOver ? ipcache : new HandedOver(ipcache, Lineage.first());
  }

  /**
   * As {@link #handedOver(Map)}, for an ipcache made from {@code previous}, an ipcache handed over
   * too, by changing it at {@code touched} only: a datapath holding {@code previous} then compares
   * the two at those prefixes instead of entry by entry ({@link #movedSince}).
   */
  public static Map<CidrPrefix, Long> handedOver(
      Map<CidrPrefix, Long> ipcache, Map<CidrPrefix, Long> previous, Set<CidrPrefix> touched) {
    return previous instanceof HandedOver from
        ? new HandedOver(ipcache, from.lineage.next(touched))
        : handedOver(ipcache);
  }

  /**
   * The prefixes at which {@code next} may differ from {@code previous}, when {@code next} was
   * handed over as made from it; empty when that is not known, and the two must be compared whole.
   */
  public static Optional<Set<CidrPrefix>> movedSince(
      Map<CidrPrefix, Long> previous, Map<CidrPrefix, Long> next) {
    return previous instanceof HandedOver from && next instanceof HandedOver to
        ? to.lineage.movedSince(from.lineage)
        : Optional.empty();
  }

  /** A read-only view of a map no one changes any more. */
  private static final class HandedOver extends AbstractMap<CidrPrefix, Long> {
    private final Map<CidrPrefix, Long> map;
    private final Lineage lineage;

    HandedOver(Map<CidrPrefix, Long> map, Lineage lineage) {
      this.map = Collections.unmodifiableMap(map);
      this.lineage = lineage;
    }

    @Override
    public Long get(Object key) {
      return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return map.containsKey(key);
    }

    @Override
    public int size() {
      return map.size();
    }

    @Override
    public Set<Entry<CidrPrefix, Long>> entrySet() {
      return map.entrySet();
    }

    @Override
    public void forEach(BiConsumer<? super CidrPrefix, ? super Long> action) {
      map.forEach(action);
    }
  }

  /** A prefix of node state; one the datapath cannot hold is refused, never skipped. */
  public static CidrPrefix prefix(String s) {
    return CidrPrefix.parse(s)
        .orElseThrow(() -> new IllegalArgumentException("not an IP prefix: " + s));
  }
}
