package io.palisade.proxy.kafka;

import io.palisade.crds.api.PortRuleKafka;
import io.palisade.pipeline.model.EndpointL7;
import io.palisade.pipeline.model.L7Grant;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.LongestPrefix;
import io.palisade.policy.identity.ParsedIpcache;
import io.palisade.policy.identity.ReservedIdentity;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.MapStateKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the Kafka proxy admits, read from the pipeline's node L7 state without going through Envoy
 * resources: per listener port (one per direction), each local endpoint's Kafka grants. A peer
 * address has the identity of the longest ipcache prefix holding it, world when none does, as in
 * the datapath, so the proxy admits exactly the peers the datapath sent it for.
 */
public record KafkaConfig(
    Map<Integer, Direction> listeners, List<Endpoint> endpoints, Map<CidrPrefix, Long> ipcache) {

  public static final KafkaConfig EMPTY = new KafkaConfig(Map.of(), List.of(), Map.of());

  /** One local endpoint's Kafka grants, with its addresses. */
  public record Endpoint(List<CidrPrefix> addresses, List<L7Grant> grants) {
    public Endpoint {
      addresses = List.copyOf(addresses);
      grants = List.copyOf(grants);
    }
  }

  public KafkaConfig {
    listeners = Map.copyOf(listeners);
    endpoints = List.copyOf(endpoints);
    // Not copied: a node's parsed peers are 30,000 entries that never change, handed over.
    ipcache = Collections.unmodifiableMap(ipcache);
  }

  /** The Kafka part of {@code node}, peers resolving through {@code ipcache} (prefix → id). */
  public static KafkaConfig of(NodeL7 node, Map<String, Long> ipcache) {
    Map<Integer, Direction> listeners = new TreeMap<>();
    List<Endpoint> endpoints = new ArrayList<>();
    for (EndpointL7 e : node.endpoints()) {
      List<L7Grant> grants = e.grants().stream().filter(g -> g.parser() == L7Parser.KAFKA).toList();
      if (grants.isEmpty()) {
        continue;
      }
      grants.forEach(g -> listeners.put(L7Parser.KAFKA.proxyPort(g.direction()), g.direction()));
      List<CidrPrefix> addresses = new ArrayList<>();
      for (String a : e.addresses()) {
        CidrPrefix.parseAddress(a.contains("/") ? a.substring(0, a.indexOf('/')) : a)
            .map(CidrPrefix::host)
            .ifPresent(addresses::add);
      }
      endpoints.add(new Endpoint(addresses, grants));
    }
    // Peers are resolved only for Kafka grants, and from their parsed form when they have one.
    Map<CidrPrefix, Long> peers = endpoints.isEmpty() ? Map.of() : ParsedIpcache.of(ipcache);
    return new KafkaConfig(listeners, endpoints, peers);
  }

  /** The listener ports, sorted. */
  public Set<Integer> ports() {
    return new TreeSet<>(listeners.keySet());
  }

  /**
   * The Kafka rules that apply to a connection on {@code listenerPort} from {@code source} to
   * {@code destination} (port included); empty when no grant covers it, so nothing passes.
   */
  public List<PortRuleKafka> rulesFor(
      int listenerPort, InetAddress source, InetAddress destination, int destinationPort) {
    Direction direction = listeners.get(listenerPort);
    if (direction == null) {
      return List.of();
    }
    InetAddress local = direction == Direction.INGRESS ? destination : source;
    InetAddress peer = direction == Direction.INGRESS ? source : destination;
    byte[] localBytes = plain(local).getAddress();
    long peerIdentity = identityOf(plain(peer).getAddress());
    boolean world = ReservedIdentity.ofId(peerIdentity).map(KafkaConfig::isWorld).orElse(false);
    List<PortRuleKafka> rules = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (e.addresses().stream().noneMatch(a -> a.containsAddress(localBytes))) {
        continue;
      }
      for (L7Grant g : e.grants()) {
        boolean peerMatches =
            g.peers().contains(MapStateKey.ANY_IDENTITY)
                || g.peers().contains(peerIdentity)
                || (world && g.peers().contains(ReservedIdentity.WORLD.id()));
        if (g.direction() == direction
            && peerMatches
            && destinationPort >= g.firstPort()
            && destinationPort <= g.lastPort()
            && g.rule() instanceof PortRuleKafka rule) {
          rules.add(rule);
        }
      }
    }
    return rules;
  }

  private long identityOf(byte[] address) {
    return LongestPrefix.identity(ipcache, address)
        .orElse(ReservedIdentity.world(address.length == 4).id());
  }

  private static boolean isWorld(ReservedIdentity r) {
    return r == ReservedIdentity.WORLD
        || r == ReservedIdentity.world(true)
        || r == ReservedIdentity.world(false);
  }

  /** An IPv4 client of a dual-stack socket appears as {@code ::ffff:a.b.c.d}. */
  static InetAddress plain(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 16 && b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) {
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (java.net.UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return address;
  }

  /** For a listener: the direction it serves. */
  public Optional<Direction> direction(int listenerPort) {
    return Optional.ofNullable(listeners.get(listenerPort));
  }
}
