package io.palisade.node.datapath;

import io.palisade.node.maps.BackendValue;
import io.palisade.node.maps.EndpointValue;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.PolicyKey;
import io.palisade.node.maps.PolicyValue;
import io.palisade.node.maps.ServiceKey;
import io.palisade.node.maps.ServiceValue;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.MapStateKey;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntBiFunction;
import java.util.function.ToIntFunction;

/**
 * The {@link MapContents} of successive desired states, each built from the last where its inputs
 * are the same objects: an ipcache the node view handed over unchanged keeps its parts (a new one
 * is compared with the last once, and its parts know which of their keys moved), an identity whose
 * {@link IdentityPolicy} is the same object keeps its policy keys, a Service table that is the same
 * object keeps its entries. What is built anew is what changed, plus the local endpoints (a few
 * dozen). The contents share those parts with the previous ones, which is what lets {@link
 * MapDiff#since} compare only what moved. Not thread-safe: the datapath's lock guards it.
 */
final class IncrementalContents {

  /** The policy keys of one identity, and the datapath's reading of them for its endpoints. */
  private record Subject(
      IdentityPolicy policy,
      Map<PolicyKey, PolicyValue> prefixed,
      Map<PolicyKey, PolicyValue> exact,
      boolean anyPeerIngress,
      boolean anyPeerEgress) {

    /**
     * The keys of {@code id} with their values ({@link PolicyColumns}): exact-port keys for the
     * policy hash, the others for the policy trie.
     */
    static Subject of(long id, IdentityPolicy p) {
      Map<PolicyKey, PolicyValue> prefixed = new HashMap<>();
      Map<PolicyKey, PolicyValue> exact = new HashMap<>();
      boolean anyIngress = false;
      boolean anyEgress = false;
      for (Map.Entry<MapStateKey, PolicyValue> e : PolicyColumns.of(p).entrySet()) {
        MapStateKey k = e.getKey();
        (k.prefixLength() == MapContents.EXACT_PREFIX ? exact : prefixed)
            .put(new PolicyKey(id, k), e.getValue());
        if (k.identity() == MapStateKey.ANY_IDENTITY) {
          anyIngress |= k.direction() == Direction.INGRESS;
          anyEgress |= k.direction() == Direction.EGRESS;
        }
      }
      return new Subject(
          p,
          Collections.unmodifiableMap(prefixed),
          Collections.unmodifiableMap(exact),
          anyIngress,
          anyEgress);
    }

    int endpointFlags() {
      return (policy.enforces(Direction.INGRESS) ? Layouts.EP_ENFORCE_INGRESS : 0)
          | (policy.enforces(Direction.EGRESS) ? Layouts.EP_ENFORCE_EGRESS : 0)
          | (anyPeerIngress ? Layouts.EP_ANY_PEER_INGRESS : 0)
          | (anyPeerEgress ? Layouts.EP_ANY_PEER_EGRESS : 0)
          | (policy.audits(Direction.INGRESS) ? Layouts.EP_AUDIT_INGRESS : 0)
          | (policy.audits(Direction.EGRESS) ? Layouts.EP_AUDIT_EGRESS : 0);
    }
  }

  private Map<CidrPrefix, Long> ipcache;
  private IpcachePart hosts;
  private IpcachePart cidrs;
  private Map<Long, Subject> subjects = Map.of();
  private ServiceTable table;
  private Map<ServiceKey, ServiceValue> services;
  private Map<Integer, BackendValue> backends;

  /**
   * The contents for {@code desired}; see {@link MapContents} for what goes where.
   *
   * @param ifindexOf the index of a host interface
   * @param backendIdOf the id a backend of a frontend (its slot-0 key) has in the backends map,
   *     asked again only when the Service table is not the same object as last time: its ids must
   *     stay those while it is wanted
   */
  MapContents next(
      DatapathState desired,
      ToIntFunction<String> ifindexOf,
      ToIntBiFunction<ServiceKey, BackendValue> backendIdOf) {
    if (ipcache == null) {
      ipcache = desired.ipcache();
      hosts = IpcachePart.hosts(ipcache);
      cidrs = IpcachePart.cidrs(ipcache);
    } else if (desired.ipcache() != ipcache) {
      // The prefixes the node view touched, else one pass over the two ipcaches; the parts' diffs
      // and sizes then follow from it.
      Map<CidrPrefix, Long> next = desired.ipcache();
      MapDiff<CidrPrefix, Long> moved =
          DatapathState.movedSince(ipcache, next)
              .map(touched -> MapDiff.at(touched, ipcache, next))
              .orElseGet(() -> MapDiff.between(ipcache, next));
      ipcache = desired.ipcache();
      hosts = hosts.after(ipcache, moved);
      cidrs = cidrs.after(ipcache, moved);
    }
    Map<Long, Subject> now = new HashMap<>();
    desired
        .policies()
        .forEach(
            (id, p) -> {
              Subject was = subjects.get(id);
              now.put(id, was != null && was.policy() == p ? was : Subject.of(id, p));
            });
    subjects = now;
    if (desired.services() != table) {
      table = desired.services();
      services = new HashMap<>();
      backends = new HashMap<>();
      table.services().forEach((f, list) -> addService(f, list, backendIdOf));
      services = Collections.unmodifiableMap(services);
      backends = Collections.unmodifiableMap(backends);
    }
    Map<CidrPrefix, EndpointValue> endpoints = new HashMap<>();
    Map<CidrPrefix, Long> localPeers = new LinkedHashMap<>();
    for (LocalEndpoint ep : desired.endpoints()) {
      Subject s = subjects.get(ep.identity());
      // No policy computed yet: enforce both directions, which drops everything.
      int flags =
          s == null ? Layouts.EP_ENFORCE_INGRESS | Layouts.EP_ENFORCE_EGRESS : s.endpointFlags();
      endpoints.put(
          ep.address(),
          new EndpointValue(ep.identity(), ifindexOf.applyAsInt(ep.hostInterface()), flags));
      // A local pod is also a peer of every other local pod.
      if (!hosts.containsKey(ep.address())) {
        localPeers.putIfAbsent(ep.address(), ep.identity());
      }
    }
    Map<Long, Map<PolicyKey, PolicyValue>> prefixed = new HashMap<>();
    Map<Long, Map<PolicyKey, PolicyValue>> exact = new HashMap<>();
    subjects.forEach(
        (id, s) -> {
          prefixed.put(id, s.prefixed());
          exact.put(id, s.exact());
        });
    return new MapContents(
        new Overlay<>(hosts, localPeers),
        cidrs,
        endpoints,
        new PolicyEntries(prefixed),
        new PolicyEntries(exact),
        services,
        backends);
  }

  /** Slot 0 counts the frontend's backends; slots 1 to that count name one backend id each. */
  private void addService(
      ServiceFrontend frontend,
      List<ServiceBackend> list,
      ToIntBiFunction<ServiceKey, BackendValue> backendIdOf) {
    ServiceKey key =
        new ServiceKey(
            DatapathState.prefix(frontend.address()),
            frontend.port(),
            frontend.protocol().number(),
            0);
    services.put(key, ServiceValue.frontend(list.size()));
    for (int i = 0; i < list.size(); i++) {
      ServiceBackend b = list.get(i);
      BackendValue value = new BackendValue(DatapathState.prefix(b.address()), b.port());
      int id = backendIdOf.applyAsInt(key, value);
      backends.put(id, value);
      services.put(
          new ServiceKey(key.address(), key.port(), key.protocol(), i + 1), ServiceValue.slot(id));
    }
  }
}
