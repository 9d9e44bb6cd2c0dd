package io.palisade.node.datapath;

import io.palisade.node.maps.PolicyKey;
import io.palisade.node.maps.PolicyValue;
import io.palisade.policy.identity.CidrPrefix;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What turns one map's current contents into its desired contents: the keys to write (new or
 * changed) and the keys to delete. Pure; empty when the two agree.
 */
public record MapDiff<K, V>(Map<K, V> upserts, Set<K> deletes) {

  public static <K, V> MapDiff<K, V> between(Map<K, V> current, Map<K, V> desired) {
    Map<K, V> upserts = new LinkedHashMap<>();
    desired.forEach(
        (k, v) -> {
          if (!Objects.equals(current.get(k), v)) {
            upserts.put(k, v);
          }
        });
    Set<K> deletes = new LinkedHashSet<>();
    current.forEach(
        (k, v) -> {
          if (!desired.containsKey(k)) {
            deletes.add(k);
          }
        });
    return new MapDiff<>(upserts, deletes);
  }

  /**
   * As {@link #between}, for a map known to hold {@code previous}, looking only at what the two do
   * not share: nothing when they are the same object, only the parts that are not the same objects
   * when both are {@link PolicyEntries}, only the extras when both are {@link Overlay}s of one
   * base. So a revision that changes one identity's policy compares that identity's entries, not
   * every entry of the node. The maps must not change.
   */
  @SuppressWarnings("unchecked")
  public static <K, V> MapDiff<K, V> since(Map<K, V> previous, Map<K, V> desired) {
    if (previous == desired) {
      return new MapDiff<>(Map.of(), Set.of());
    }
    if (previous instanceof PolicyEntries a && desired instanceof PolicyEntries b) {
      return (MapDiff<K, V>) byPart(a, b);
    }
    if (previous instanceof IpcachePart a && desired instanceof IpcachePart b) {
      Optional<Set<CidrPrefix>> moved = b.movedSince(a);
      if (moved.isPresent()) {
        return (MapDiff<K, V>) at(moved.get(), a, b);
      }
    }
    if (previous instanceof Overlay<K, V> a && desired instanceof Overlay<K, V> b) {
      // Outside the keys an overlay adds, the two differ only where their bases do.
      Set<K> keys = new LinkedHashSet<>(a.extras().keySet());
      keys.addAll(b.extras().keySet());
      if (a.base() != b.base()) {
        MapDiff<K, V> bases = since(a.base(), b.base());
        keys.addAll(bases.upserts().keySet());
        keys.addAll(bases.deletes());
      }
      return at(keys, a, b);
    }
    return between(previous, desired);
  }

  /** {@link #between}, asked only about {@code keys}: the others are known to agree. */
  static <K, V> MapDiff<K, V> at(Set<K> keys, Map<K, V> current, Map<K, V> desired) {
    Map<K, V> upserts = new LinkedHashMap<>();
    Set<K> deletes = new LinkedHashSet<>();
    for (K k : keys) {
      V want = desired.get(k);
      if (want == null) {
        if (current.containsKey(k)) {
          deletes.add(k);
        }
      } else if (!want.equals(current.get(k))) {
        upserts.put(k, want);
      }
    }
    return new MapDiff<>(upserts, deletes);
  }

  private static MapDiff<PolicyKey, PolicyValue> byPart(
      PolicyEntries previous, PolicyEntries desired) {
    Map<PolicyKey, PolicyValue> upserts = new LinkedHashMap<>();
    Set<PolicyKey> deletes = new LinkedHashSet<>();
    Map<Long, Map<PolicyKey, PolicyValue>> before = previous.parts();
    desired
        .parts()
        .forEach(
            (subject, part) -> {
              Map<PolicyKey, PolicyValue> was = before.getOrDefault(subject, Map.of());
              if (was != part) {
                MapDiff<PolicyKey, PolicyValue> d = between(was, part);
                upserts.putAll(d.upserts());
                deletes.addAll(d.deletes());
              }
            });
    before.forEach(
        (subject, part) -> {
          if (!desired.parts().containsKey(subject)) {
            deletes.addAll(part.keySet());
          }
        });
    return new MapDiff<>(upserts, deletes);
  }

  public boolean isEmpty() {
    return upserts.isEmpty() && deletes.isEmpty();
  }

  public int size() {
    return upserts.size() + deletes.size();
  }
}
