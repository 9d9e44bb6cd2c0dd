package io.palisade.node.maps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** Encodes a map's keys and values to and from their C layouts. */
public interface MapCodec<K, V> {

  StructLayout keyLayout();

  StructLayout valueLayout();

  void writeKey(K key, MemorySegment out);

  K readKey(MemorySegment in);

  void writeValue(V value, MemorySegment out);

  V readValue(MemorySegment in);
}
