package io.palisade.node.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.BiConsumer;

/**
 * One kernel map by file descriptor, with raw key and value bytes. Single and batch updates,
 * lookups, deletes, and a full walk by next-key (the one dump every map type supports). The file
 * descriptor belongs to the {@link BpfObject} it came from.
 */
public final class BpfMap {

  /** Update flags of {@code bpf_map_update_elem}. */
  public static final long ANY = 0;

  private final String name;
  private final int fd;
  private final long keySize;
  private final long valueSize;
  private final boolean perCpu;

  BpfMap(String name, int fd, long keySize, long valueSize, boolean perCpu) {
    this.name = name;
    this.fd = fd;
    this.keySize = keySize;
    this.valueSize = valueSize;
    this.perCpu = perCpu;
  }

  public String name() {
    return name;
  }

  public int fd() {
    return fd;
  }

  public long keySize() {
    return keySize;
  }

  /** The bytes one lookup writes: the value size, times the CPU count for per-CPU maps. */
  public long valueBufferSize() {
    return perCpu ? valueSize * BpfObject.possibleCpus() : valueSize;
  }

  public void update(MemorySegment key, MemorySegment value) {
    try {
      BpfException.check(
          "update " + name, (int) LibBpf.MAP_UPDATE.invokeExact(fd, key, value, ANY));
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Reads the value of {@code key} into {@code value}; false when the key is absent. */
  public boolean lookup(MemorySegment key, MemorySegment value) {
    try {
      int rc = (int) LibBpf.MAP_LOOKUP.invokeExact(fd, key, value);
      if (rc == -Errno.ENOENT) {
        return false;
      }
      BpfException.check("lookup " + name, rc);
      return true;
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Deletes {@code key}; false when it was absent. */
  public boolean delete(MemorySegment key) {
    try {
      int rc = (int) LibBpf.MAP_DELETE.invokeExact(fd, key);
      if (rc == -Errno.ENOENT) {
        return false;
      }
      BpfException.check("delete " + name, rc);
      return true;
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /**
   * Writes {@code count} consecutive keys and values in one system call where the map type allows
   * it (hash maps), one by one otherwise (the LPM trie has no batch operations).
   */
  public void updateBatch(MemorySegment keys, MemorySegment values, int count) {
    if (count == 0) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment n = arena.allocate(Native.C_INT);
      n.set(Native.C_INT, 0, count);
      MemorySegment opts = LibBpf.opts(arena, LibBpf.BATCH_OPTS);
      int rc = (int) LibBpf.MAP_UPDATE_BATCH.invokeExact(fd, keys, values, n, opts);
      if (rc == -Errno.EINVAL || rc == -Errno.ENOTSUP || rc == -Errno.ENOTSUPP) {
        int done = n.get(Native.C_INT, 0);
        for (int i = Math.max(0, done); i < count; i++) {
          update(keys.asSlice(i * keySize, keySize), values.asSlice(i * valueSize, valueSize));
        }
        return;
      }
      BpfException.check("update batch " + name, rc);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Deletes {@code count} consecutive keys, in one call where the map type allows it. */
  public void deleteBatch(MemorySegment keys, int count) {
    if (count == 0) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment n = arena.allocate(Native.C_INT);
      n.set(Native.C_INT, 0, count);
      MemorySegment opts = LibBpf.opts(arena, LibBpf.BATCH_OPTS);
      int rc = (int) LibBpf.MAP_DELETE_BATCH.invokeExact(fd, keys, n, opts);
      if (rc == -Errno.EINVAL
          || rc == -Errno.ENOTSUP
          || rc == -Errno.ENOTSUPP
          || rc == -Errno.ENOENT) {
        // Fall back key by key: unsupported type, or a key already gone (ENOENT stops a batch).
        for (int i = 0; i < count; i++) {
          delete(keys.asSlice(i * keySize, keySize));
        }
        return;
      }
      BpfException.check("delete batch " + name, rc);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Calls {@code visitor} with every key and value; the segments are reused between calls. */
  public void forEach(BiConsumer<MemorySegment, MemorySegment> visitor) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(keySize);
      MemorySegment next = arena.allocate(keySize);
      MemorySegment value = arena.allocate(valueBufferSize());
      MemorySegment previous = MemorySegment.NULL;
      while (true) {
        int rc = (int) LibBpf.MAP_NEXT_KEY.invokeExact(fd, previous, next);
        if (rc == -Errno.ENOENT) {
          return;
        }
        BpfException.check("next key " + name, rc);
        key.copyFrom(next);
        previous = key;
        if (lookup(key, value)) {
          visitor.accept(key, value);
        }
      }
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** The number of entries, by walking the map. */
  public int count() {
    int[] n = {0};
    forEach((k, v) -> n[0]++);
    return n[0];
  }
}
