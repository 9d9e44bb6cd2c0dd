package io.palisade.policy.mapstate;

import java.util.Arrays;

/**
 * The entries of one (direction, peer identity) group of a MapState. Nearly every group holds one
 * key (a subject reaches most peers through one port rule), so the first key and entry are fields
 * of the group and only further ones go to an array of (key, entry) pairs: at Cilium's 1,000-node
 * scale the engine keeps over half a million groups, and two arrays per group were a tenth of the
 * operator's heap. A linear scan finds a key as fast as hashing would over a handful. In a MapState
 * the keys are shapes ({@link MapState#shapeOf}): the group's identity is its place in the
 * MapState. Not thread-safe: its MapState's owner writes it.
 */
final class KeyGroup {

  private MapStateKey firstKey;
  private MapStateEntry firstEntry;
  // Keys and entries after the first, interleaved: key i at 2(i-1), its entry at 2(i-1)+1.
  private Object[] more;
  private int size;
  // Held by many MapStates at once (a ShapedEntry's): never changed, copied first.
  private final boolean shared;

  KeyGroup(MapStateKey key, MapStateEntry entry) {
    this(key, entry, false);
  }

  private KeyGroup(MapStateKey key, MapStateEntry entry, boolean shared) {
    firstKey = key;
    firstEntry = entry;
    size = 1;
    this.shared = shared;
  }

  /** A group of one entry for many MapStates to hold: each copies it before changing it. */
  static KeyGroup shared(MapStateKey key, MapStateEntry entry) {
    return new KeyGroup(key, entry, true);
  }

  /** Whether MapStates share this group: it is copied before any change. */
  boolean isShared() {
    return shared;
  }

  /** A copy to change while a snapshot of its MapState, or other MapStates, still hold this one. */
  KeyGroup copy() {
    KeyGroup c = new KeyGroup(firstKey, firstEntry);
    c.more = more == null ? null : more.clone();
    c.size = size;
    return c;
  }

  int size() {
    return size;
  }

  MapStateKey key(int i) {
    return i == 0 ? firstKey : (MapStateKey) more[2 * (i - 1)];
  }

  MapStateEntry entry(int i) {
    return i == 0 ? firstEntry : (MapStateEntry) more[2 * (i - 1) + 1];
  }

  /** The position of {@code key}, or -1. */
  int indexOf(MapStateKey key) {
    for (int i = 0; i < size; i++) {
      if (key(i).equals(key)) {
        return i;
      }
    }
    return -1;
  }

  void set(int i, MapStateEntry entry) {
    if (i == 0) {
      firstEntry = entry;
    } else {
      more[2 * (i - 1) + 1] = entry;
    }
  }

  void add(MapStateKey key, MapStateEntry entry) {
    if (size == 0) {
      firstKey = key;
      firstEntry = entry;
      size = 1;
      return;
    }
    int at = 2 * (size - 1);
    if (more == null) {
      more = new Object[4];
    } else if (at == more.length) {
      more = Arrays.copyOf(more, more.length * 2);
    }
    more[at] = key;
    more[at + 1] = entry;
    size++;
  }

  /** Removes the entry at {@code i}, keeping the order of the others. */
  void remove(int i) {
    if (i == 0) {
      if (size == 1) {
        firstKey = null;
        firstEntry = null;
        size = 0;
        return;
      }
      firstKey = (MapStateKey) more[0];
      firstEntry = (MapStateEntry) more[1];
      i = 1;
    }
    int from = 2 * (i - 1);
    int end = 2 * (size - 1);
    System.arraycopy(more, from + 2, more, from, end - from - 2);
    more[end - 2] = null;
    more[end - 1] = null;
    size--;
  }
}
