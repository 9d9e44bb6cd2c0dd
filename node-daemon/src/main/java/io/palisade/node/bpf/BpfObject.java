package io.palisade.node.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A loaded BPF object file: its programs and maps, with the named maps pinned under one directory.
 * A map already pinned there is reused instead of created, which is what lets a restarted daemon
 * keep the state the programs enforce. Closing releases this process's references only; pins and tc
 * attachments outlive it.
 */
public final class BpfObject implements AutoCloseable {

  private final MemorySegment object;
  private final Map<String, BpfMap> maps = new HashMap<>();
  private boolean closed;

  private BpfObject(MemorySegment object) {
    this.object = object;
  }

  /**
   * Opens {@code file}, points each of {@code pinnedMaps} at {@code pinRoot/<name>} (reusing a
   * compatible pinned map, pinning a new one otherwise) and loads everything into the kernel.
   */
  public static BpfObject load(Path file, Path pinRoot, Collection<String> pinnedMaps) {
    return load(file, pinRoot, pinnedMaps, Map.of());
  }

  /**
   * As {@link #load(Path, Path, Collection)}, creating each map of {@code shapes} with that shape
   * instead of the one compiled into the object. A map already pinned keeps its own shape, since
   * the kernel reuses a pinned map only when the shapes agree and its entries are the state being
   * enforced; {@link #shape} tells which shape each map got.
   */
  public static BpfObject load(
      Path file, Path pinRoot, Collection<String> pinnedMaps, Map<String, MapShape> shapes) {
    MemorySegment obj;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      obj =
          (MemorySegment)
              LibBpf.OBJECT_OPEN_FILE.invokeExact(
                  state, arena.allocateFrom(file.toString()), MemorySegment.NULL);
      if (obj.equals(MemorySegment.NULL)) {
        throw new BpfException("bpf_object__open_file(" + file + ")", Native.errno(state));
      }
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
    BpfObject bo = new BpfObject(obj);
    try (Arena arena = Arena.ofConfined()) {
      for (String name : pinnedMaps) {
        MemorySegment map = bo.findMap(name);
        String path = pinRoot.resolve(name).toString();
        BpfException.check(
            "bpf_map__set_pin_path(" + name + ")",
            (int) LibBpf.MAP_SET_PIN_PATH.invokeExact(map, arena.allocateFrom(path)));
      }
      for (var e : shapes.entrySet()) {
        Path pin = pinRoot.resolve(e.getKey());
        MapShape shape =
            pinnedMaps.contains(e.getKey()) && Files.exists(pin) ? pinnedShape(pin) : e.getValue();
        bo.reshape(e.getKey(), shape);
      }
      BpfException.check(
          "bpf_object__load(" + file + ")", (int) LibBpf.OBJECT_LOAD.invokeExact(obj));
      return bo;
    } catch (Throwable t) {
      bo.close();
      throw Native.rethrow(t);
    }
  }

  private void reshape(String name, MapShape shape) throws Throwable {
    MemorySegment map = findMap(name);
    BpfException.check(
        "bpf_map__set_max_entries(" + name + ", " + shape.maxEntries() + ")",
        (int) LibBpf.MAP_SET_MAX_ENTRIES.invokeExact(map, shape.maxEntries()));
    // Only the flag a shape speaks for is changed; the object's other flags stay as compiled.
    int flags = (int) LibBpf.MAP_MAP_FLAGS.invokeExact(map);
    flags = (flags & ~MapShape.NO_PREALLOC) | shape.flags();
    BpfException.check(
        "bpf_map__set_map_flags(" + name + ")",
        (int) LibBpf.MAP_SET_MAP_FLAGS.invokeExact(map, flags));
  }

  /** The shape of the map pinned at {@code pin}, as the kernel reports it. */
  static MapShape pinnedShape(Path pin) {
    try (Arena arena = Arena.ofConfined()) {
      int fd =
          BpfException.check(
              "bpf_obj_get(" + pin + ")",
              (int) LibBpf.OBJ_GET.invokeExact(arena.allocateFrom(pin.toString())));
      try {
        MemorySegment info = arena.allocate(LibBpf.MAP_INFO_HEAD);
        MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, (int) info.byteSize());
        BpfException.check(
            "bpf_obj_get_info_by_fd(" + pin + ")",
            (int) LibBpf.OBJ_GET_INFO_BY_FD.invokeExact(fd, info, len));
        return new MapShape(
            LibBpf.getInt(info, LibBpf.MAP_INFO_HEAD, "max_entries"),
            LibBpf.getInt(info, LibBpf.MAP_INFO_HEAD, "map_flags") & MapShape.NO_PREALLOC);
      } finally {
        Libc.close(fd);
      }
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** The shape map {@code name} was created with, or found pinned with. */
  public MapShape shape(String name) {
    try {
      MemorySegment map = findMap(name);
      int max = (int) LibBpf.MAP_MAX_ENTRIES.invokeExact(map);
      int flags = (int) LibBpf.MAP_MAP_FLAGS.invokeExact(map);
      return new MapShape(max, flags & MapShape.NO_PREALLOC);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  private MemorySegment findMap(String name) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      MemorySegment map =
          (MemorySegment) LibBpf.FIND_MAP.invokeExact(state, object, arena.allocateFrom(name));
      if (map.equals(MemorySegment.NULL)) {
        throw new BpfException("no map " + name + " in object", Native.errno(state));
      }
      return map;
    }
  }

  /** The map {@code name}, described by its key and value sizes. */
  public synchronized BpfMap map(String name, long keySize, long valueSize, boolean perCpu) {
    return maps.computeIfAbsent(
        name,
        n -> {
          try {
            int fd = (int) LibBpf.MAP_FD.invokeExact(findMap(n));
            BpfException.check("bpf_map__fd(" + n + ")", fd);
            return new BpfMap(n, fd, keySize, valueSize, perCpu);
          } catch (Throwable t) {
            throw Native.rethrow(t);
          }
        });
  }

  /** The file descriptor of program {@code name}, owned by this object. */
  public int programFd(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      MemorySegment prog =
          (MemorySegment) LibBpf.FIND_PROGRAM.invokeExact(state, object, arena.allocateFrom(name));
      if (prog.equals(MemorySegment.NULL)) {
        throw new BpfException("no program " + name + " in object", Native.errno(state));
      }
      return BpfException.check(
          "bpf_program__fd(" + name + ")", (int) LibBpf.PROGRAM_FD.invokeExact(prog));
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** The number of possible CPUs, the multiplier of per-CPU map values. */
  public static int possibleCpus() {
    try {
      return BpfException.check(
          "libbpf_num_possible_cpus", (int) LibBpf.NUM_POSSIBLE_CPUS.invokeExact());
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      LibBpf.OBJECT_CLOSE.invokeExact(object);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }
}
