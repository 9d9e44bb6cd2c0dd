package io.palisade.node.datapath;

import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Successive desired states of one node, each the last with a few random changes, sharing what did
 * not change as the node view does: the same ipcache object while no address moves (handed over, or
 * a plain immutable map), the same {@link IdentityPolicy} for an identity whose policy did not
 * change, the same Service table. Changes move ports, add and remove identities and their policies,
 * move endpoints (also under addresses the ipcache names, or names later), add and remove host and
 * CIDR prefixes, and change Services.
 */
final class RandomRevisions {

  private static final List<Long> IDENTITIES = List.of(1000L, 1001L, 1002L, 1003L, 1004L, 1005L);

  private final Random random;
  private final String hostInterface;
  private Map<CidrPrefix, Long> ipcache;
  private final Map<Long, IdentityPolicy> policies = new HashMap<>();
  private final Map<CidrPrefix, Long> endpoints = new HashMap<>();
  private ServiceTable services = ServiceTable.EMPTY;

  /**
   * @param hostInterface the interface every endpoint names
   */
  RandomRevisions(long seed, String hostInterface) {
    this.random = new Random(seed);
    this.hostInterface = hostInterface;
    Map<CidrPrefix, Long> first = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      first.put(host(i), peer());
    }
    first.put(CidrPrefix.parse("203.0.113.0/24").orElseThrow(), 16777217L);
    ipcache = DatapathState.handedOver(first);
    for (long id : IDENTITIES.subList(0, 4)) {
      policies.put(id, policy(id, 20));
    }
    for (int i = 0; i < 6; i++) {
      endpoints.put(host(190 + i * 3), IDENTITIES.get(i % IDENTITIES.size()));
    }
  }

  /** The next state: one to three random changes to the last. */
  DatapathState next() {
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      switch (random.nextInt(10)) {
        case 0, 1, 2, 3 -> movePort();
        case 4 -> toggleIdentity();
        case 5 -> moveEndpoint();
        case 6, 7 -> moveAddresses();
        case 8 -> changeServices();
        default -> {} // nothing moved: the same state again
      }
    }
    List<LocalEndpoint> local = new ArrayList<>();
    endpoints.forEach((address, id) -> local.add(new LocalEndpoint(address, id, hostInterface)));
    return new DatapathState(ipcache, local, policies).withServices(services);
  }

  /** One port of one identity's policy moves: the one new IdentityPolicy of the revision. */
  private void movePort() {
    if (policies.isEmpty()) {
      return;
    }
    List<Long> ids = new ArrayList<>(policies.keySet());
    long id = ids.get(random.nextInt(ids.size()));
    IdentityPolicy p = policies.get(id);
    Map<MapStateKey, MapStateEntry> entries = new HashMap<>(p.entries());
    List<MapStateKey> keys = new ArrayList<>(entries.keySet());
    if (!keys.isEmpty()) {
      entries.remove(keys.get(random.nextInt(keys.size())));
    }
    entries.put(key(), random.nextInt(5) == 0 ? MapStateEntry.DENY : MapStateEntry.ALLOW);
    policies.put(id, new IdentityPolicy(id, p.enforced(), entries));
  }

  private void toggleIdentity() {
    long id = IDENTITIES.get(random.nextInt(IDENTITIES.size()));
    if (policies.remove(id) == null) {
      policies.put(id, policy(id, 5 + random.nextInt(20)));
    }
  }

  private void moveEndpoint() {
    CidrPrefix address = host(180 + random.nextInt(40));
    if (endpoints.remove(address) == null) {
      endpoints.put(address, IDENTITIES.get(random.nextInt(IDENTITIES.size())));
    }
  }

  /**
   * A new ipcache object with a few host and CIDR prefixes added, changed or gone: handed over as
   * made from the last at the prefixes touched (as the node view hands over a delta's), handed over
   * alone, or a plain immutable map. Two in one revision make one from an ipcache the datapath
   * never saw.
   */
  private void moveAddresses() {
    Map<CidrPrefix, Long> next = new HashMap<>(ipcache);
    Set<CidrPrefix> touched = new HashSet<>();
    for (int i = random.nextInt(4); i >= 0; i--) {
      CidrPrefix p =
          random.nextBoolean()
              ? host(random.nextInt(230))
              : CidrPrefix.parse("198.51." + random.nextInt(4) + ".0/24").orElseThrow();
      touched.add(p);
      if (random.nextBoolean() && next.remove(p) != null) {
        continue;
      }
      next.put(p, peer());
    }
    ipcache =
        switch (random.nextInt(3)) {
          case 0 -> DatapathState.handedOver(next, ipcache, touched);
          case 1 -> DatapathState.handedOver(next);
          default -> Map.copyOf(next);
        };
  }

  private void changeServices() {
    Map<ServiceFrontend, List<ServiceBackend>> table = new HashMap<>(services.services());
    ServiceFrontend f = new ServiceFrontend("10.96.0." + random.nextInt(4), 80, Protocol.TCP);
    if (table.remove(f) == null) {
      List<ServiceBackend> backends = new ArrayList<>();
      for (int i = random.nextInt(3); i >= 0; i--) {
        backends.add(new ServiceBackend("10.1.0." + random.nextInt(8), 8080));
      }
      table.put(f, backends);
    }
    services = new ServiceTable(table);
  }

  private IdentityPolicy policy(long id, int entries) {
    Map<MapStateKey, MapStateEntry> m = new HashMap<>();
    for (int i = 0; i < entries; i++) {
      m.put(key(), MapStateEntry.ALLOW);
    }
    Set<Direction> enforced =
        random.nextBoolean() ? EnumSet.of(Direction.INGRESS) : EnumSet.allOf(Direction.class);
    return new IdentityPolicy(id, enforced, m);
  }

  /** An exact port, a port range, or a whole protocol; from one peer or any. */
  private MapStateKey key() {
    Direction d = random.nextBoolean() ? Direction.INGRESS : Direction.EGRESS;
    long peer = random.nextInt(6) == 0 ? MapStateKey.ANY_IDENTITY : peer();
    return switch (random.nextInt(4)) {
      case 0 -> new MapStateKey(d, peer, 6, 8000 + random.nextInt(64) * 4, 14);
      case 1 -> MapStateKey.protocol(d, peer, Protocol.UDP);
      default -> MapStateKey.port(d, peer, Protocol.TCP, 1 + random.nextInt(2000));
    };
  }

  private long peer() {
    return 2000 + random.nextInt(50);
  }

  static CidrPrefix host(int i) {
    return CidrPrefix.host(new byte[] {10, 0, (byte) (i / 250), (byte) (1 + i % 250)});
  }
}
