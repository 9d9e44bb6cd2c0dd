package io.palisade.node.bpf;

import io.palisade.node.maps.MapCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A second writer of one pinned map, as another process would be: its own descriptor from the pin
 * (bpf_obj_get), reading and writing behind the back of the datapath that holds the pins. Tests use
 * it to make drift that the datapath has to find and repair.
 */
public final class RogueWriter<K, V> implements AutoCloseable {

  private final BpfMap map;
  private final MapCodec<K, V> codec;

  private RogueWriter(BpfMap map, MapCodec<K, V> codec) {
    this.map = map;
    this.codec = codec;
  }

  /** Opens the map pinned at {@code pin}, whose layout {@code codec} describes. */
  public static <K, V> RogueWriter<K, V> open(Path pin, MapCodec<K, V> codec) {
    int fd;
    try (Arena arena = Arena.ofConfined()) {
      fd = (int) LibBpf.OBJ_GET.invokeExact(arena.allocateFrom(pin.toString()));
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
    BpfException.check("bpf_obj_get(" + pin + ")", fd);
    return new RogueWriter<>(
        new BpfMap(
            pin.getFileName().toString(),
            fd,
            codec.keyLayout().byteSize(),
            codec.valueLayout().byteSize(),
            false),
        codec);
  }

  public void put(K key, V value) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment k = arena.allocate(codec.keyLayout());
      MemorySegment v = arena.allocate(codec.valueLayout());
      codec.writeKey(key, k);
      codec.writeValue(value, v);
      map.update(k, v);
    }
  }

  /** The value of {@code key} in the kernel now. */
  public java.util.Optional<V> get(K key) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment k = arena.allocate(codec.keyLayout());
      MemorySegment v = arena.allocate(codec.valueLayout());
      codec.writeKey(key, k);
      return map.lookup(k, v)
          ? java.util.Optional.of(codec.readValue(v))
          : java.util.Optional.empty();
    }
  }

  /** Deletes {@code key}; false when it was not there. */
  public boolean delete(K key) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment k = arena.allocate(codec.keyLayout());
      codec.writeKey(key, k);
      return map.delete(k);
    }
  }

  @Override
  public void close() {
    Libc.close(map.fd());
  }
}
