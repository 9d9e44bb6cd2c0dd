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
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.MapStateKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntBiFunction;
import java.util.function.ToIntFunction;

/**
 * The exact contents of the state maps for a desired state. Pure: host addresses go to the ipcache
 * hash and other prefixes to the LPM trie; each local identity's MapState becomes policy keys
 * behind that identity ({@link PolicyColumns}: with its audit column when audit-mode policies
 * select it), exact-port keys in the policy hash and the others in the policy trie; an endpoint
 * whose identity has no policy enforces both directions (and so drops everything), which is the
 * safe reading of "no policy computed yet". Each service frontend is a slot-0 entry counting its
 * backends and one slot per backend naming its id in the backends map.
 */
public record MapContents(
    Map<CidrPrefix, Long> hosts,
    Map<CidrPrefix, Long> cidrs,
    Map<CidrPrefix, EndpointValue> endpoints,
    Map<PolicyKey, PolicyValue> policy,
    Map<PolicyKey, PolicyValue> policyExact,
    Map<ServiceKey, ServiceValue> services,
    Map<Integer, BackendValue> backends) {

  /** The protocol/port prefix of a key that names one port of one protocol. */
  static final int EXACT_PREFIX = 24;

  /** As {@link #of(DatapathState, ToIntFunction, ToIntBiFunction)}, backend ids counted from 1. */
  public static MapContents of(DatapathState desired, ToIntFunction<String> ifindexOf) {
    return of(desired, ifindexOf, new BackendIds(Map.of(), Map.of())::idOf);
  }

  /**
   * @param ifindexOf the index of a host interface
   * @param backendIdOf the id a backend of a frontend (its slot-0 key) has in the backends map
   */
  public static MapContents of(
      DatapathState desired,
      ToIntFunction<String> ifindexOf,
      ToIntBiFunction<ServiceKey, BackendValue> backendIdOf) {
    Map<CidrPrefix, Long> hosts = new HashMap<>();
    Map<CidrPrefix, Long> cidrs = new HashMap<>();
    desired
        .ipcache()
        .forEach(
            (prefix, id) -> {
              boolean host = prefix.length() == prefix.address().length * 8;
              (host ? hosts : cidrs).put(prefix, id);
            });
    Map<Long, Map<MapStateKey, PolicyValue>> values = new HashMap<>();
    desired.policies().forEach((id, p) -> values.put(id, PolicyColumns.of(p)));
    Map<CidrPrefix, EndpointValue> endpoints = new HashMap<>();
    for (LocalEndpoint ep : desired.endpoints()) {
      IdentityPolicy p = desired.policies().get(ep.identity());
      int flags = Layouts.EP_ENFORCE_INGRESS | Layouts.EP_ENFORCE_EGRESS;
      if (p != null) {
        Map<MapStateKey, PolicyValue> v = values.get(ep.identity());
        flags =
            (p.enforces(Direction.INGRESS) ? Layouts.EP_ENFORCE_INGRESS : 0)
                | (p.enforces(Direction.EGRESS) ? Layouts.EP_ENFORCE_EGRESS : 0)
                | (hasAnyPeerKeys(v, Direction.INGRESS) ? Layouts.EP_ANY_PEER_INGRESS : 0)
                | (hasAnyPeerKeys(v, Direction.EGRESS) ? Layouts.EP_ANY_PEER_EGRESS : 0)
                | (p.audits(Direction.INGRESS) ? Layouts.EP_AUDIT_INGRESS : 0)
                | (p.audits(Direction.EGRESS) ? Layouts.EP_AUDIT_EGRESS : 0);
      }
      endpoints.put(
          ep.address(),
          new EndpointValue(ep.identity(), ifindexOf.applyAsInt(ep.hostInterface()), flags));
      // A local pod is also a peer of every other local pod.
      hosts.putIfAbsent(ep.address(), ep.identity());
    }
    Map<PolicyKey, PolicyValue> policy = new HashMap<>();
    Map<PolicyKey, PolicyValue> exact = new HashMap<>();
    values.forEach(
        (id, v) ->
            v.forEach(
                (k, value) ->
                    (k.prefixLength() == EXACT_PREFIX ? exact : policy)
                        .put(new PolicyKey(id, k), value)));
    Map<ServiceKey, ServiceValue> services = new HashMap<>();
    Map<Integer, BackendValue> backends = new HashMap<>();
    desired
        .services()
        .services()
        .forEach((frontend, list) -> addService(frontend, list, backendIdOf, services, backends));
    return new MapContents(hosts, cidrs, endpoints, policy, exact, services, backends);
  }

  private static void addService(
      ServiceFrontend frontend,
      List<ServiceBackend> list,
      ToIntBiFunction<ServiceKey, BackendValue> backendIdOf,
      Map<ServiceKey, ServiceValue> services,
      Map<Integer, BackendValue> backends) {
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

  /** Whether the datapath must look at the any-peer group of {@code direction} at all. */
  private static boolean hasAnyPeerKeys(Map<MapStateKey, PolicyValue> p, Direction direction) {
    for (MapStateKey k : p.keySet()) {
      if (k.direction() == direction && k.identity() == MapStateKey.ANY_IDENTITY) {
        return true;
      }
    }
    return false;
  }
}
