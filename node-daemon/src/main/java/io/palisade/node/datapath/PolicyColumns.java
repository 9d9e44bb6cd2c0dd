package io.palisade.node.datapath;

import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.PolicyValue;
import io.palisade.pipeline.model.IdentityAudit;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import java.util.HashMap;
import java.util.Map;

/**
 * The policy map values of one identity: its enforced MapState and, when audit-mode policies select
 * it, the MapState with them enforced too, side by side in one set of keys. The keys are the union
 * of both; each column of a key holds what its own MapState decides in the key's (direction, peer)
 * group for the key's packets (the longest of its keys that contains the key), so the datapath's
 * choice between the peer's and the any-peer group, made once per column, gives each MapState's
 * verdict. Pure.
 */
final class PolicyColumns {

  private PolicyColumns() {}

  static Map<MapStateKey, PolicyValue> of(IdentityPolicy p) {
    Map<MapStateKey, PolicyValue> out = new HashMap<>();
    if (p.audit().isEmpty()) {
      p.entries().forEach((k, e) -> out.put(k, PolicyValue.of(k, e, k.direction())));
      return out;
    }
    IdentityAudit audit = p.audit().get();
    Map<Group, Map<MapStateKey, MapStateEntry>> enforced = groups(p.entries());
    Map<Group, Map<MapStateKey, MapStateEntry>> all = groups(audit.entries());
    Map<MapStateKey, MapStateEntry> union = new HashMap<>(p.entries());
    audit.entries().forEach(union::putIfAbsent);
    for (MapStateKey k : union.keySet()) {
      Group g = new Group(k);
      Map.Entry<MapStateKey, MapStateEntry> e = deciding(enforced.get(g), k);
      Map.Entry<MapStateKey, MapStateEntry> a = deciding(all.get(g), k);
      out.put(
          k,
          new PolicyValue(
              e == null ? Layouts.VERDICT_NONE : PolicyValue.verdict(e.getValue().verdict()),
              e == null ? 0 : e.getKey().prefixLength(),
              e == null ? 0 : e.getValue().proxyPort(k.direction()),
              a == null ? Layouts.VERDICT_NONE : PolicyValue.verdict(a.getValue().verdict()),
              a == null ? 0 : a.getKey().prefixLength()));
    }
    return out;
  }

  /** A MapState's (direction, peer) group, where a longest-prefix match decides. */
  private record Group(Object direction, long identity) {
    Group(MapStateKey k) {
      this(k.direction(), k.identity());
    }
  }

  private static Map<Group, Map<MapStateKey, MapStateEntry>> groups(
      Map<MapStateKey, MapStateEntry> entries) {
    Map<Group, Map<MapStateKey, MapStateEntry>> out = new HashMap<>();
    entries.forEach((k, e) -> out.computeIfAbsent(new Group(k), g -> new HashMap<>()).put(k, e));
    return out;
  }

  /** The longest key of {@code group} containing {@code key}, or null. */
  private static Map.Entry<MapStateKey, MapStateEntry> deciding(
      Map<MapStateKey, MapStateEntry> group, MapStateKey key) {
    if (group == null) {
      return null;
    }
    Map.Entry<MapStateKey, MapStateEntry> best = null;
    for (Map.Entry<MapStateKey, MapStateEntry> e : group.entrySet()) {
      if (key.isWithin(e.getKey())
          && (best == null || e.getKey().prefixLength() > best.getKey().prefixLength())) {
        best = e;
      }
    }
    return best;
  }
}
