package io.palisade.policy.mapstate;

import io.palisade.policy.Direction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy of one subject identity as the datapath holds it.
 *
 * <p>Lookup follows the datapath: the longest (protocol, port) prefix among the peer's own keys,
 * the longest among the any-peer keys, and of the two the higher verdict, then the longer prefix,
 * then the peer's own. {@link #insert} keeps each (direction, identity) group conflict-free so that
 * a longest-prefix match inside a group is also its highest verdict: a deny swallows every narrower
 * key, a redirect or an allow every narrower allow, and a key already covered by a deny (or an
 * allow by a redirect) is not stored. Groups never interact, so adding or removing a peer identity
 * touches only its own group.
 */
public final class MapState {

  private final Map<Direction, Map<Long, Map<MapStateKey, MapStateEntry>>> groups =
      new EnumMap<>(Direction.class);

  public MapState() {
    for (Direction d : Direction.values()) {
      groups.put(d, new HashMap<>());
    }
  }

  /** Adds an entry, merging with an equal key and keeping the group conflict-free. */
  public void insert(MapStateKey key, MapStateEntry entry) {
    Map<MapStateKey, MapStateEntry> group =
        groups.get(key.direction()).computeIfAbsent(key.identity(), id -> new KeyGroup());
    MapStateEntry existing = group.get(key);
    if (existing != null) {
      entry = existing.merge(entry);
    } else if (isShadowed(group, key, entry)) {
      return;
    }
    removeNarrowerBelow(group, key, entry.verdict());
    group.put(key, entry);
  }

  /**
   * Whether a broader key of higher or equal verdict already decides every packet of {@code key}.
   */
  private static boolean isShadowed(
      Map<MapStateKey, MapStateEntry> group, MapStateKey key, MapStateEntry entry) {
    for (Map.Entry<MapStateKey, MapStateEntry> e : group.entrySet()) {
      Verdict broader = e.getValue().verdict();
      if (key.isWithin(e.getKey())
          && (broader == Verdict.DENY
              || (broader == entry.verdict() && broader == Verdict.ALLOW)
              || (broader == Verdict.REDIRECT && entry.verdict() == Verdict.ALLOW))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Drops the keys inside {@code key} that it makes redundant: every one under a deny, those of a
   * lower verdict, and allows under an allow. The last changes no verdict, but keeps the group the
   * same whatever order its entries arrive in.
   */
  private static void removeNarrowerBelow(
      Map<MapStateKey, MapStateEntry> group, MapStateKey key, Verdict verdict) {
    Iterator<Map.Entry<MapStateKey, MapStateEntry>> it = group.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<MapStateKey, MapStateEntry> e = it.next();
      if (!e.getKey().equals(key)
          && e.getKey().isWithin(key)
          && (verdict == Verdict.DENY
              || verdict.outranks(e.getValue().verdict())
              || (verdict == Verdict.ALLOW && e.getValue().verdict() == Verdict.ALLOW))) {
        it.remove();
      }
    }
  }

  /** Removes every key of one peer identity (the identity went away). */
  public void removeIdentity(Direction direction, long identity) {
    groups.get(direction).remove(identity);
  }

  /**
   * Replaces one (direction, identity) group with {@code source}'s, moved rather than copied:
   * {@code source} gives the group up.
   */
  public void moveGroup(Direction direction, long identity, MapState source) {
    Map<MapStateKey, MapStateEntry> group = source.groups.get(direction).remove(identity);
    if (group == null || group.isEmpty()) {
      groups.get(direction).remove(identity);
    } else {
      groups.get(direction).put(identity, group);
    }
  }

  /** The entry the datapath would choose for a packet, or empty when the packet is dropped. */
  public Optional<MapStateMatch> lookup(Direction direction, long peer, int protocol, int port) {
    Map<Long, Map<MapStateKey, MapStateEntry>> byIdentity = groups.get(direction);
    MapStateMatch l3 = longestMatch(byIdentity.get(peer), protocol, port);
    MapStateMatch l4 =
        peer == MapStateKey.ANY_IDENTITY
            ? null
            : longestMatch(byIdentity.get(MapStateKey.ANY_IDENTITY), protocol, port);
    if (l3 == null) {
      return Optional.ofNullable(l4);
    }
    if (l4 == null) {
      return Optional.of(l3);
    }
    Verdict v3 = l3.entry().verdict();
    Verdict v4 = l4.entry().verdict();
    if (v4.outranks(v3) || (v4 == v3 && l4.key().prefixLength() > l3.key().prefixLength())) {
      return Optional.of(l4);
    }
    return Optional.of(l3);
  }

  private static MapStateMatch longestMatch(
      Map<MapStateKey, MapStateEntry> group, int protocol, int port) {
    if (group == null) {
      return null;
    }
    MapStateMatch best = null;
    for (Map.Entry<MapStateKey, MapStateEntry> e : group.entrySet()) {
      MapStateKey k = e.getKey();
      if (k.matches(protocol, port)
          && (best == null || k.prefixLength() > best.key().prefixLength())) {
        best = new MapStateMatch(k, e.getValue());
      }
    }
    return best;
  }

  /** Every entry, in no particular order. */
  public Map<MapStateKey, MapStateEntry> entries() {
    Map<MapStateKey, MapStateEntry> all = new HashMap<>();
    for (Map<Long, Map<MapStateKey, MapStateEntry>> byIdentity : groups.values()) {
      byIdentity.values().forEach(all::putAll);
    }
    return Collections.unmodifiableMap(all);
  }

  /** The entries sorted by direction, identity, protocol and port, for printing and diffs. */
  public List<Map.Entry<MapStateKey, MapStateEntry>> sortedEntries() {
    List<Map.Entry<MapStateKey, MapStateEntry>> sorted = new ArrayList<>(entries().entrySet());
    sorted.sort(
        Map.Entry.comparingByKey(
            java.util.Comparator.comparing(MapStateKey::direction)
                .thenComparingLong(MapStateKey::identity)
                .thenComparingInt(MapStateKey::protocol)
                .thenComparingInt(MapStateKey::port)
                .thenComparingInt(MapStateKey::portPrefixBits)));
    return sorted;
  }

  public int size() {
    int n = 0;
    for (Map<Long, Map<MapStateKey, MapStateEntry>> byIdentity : groups.values()) {
      for (Map<MapStateKey, MapStateEntry> group : byIdentity.values()) {
        n += group.size();
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MapState other && entries().equals(other.entries());
  }

  @Override
  public int hashCode() {
    return entries().hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<MapStateKey, MapStateEntry> e : sortedEntries()) {
      sb.append(e.getKey()).append(" -> ").append(e.getValue().verdict()).append('\n');
    }
    return sb.toString();
  }
}
