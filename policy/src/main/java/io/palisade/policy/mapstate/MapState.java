package io.palisade.policy.mapstate;

import com.carrotsearch.hppc.LongObjectHashMap;
import com.carrotsearch.hppc.cursors.LongObjectCursor;
import com.carrotsearch.hppc.cursors.ObjectCursor;
import io.palisade.policy.Direction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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

  // A group stores the shapes of its keys (direction, protocol and port prefix, identity
  // ANY_IDENTITY), one shared instance per shape, and a key is made from its shape and the group's
  // identity when read. There are a few shapes (the ports the rules name), so finding the shared
  // one is a lookup in a small map that stays in cache: the same keys come back in the MapState of
  // every subject a rule selects, and interning each subject's keys in a large weak interner was a
  // third of a full resolution's time.
  private static final ConcurrentHashMap<MapStateKey, MapStateKey> SHAPES =
      new ConcurrentHashMap<>();

  // Per direction, the groups by peer identity. One map per direction, not one per (direction,
  // identity): a subject's MapState has hundreds of groups of a few entries each. Primitive keys:
  // a boxed Long and a HashMap node per group cost more than the group itself. A slot holds a
  // KeyGroup of shapes, or, for a group of one plain allow (most groups at scale), its shape alone.
  private LongObjectHashMap<Object> ingress;
  private LongObjectHashMap<Object> egress;

  // Copy on write: a snapshot of the entries (snapshotEntries) holds these maps and their groups,
  // and the next write copies the maps first, then each group it changes.
  private boolean mapsShared;
  private boolean groupsShared;

  public MapState() {
    this(new LongObjectHashMap<>(), new LongObjectHashMap<>());
  }

  private MapState(LongObjectHashMap<Object> ingress, LongObjectHashMap<Object> egress) {
    this.ingress = ingress;
    this.egress = egress;
  }

  /**
   * Moves every group into a new MapState whose tables are sized to hold them, and leaves this one
   * empty with its tables kept for the next use. A MapState built up in a reused one this way gets
   * its tables once, at their final size: grown by doubling from empty, the tables dropped on the
   * way were a seventh of what a full resolution allocated.
   */
  public MapState moveToSized() {
    MapState sized =
        new MapState(new LongObjectHashMap<>(ingress), new LongObjectHashMap<>(egress));
    // A snapshot of this MapState holds the groups the new one gets.
    sized.groupsShared = groupsShared || mapsShared;
    clear();
    return sized;
  }

  /** Removes every entry, keeping the tables for reuse unless a snapshot holds them. */
  public void clear() {
    if (mapsShared) {
      ingress = new LongObjectHashMap<>();
      egress = new LongObjectHashMap<>();
      mapsShared = false;
    } else {
      ingress.clear();
      egress.clear();
    }
    groupsShared = false;
  }

  private LongObjectHashMap<Object> groups(Direction d) {
    return d == Direction.INGRESS ? ingress : egress;
  }

  /** The groups of {@code d} to write: copied first if a snapshot holds them. */
  private LongObjectHashMap<Object> writableGroups(Direction d) {
    if (mapsShared) {
      ingress = ingress.clone();
      egress = egress.clone();
      mapsShared = false;
      groupsShared = true;
    }
    return groups(d);
  }

  private static Object slot(MapStateKey shape, MapStateEntry entry) {
    return isPlainAllow(entry) ? shape : new KeyGroup(shape, entry);
  }

  private static Object slot(KeyGroup group) {
    return group.size() == 1 && isPlainAllow(group.entry(0)) ? group.key(0) : group;
  }

  /** Whether {@code entry} equals {@link MapStateEntry#ALLOW}: only a redirect carries L7 rules. */
  private static boolean isPlainAllow(MapStateEntry entry) {
    return entry.verdict() == Verdict.ALLOW;
  }

  /**
   * The shared shape of {@code key}: its direction, protocol and port prefix for any identity, one
   * instance for every key of that shape.
   */
  public static MapStateKey shapeOf(MapStateKey key) {
    MapStateKey any =
        key.identity() == MapStateKey.ANY_IDENTITY
            ? key
            : key.withIdentity(MapStateKey.ANY_IDENTITY);
    MapStateKey shared = SHAPES.get(any);
    if (shared == null) {
      shared = SHAPES.putIfAbsent(any, any);
    }
    return shared == null ? any : shared;
  }

  /** The key a stored shape stands for in the group of {@code identity}. */
  static MapStateKey keyOf(MapStateKey shape, long identity) {
    return identity == MapStateKey.ANY_IDENTITY ? shape : shape.withIdentity(identity);
  }

  private static KeyGroup group(Object slot) {
    return slot instanceof MapStateKey shape
        ? new KeyGroup(shape, MapStateEntry.ALLOW)
        : (KeyGroup) slot;
  }

  /** The group of one (direction, identity) as stored, or null: for tests of the storage. */
  Object slot(Direction direction, long identity) {
    return groups(direction).get(identity);
  }

  /** Adds an entry, merging with an equal key and keeping the group conflict-free. */
  public void insert(MapStateKey key, MapStateEntry entry) {
    insert(key.identity(), shapeOf(key), entry);
  }

  /**
   * Adds the entry of {@code shape}, a key of {@link #shapeOf}, for the peer {@code identity}: the
   * same as {@link #insert(MapStateKey, MapStateEntry)} for the key of that shape and identity,
   * without making the key.
   */
  public void insert(long identity, MapStateKey shape, MapStateEntry entry) {
    if (shape.identity() != MapStateKey.ANY_IDENTITY) {
      throw new IllegalArgumentException("not a shape: " + shape);
    }
    LongObjectHashMap<Object> byIdentity = writableGroups(shape.direction());
    // One probe of the map for both the read and the write.
    int index = byIdentity.indexOf(identity);
    if (!byIdentity.indexExists(index)) {
      byIdentity.indexInsert(index, identity, slot(shape, entry));
      return;
    }
    merge(byIdentity, index, shape, entry);
  }

  /**
   * The same as {@link #insert(long, MapStateKey, MapStateEntry)} with the shape and entry of
   * {@code e}: a group that gets no other entry holds {@code e}'s, shared.
   */
  public void insert(long identity, ShapedEntry e) {
    LongObjectHashMap<Object> byIdentity = writableGroups(e.shape().direction());
    int index = byIdentity.indexOf(identity);
    if (!byIdentity.indexExists(index)) {
      byIdentity.indexInsert(index, identity, e.slot());
      return;
    }
    merge(byIdentity, index, e.shape(), e.entry());
  }

  /** Adds an entry to the group at {@code index}, keeping the group conflict-free. */
  private void merge(
      LongObjectHashMap<Object> byIdentity, int index, MapStateKey shape, MapStateEntry entry) {
    Object slot = byIdentity.indexGet(index);
    if (slot instanceof MapStateKey allowed) {
      // A group of one plain allow, decided without unpacking it into a KeyGroup first: most
      // groups are one, and the group made only to be dropped was a tenth of a full resolution's
      // allocation.
      if (shape.equals(allowed)) {
        if (!isPlainAllow(entry)) {
          byIdentity.indexReplace(index, slot(shape, MapStateEntry.ALLOW.merge(entry)));
        }
        return;
      }
      if (allowed.isWithin(shape)) {
        // Any verdict on the broader key swallows the narrower allow.
        byIdentity.indexReplace(index, slot(shape, entry));
        return;
      }
      if (isPlainAllow(entry) && shape.isWithin(allowed)) {
        return; // Shadowed by the broader allow.
      }
    }
    KeyGroup group = group(slot);
    int at = group.indexOf(shape);
    if (at >= 0) {
      entry = group.entry(at).merge(entry);
    } else if (isShadowed(group, shape, entry)) {
      return;
    }
    if (group == slot && (groupsShared || group.isShared())) {
      group = group.copy(); // Others hold this group: change a copy.
    }
    removeNarrowerBelow(group, shape, entry.verdict());
    at = group.indexOf(shape);
    if (at >= 0) {
      group.set(at, entry);
    } else {
      group.add(shape, entry);
    }
    byIdentity.indexReplace(index, slot(group));
  }

  /**
   * Whether a broader key of higher or equal verdict already decides every packet of {@code key}.
   */
  private static boolean isShadowed(KeyGroup group, MapStateKey key, MapStateEntry entry) {
    for (int i = 0; i < group.size(); i++) {
      Verdict broader = group.entry(i).verdict();
      if (key.isWithin(group.key(i))
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
  private static void removeNarrowerBelow(KeyGroup group, MapStateKey key, Verdict verdict) {
    for (int i = group.size() - 1; i >= 0; i--) {
      MapStateKey k = group.key(i);
      Verdict v = group.entry(i).verdict();
      if (!k.equals(key)
          && k.isWithin(key)
          && (verdict == Verdict.DENY
              || verdict.outranks(v)
              || (verdict == Verdict.ALLOW && v == Verdict.ALLOW))) {
        group.remove(i);
      }
    }
  }

  /** Removes every key of one peer identity (the identity went away). */
  public void removeIdentity(Direction direction, long identity) {
    writableGroups(direction).remove(identity);
  }

  /**
   * Replaces one (direction, identity) group with {@code source}'s, moved rather than copied:
   * {@code source} gives the group up.
   */
  public void moveGroup(Direction direction, long identity, MapState source) {
    Object slot = source.writableGroups(direction).remove(identity);
    // The group may be one that a snapshot of the source still holds.
    groupsShared |= source.groupsShared;
    if (slot == null || (slot instanceof KeyGroup group && group.size() == 0)) {
      writableGroups(direction).remove(identity);
    } else {
      writableGroups(direction).put(identity, slot);
    }
  }

  /**
   * The entries as they are now, as an immutable map that shares this MapState's storage instead of
   * copying it: this MapState copies its storage before its next write. A node's desired state
   * holds every identity's policy this way beside the engine's, once.
   */
  public Map<MapStateKey, MapStateEntry> snapshotEntries() {
    mapsShared = true;
    return new EntriesView(ingress, egress, size());
  }

  /**
   * {@code entries} as an immutable map: itself when it is already one of {@link #snapshotEntries},
   * an immutable copy otherwise.
   */
  public static Map<MapStateKey, MapStateEntry> immutable(Map<MapStateKey, MapStateEntry> entries) {
    return entries instanceof EntriesView ? entries : Map.copyOf(entries);
  }

  /** The entry the datapath would choose for a packet, or empty when the packet is dropped. */
  public Optional<MapStateMatch> lookup(Direction direction, long peer, int protocol, int port) {
    LongObjectHashMap<Object> byIdentity = groups(direction);
    MapStateMatch l3 = longestMatch(byIdentity.get(peer), peer, protocol, port);
    MapStateMatch l4 =
        peer == MapStateKey.ANY_IDENTITY
            ? null
            : longestMatch(
                byIdentity.get(MapStateKey.ANY_IDENTITY), MapStateKey.ANY_IDENTITY, protocol, port);
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

  private static MapStateMatch longestMatch(Object slot, long identity, int protocol, int port) {
    if (slot == null) {
      return null;
    }
    if (slot instanceof MapStateKey shape) {
      return shape.matches(protocol, port)
          ? new MapStateMatch(keyOf(shape, identity), MapStateEntry.ALLOW)
          : null;
    }
    KeyGroup group = (KeyGroup) slot;
    int best = -1;
    for (int i = 0; i < group.size(); i++) {
      MapStateKey k = group.key(i);
      if (k.matches(protocol, port)
          && (best < 0 || k.prefixLength() > group.key(best).prefixLength())) {
        best = i;
      }
    }
    return best < 0 ? null : new MapStateMatch(keyOf(group.key(best), identity), group.entry(best));
  }

  /** Every entry, in no particular order. */
  public Map<MapStateKey, MapStateEntry> entries() {
    Map<MapStateKey, MapStateEntry> all = HashMap.newHashMap(size());
    for (LongObjectHashMap<Object> byIdentity : List.of(ingress, egress)) {
      for (LongObjectCursor<Object> c : byIdentity) {
        if (c.value instanceof KeyGroup group) {
          for (int i = 0; i < group.size(); i++) {
            all.put(keyOf(group.key(i), c.key), group.entry(i));
          }
        } else {
          all.put(keyOf((MapStateKey) c.value, c.key), MapStateEntry.ALLOW);
        }
      }
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
    for (LongObjectHashMap<Object> byIdentity : List.of(ingress, egress)) {
      for (ObjectCursor<Object> c : byIdentity.values()) {
        n += c.value instanceof KeyGroup group ? group.size() : 1;
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
