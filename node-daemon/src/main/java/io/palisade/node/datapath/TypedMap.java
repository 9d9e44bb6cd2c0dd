package io.palisade.node.datapath;

import io.palisade.node.bpf.BpfMap;
import io.palisade.node.maps.MapCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * A kernel map seen through its codec, with an in-memory copy of what it holds so that each apply
 * writes only the difference. The copy is read from the kernel when the map is opened, which is how
 * a restarted daemon picks up pinned state, and again on {@link #reload}, which is how drift is
 * found.
 */
final class TypedMap<K, V> {

  private final BpfMap map;
  private final MapCodec<K, V> codec;
  private final Map<K, V> contents = new HashMap<>();

  TypedMap(BpfMap map, MapCodec<K, V> codec) {
    this.map = map;
    this.codec = codec;
    reload();
  }

  /**
   * Reads the copy again from the kernel, so that the next diff sees what another writer did to the
   * map behind this one's back.
   */
  void reload() {
    contents.clear();
    map.forEach((k, v) -> contents.put(codec.readKey(k), codec.readValue(v)));
  }

  Map<K, V> contents() {
    return Map.copyOf(contents);
  }

  /** The copy itself, read-only: it changes with the next {@link #apply} or {@link #reload}. */
  Map<K, V> view() {
    return Collections.unmodifiableMap(contents);
  }

  int size() {
    return contents.size();
  }

  /** Writes the upserts (in one batch where the map type allows) then the deletes. */
  void apply(MapDiff<K, V> diff) {
    long ks = codec.keyLayout().byteSize();
    long vs = codec.valueLayout().byteSize();
    try (Arena arena = Arena.ofConfined()) {
      int n = diff.upserts().size();
      if (n > 0) {
        MemorySegment keys = arena.allocate(ks * n, 8);
        MemorySegment values = arena.allocate(vs * n, 8);
        int i = 0;
        for (Map.Entry<K, V> e : diff.upserts().entrySet()) {
          codec.writeKey(e.getKey(), keys.asSlice(i * ks, ks));
          codec.writeValue(e.getValue(), values.asSlice(i * vs, vs));
          i++;
        }
        map.updateBatch(keys, values, n);
        contents.putAll(diff.upserts());
      }
      int d = diff.deletes().size();
      if (d > 0) {
        MemorySegment keys = arena.allocate(ks * d, 8);
        int i = 0;
        for (K k : diff.deletes()) {
          codec.writeKey(k, keys.asSlice(i++ * ks, ks));
        }
        map.deleteBatch(keys, d);
        diff.deletes().forEach(contents::remove);
      }
    }
  }
}
