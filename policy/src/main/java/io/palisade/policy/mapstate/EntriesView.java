package io.palisade.policy.mapstate;

import com.carrotsearch.hppc.LongObjectHashMap;
import com.carrotsearch.hppc.cursors.LongObjectCursor;
import io.palisade.policy.Direction;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The entries of a MapState at one moment, as an immutable map over the MapState's own groups: a
 * node's desired state holds every identity's policy, and a copy of each beside the engine's was a
 * tenth of the operator's heap at Cilium's 1,000-node scale. The MapState copies its storage before
 * its next write ({@link MapState#snapshotEntries}), so these groups never change.
 */
final class EntriesView extends AbstractMap<MapStateKey, MapStateEntry> {

  private final LongObjectHashMap<Object> ingress;
  private final LongObjectHashMap<Object> egress;
  private final int size;

  EntriesView(LongObjectHashMap<Object> ingress, LongObjectHashMap<Object> egress, int size) {
    this.ingress = ingress;
    this.egress = egress;
    this.size = size;
  }

  @Override
  public MapStateEntry get(Object o) {
    if (!(o instanceof MapStateKey key)) {
      return null;
    }
    Object slot = (key.direction() == Direction.INGRESS ? ingress : egress).get(key.identity());
    if (slot == null) {
      return null;
    }
    MapStateKey shape = key.withIdentity(MapStateKey.ANY_IDENTITY);
    if (slot instanceof MapStateKey) {
      return shape.equals(slot) ? MapStateEntry.ALLOW : null;
    }
    if (slot instanceof KeyGroup group) {
      int at = group.indexOf(shape);
      return at < 0 ? null : group.entry(at);
    }
    return null;
  }

  @Override
  public boolean containsKey(Object o) {
    return get(o) != null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Map.Entry<MapStateKey, MapStateEntry>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<MapStateKey, MapStateEntry>> iterator() {
        return Collections.unmodifiableList(entries()).iterator();
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private List<Map.Entry<MapStateKey, MapStateEntry>> entries() {
    List<Map.Entry<MapStateKey, MapStateEntry>> out = new ArrayList<>(size);
    for (LongObjectHashMap<Object> byIdentity : List.of(ingress, egress)) {
      for (LongObjectCursor<Object> c : byIdentity) {
        if (c.value instanceof KeyGroup group) {
          for (int i = 0; i < group.size(); i++) {
            out.add(
                new SimpleImmutableEntry<>(MapState.keyOf(group.key(i), c.key), group.entry(i)));
          }
        } else {
          out.add(
              new SimpleImmutableEntry<>(
                  MapState.keyOf((MapStateKey) c.value, c.key), MapStateEntry.ALLOW));
        }
      }
    }
    return out;
  }
}
