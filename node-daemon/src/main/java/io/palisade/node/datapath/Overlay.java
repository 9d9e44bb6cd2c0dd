package io.palisade.node.datapath;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * A large map with a few entries added under keys it lacks, without copying it: the node's pod
 * addresses ({@link IpcachePart#hosts}) with the local endpoints' own addresses that the ipcache
 * does not name yet. Two overlays of one base differ only in their extras, which is what {@link
 * MapDiff#since} compares. Neither map may change.
 */
final class Overlay<K, V> extends AbstractMap<K, V> {

  private final Map<K, V> base;
  private final Map<K, V> extras;

  /**
   * @param extras entries under keys {@code base} does not hold
   */
  Overlay(Map<K, V> base, Map<K, V> extras) {
    this.base = base;
    this.extras = extras;
  }

  Map<K, V> base() {
    return base;
  }

  Map<K, V> extras() {
    return extras;
  }

  @Override
  public V get(Object key) {
    V v = base.get(key);
    return v != null ? v : extras.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return base.containsKey(key) || extras.containsKey(key);
  }

  @Override
  public int size() {
    return base.size() + extras.size();
  }

  @Override
  public void forEach(BiConsumer<? super K, ? super V> action) {
    base.forEach(action);
    extras.forEach(action);
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<K, V>> iterator() {
        return Stream.concat(base.entrySet().stream(), extras.entrySet().stream()).iterator();
      }

      @Override
      public int size() {
        return Overlay.this.size();
      }
    };
  }
}
