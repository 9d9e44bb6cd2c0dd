package io.palisade.policy.mapstate;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The keys of one (direction, peer identity) group of a {@link MapState}, in insertion order, in
 * one array. A group holds one or a few keys and is always scanned whole (shadowing and narrower
 * keys are prefix questions, not lookups), so a hash table per group only cost memory: at a
 * 30,000-pod cluster's 700,000 groups, about 200 bytes each against 50 here.
 */
final class KeyGroup extends AbstractMap<MapStateKey, MapStateEntry> {

  // Keys at even indexes, each followed by its entry.
  private Object[] slots = new Object[2];
  private int size;

  @Override
  public int size() {
    return size;
  }

  @Override
  public MapStateEntry get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : (MapStateEntry) slots[2 * i + 1];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public MapStateEntry put(MapStateKey key, MapStateEntry entry) {
    int i = indexOf(key);
    if (i >= 0) {
      MapStateEntry old = (MapStateEntry) slots[2 * i + 1];
      slots[2 * i + 1] = entry;
      return old;
    }
    if (2 * size == slots.length) {
      slots = Arrays.copyOf(slots, slots.length * 2);
    }
    slots[2 * size] = key;
    slots[2 * size + 1] = entry;
    size++;
    return null;
  }

  @Override
  public MapStateEntry remove(Object key) {
    int i = indexOf(key);
    if (i < 0) {
      return null;
    }
    MapStateEntry old = (MapStateEntry) slots[2 * i + 1];
    removeAt(i);
    return old;
  }

  private int indexOf(Object key) {
    for (int i = 0; i < size; i++) {
      if (slots[2 * i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private void removeAt(int i) {
    System.arraycopy(slots, 2 * i + 2, slots, 2 * i, 2 * (size - i - 1));
    size--;
    slots[2 * size] = null;
    slots[2 * size + 1] = null;
  }

  @Override
  public Set<Map.Entry<MapStateKey, MapStateEntry>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<MapStateKey, MapStateEntry>> iterator() {
        return new Iterator<>() {
          private int next;
          private boolean removable;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<MapStateKey, MapStateEntry> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            removable = true;
            int i = next++;
            return new SimpleImmutableEntry<>(
                (MapStateKey) slots[2 * i], (MapStateEntry) slots[2 * i + 1]);
          }

          @Override
          public void remove() {
            if (!removable) {
              throw new IllegalStateException();
            }
            removable = false;
            removeAt(--next);
          }
        };
      }
    };
  }
}
