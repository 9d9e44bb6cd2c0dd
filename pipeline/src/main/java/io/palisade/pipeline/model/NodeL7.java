package io.palisade.pipeline.model;

import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.L7Policy;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The L7 part of a node's desired state: each local endpoint with a redirect in its MapState, and
 * what its proxies must admit, read from the same entries the datapath holds. Grants follow
 * Cilium's union semantics: a request from a peer passes when any rule that applies to the peer on
 * that port admits it, and a plain allow of the peer on a redirected port (a rule without L7, such
 * as an L3-only one) admits every request, since the datapath sends that peer to the proxy too.
 */
public record NodeL7(List<EndpointL7> endpoints) {

  public static final NodeL7 EMPTY = new NodeL7(List.of());

  public NodeL7 {
    endpoints = List.copyOf(endpoints);
  }

  /** The L7 state of {@code state}'s endpoints, in endpoint id order. */
  public static NodeL7 of(LocalState state) {
    List<EndpointL7> out = new ArrayList<>();
    state.endpoints().values().stream()
        .sorted(Comparator.comparing(EndpointState::id))
        .forEach(
            e -> {
              IdentityPolicy policy = state.policies().get(e.identity());
              List<L7Grant> grants = policy == null ? List.of() : grants(policy);
              if (!grants.isEmpty()) {
                out.add(
                    new EndpointL7(e.id(), e.addresses(), e.identity(), grants, e.proxylessGrpc()));
              }
            });
    return new NodeL7(out);
  }

  /** Every grant of one identity's entries, merged by (direction, parser, ports, rule). */
  static List<L7Grant> grants(IdentityPolicy policy) {
    record Slot(
        Direction d, io.palisade.policy.mapstate.L7Parser p, int first, int last, Object r) {}
    Map<Slot, Set<Long>> peers = new LinkedHashMap<>();
    Map<Slot, Set<String>> origins = new LinkedHashMap<>();
    List<Map.Entry<MapStateKey, MapStateEntry>> redirects = new ArrayList<>();
    for (Map.Entry<MapStateKey, MapStateEntry> e : sorted(policy)) {
      MapStateKey k = e.getKey();
      if (e.getValue().verdict() != Verdict.REDIRECT || k.protocol() != Protocol.TCP.number()) {
        continue; // L7 proxies take TCP; validation refuses L7 rules on other protocols.
      }
      redirects.add(e);
      L7Policy l7 = e.getValue().l7().orElseThrow();
      for (Object rule : l7.rules()) {
        Slot slot = new Slot(k.direction(), l7.parser(), k.firstPort(), k.lastPort(), rule);
        peers.computeIfAbsent(slot, s -> new LinkedHashSet<>()).add(k.identity());
        origins.computeIfAbsent(slot, s -> new LinkedHashSet<>()).addAll(l7.origins(rule));
      }
    }
    // A plain allow of a peer that overlaps a redirect admits every request of that peer there.
    for (Map.Entry<MapStateKey, MapStateEntry> a : sorted(policy)) {
      MapStateKey k = a.getKey();
      if (a.getValue().verdict() != Verdict.ALLOW
          || (k.protocol() != 0 && k.protocol() != Protocol.TCP.number())) {
        continue;
      }
      for (Map.Entry<MapStateKey, MapStateEntry> r : redirects) {
        MapStateKey rk = r.getKey();
        int first = Math.max(k.firstPort(), rk.firstPort());
        int last = Math.min(k.lastPort(), rk.lastPort());
        boolean samePeers =
            rk.identity() == MapStateKey.ANY_IDENTITY || rk.identity() == k.identity();
        if (rk.direction() == k.direction() && samePeers && first <= last) {
          L7Policy l7 = r.getValue().l7().orElseThrow();
          peers
              .computeIfAbsent(
                  new Slot(k.direction(), l7.parser(), first, last, l7.wildcardRule()),
                  s -> new LinkedHashSet<>())
              .add(k.identity());
        }
      }
    }
    List<L7Grant> out = new ArrayList<>();
    peers.forEach(
        (s, ids) ->
            out.add(
                new L7Grant(
                    s.d(),
                    s.p(),
                    s.first(),
                    s.last(),
                    s.r(),
                    ids,
                    origins.getOrDefault(s, Set.of()))));
    return out;
  }

  /** Entries in a stable order, so equal states give equal grants. */
  private static List<Map.Entry<MapStateKey, MapStateEntry>> sorted(IdentityPolicy policy) {
    return policy.entries().entrySet().stream()
        .sorted(
            Comparator.comparing(
                    (Map.Entry<MapStateKey, MapStateEntry> e) -> e.getKey().direction())
                .thenComparingLong(e -> e.getKey().identity())
                .thenComparingInt(e -> e.getKey().protocol())
                .thenComparingInt(e -> e.getKey().port())
                .thenComparingInt(e -> e.getKey().portPrefixBits()))
        .toList();
  }
}
