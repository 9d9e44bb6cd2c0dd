package io.palisade.benchmarks.datapath;

import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.LocalEndpoint;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One node's desired state at Cilium's 1,000-node CI shape, as the scale benchmark's daemons hold
 * it: 30,000 pod addresses (and a few CIDRs) in the ipcache, 30 local endpoints of 10 identities,
 * 330 policy entries each (3,300 in all: exact TCP ports from peer identities in both directions,
 * some port ranges, a UDP and an any-peer key or two), and the revisions the stream sends most: one
 * port of one identity's policy moved, everything else the same objects (the ipcache handed over by
 * the node view, the other identities' policies).
 */
final class NodeShape {

  static final int PODS = 30_000;
  static final int CIDRS = 100;
  static final int ENDPOINTS = 30;
  static final int LOCAL_IDENTITIES = 10;
  static final int ENTRIES_PER_IDENTITY = 330;
  static final int PEER_IDENTITIES = 6_000;

  private final Random random;
  private Map<CidrPrefix, Long> ipcache;
  private final List<LocalEndpoint> endpoints = new ArrayList<>();
  private final Map<Long, IdentityPolicy> policies = new HashMap<>();

  /**
   * @param hostInterface the host-side interface of endpoint {@code i}
   */
  NodeShape(long seed, java.util.function.IntFunction<String> hostInterface) {
    this.random = new Random(seed);
    Map<CidrPrefix, Long> all = new HashMap<>();
    for (int i = 0; i < PODS; i++) {
      all.put(pod(i), peer());
    }
    for (int i = 0; i < CIDRS; i++) {
      all.put(
          CidrPrefix.parse("172." + (16 + i / 250) + "." + (i % 250) + ".0/24").orElseThrow(),
          16_777_216L + i);
    }
    ipcache = DatapathState.handedOver(all);
    for (int i = 0; i < ENDPOINTS; i++) {
      long id = local(i % LOCAL_IDENTITIES);
      endpoints.add(new LocalEndpoint(pod(i), id, hostInterface.apply(i)));
    }
    for (int i = 0; i < LOCAL_IDENTITIES; i++) {
      long id = local(i);
      Map<MapStateKey, MapStateEntry> entries = new HashMap<>();
      entries.put(
          MapStateKey.protocol(Direction.EGRESS, MapStateKey.ANY_IDENTITY, Protocol.UDP),
          MapStateEntry.ALLOW);
      entries.put(new MapStateKey(Direction.INGRESS, peer(), 6, 8000, 12), MapStateEntry.ALLOW);
      while (entries.size() < ENTRIES_PER_IDENTITY) {
        entries.put(portKey(), MapStateEntry.ALLOW);
      }
      policies.put(id, new IdentityPolicy(id, EnumSet.allOf(Direction.class), entries));
    }
  }

  /** The state now. */
  DatapathState state() {
    return new DatapathState(ipcache, endpoints, policies);
  }

  /** One port of one local identity's policy moves; the next state. */
  DatapathState movePort() {
    long id = local(random.nextInt(LOCAL_IDENTITIES));
    IdentityPolicy p = policies.get(id);
    Map<MapStateKey, MapStateEntry> entries = new HashMap<>(p.entries());
    MapStateKey gone = null;
    for (MapStateKey k : entries.keySet()) {
      if (k.prefixLength() == 24) {
        gone = k;
        break;
      }
    }
    MapStateKey added = portKey();
    while (entries.containsKey(added)) {
      added = portKey();
    }
    entries.remove(gone);
    entries.put(added, MapStateEntry.ALLOW);
    policies.put(id, new IdentityPolicy(id, p.enforced(), entries));
    return state();
  }

  /**
   * One pod address of another node moves to a new identity: the node view hands over a new
   * ipcache, a copy with that entry changed; the next state.
   */
  DatapathState moveAddress() {
    Map<CidrPrefix, Long> next = new HashMap<>(ipcache);
    CidrPrefix moved = pod(ENDPOINTS + random.nextInt(PODS - ENDPOINTS));
    next.put(moved, peer());
    ipcache = handedOver(next, ipcache, Set.of(moved));
    return state();
  }

  /**
   * {@code next} handed over as the node view hands over a delta's ipcache, made from {@code
   * previous} at the prefixes touched; alone where the node daemon on the class path is an earlier
   * one that cannot say so (the apply script times an earlier checkout's with this shape).
   */
  private static Map<CidrPrefix, Long> handedOver(
      Map<CidrPrefix, Long> next, Map<CidrPrefix, Long> previous, Set<CidrPrefix> touched) {
    if (HANDED_OVER_FROM == null) {
      return DatapathState.handedOver(next);
    }
    try {
      @SuppressWarnings("unchecked")
      Map<CidrPrefix, Long> out =
          (Map<CidrPrefix, Long>) HANDED_OVER_FROM.invoke(null, next, previous, touched);
      return out;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Method HANDED_OVER_FROM = handedOverFrom();

  private static Method handedOverFrom() {
    try {
      return DatapathState.class.getMethod("handedOver", Map.class, Map.class, Set.class);
    } catch (NoSuchMethodException earlier) {
      return null;
    }
  }

  int policyEntries() {
    return policies.values().stream().mapToInt(p -> p.entries().size()).sum();
  }

  private MapStateKey portKey() {
    Direction d = random.nextInt(4) == 0 ? Direction.EGRESS : Direction.INGRESS;
    return MapStateKey.port(d, peer(), Protocol.TCP, 1 + random.nextInt(10_000));
  }

  private long peer() {
    return 100_000 + random.nextInt(PEER_IDENTITIES);
  }

  private static long local(int i) {
    return 50_000 + i;
  }

  static CidrPrefix pod(int i) {
    return CidrPrefix.host(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
  }
}
