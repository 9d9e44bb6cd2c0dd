package io.palisade.policy.mapstate;

import java.util.Arrays;

/**
 * The entries of one (direction, peer identity) group of a MapState, as two parallel arrays. Groups
 * hold a handful of keys (one per port rule that reaches the peer), so a linear scan finds a key as
 * fast as hashing would, and the arrays take a tenth of the memory of a map: a full resolution
 * keeps over a million entries, and their allocation and garbage collection were most of its cost.
 * Not thread-safe: its MapState's owner writes it.
 */
final class KeyGroup {

  private MapStateKey[] keys;
  private MapStateEntry[] entries;
  private int size;

  KeyGroup(MapStateKey key, MapStateEntry entry) {
    keys = new MapStateKey[] {key};
    entries = new MapStateEntry[] {entry};
    size = 1;
  }

  int size() {
    return size;
  }

  MapStateKey key(int i) {
    return keys[i];
  }

  MapStateEntry entry(int i) {
    return entries[i];
  }

  /** The position of {@code key}, or -1. */
  int indexOf(MapStateKey key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  void set(int i, MapStateEntry entry) {
    entries[i] = entry;
  }

  void add(MapStateKey key, MapStateEntry entry) {
    if (size == keys.length) {
      int grown = size < 4 ? 4 : size * 2;
      keys = Arrays.copyOf(keys, grown);
      entries = Arrays.copyOf(entries, grown);
    }
    keys[size] = key;
    entries[size] = entry;
    size++;
  }

  /** Removes the entry at {@code i}, keeping the order of the others. */
  void remove(int i) {
    size--;
    System.arraycopy(keys, i + 1, keys, i, size - i);
    System.arraycopy(entries, i + 1, entries, i, size - i);
    keys[size] = null;
    entries[size] = null;
  }
}
