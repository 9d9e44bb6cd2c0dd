package io.palisade.node.datapath;

import io.palisade.node.bpf.MapShape;
import io.palisade.node.maps.Layouts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shapes of the state maps for a desired state: each hash map sized to what it must hold plus
 * headroom, instead of the object's compiled-in maximum. A hash map's bucket array has {@code
 * max_entries} rounded up to a power of two buckets of 16 bytes, allocated whatever the map holds
 * (16 MiB for the ipcache's 2^20, 32 MiB for the policy hash's 2^21) and mapped in 4 KiB pages, so
 * every lookup in a map far larger than its contents lands on a page of its own; at 100k entries
 * the sized bucket arrays are 2 MiB each. LPM tries allocate per entry and keep their maximum.
 */
public final class DatapathShapes {

  /** The shapes of the state maps as compiled into {@code palisade.bpf.o} ({@code palisade.h}). */
  public static final Map<String, MapShape> COMPILED =
      Map.of(
          MapNames.IPCACHE, new MapShape(Layouts.IPCACHE_MAX, MapShape.NO_PREALLOC),
          MapNames.IPCACHE_LPM, new MapShape(Layouts.IPCACHE_MAX, MapShape.NO_PREALLOC),
          MapNames.ENDPOINTS, new MapShape(Layouts.ENDPOINTS_MAX, 0),
          MapNames.POLICY, new MapShape(Layouts.POLICY_MAX, MapShape.NO_PREALLOC),
          MapNames.POLICY_EXACT, new MapShape(Layouts.POLICY_MAX, MapShape.NO_PREALLOC),
          MapNames.SERVICES, new MapShape(Layouts.SERVICES_MAX, MapShape.NO_PREALLOC),
          MapNames.BACKENDS, new MapShape(Layouts.BACKENDS_MAX, MapShape.NO_PREALLOC));

  /** The hash maps a shape is chosen for. */
  static final List<String> SIZED =
      List.of(
          MapNames.IPCACHE,
          MapNames.ENDPOINTS,
          MapNames.POLICY_EXACT,
          MapNames.SERVICES,
          MapNames.BACKENDS);

  /**
   * The fewest entries a sized map gets: its bucket array (16 KiB) still comes from kmalloc, and a
   * small state can grow by a thousand entries before the maps must be made again.
   */
  static final int MIN_ENTRIES = 1024;

  private DatapathShapes() {}

  /**
   * A shape for each hash map of {@code want}: at least a quarter more than it holds, rounded up to
   * the power of two the kernel gives its bucket array anyway, never under {@link #MIN_ENTRIES} nor
   * over the compiled maximum. The flags stay as compiled: the ipcache and policy hashes allocate
   * on insert (from kmalloc, in the kernel's large pages), the endpoints map is preallocated.
   */
  public static Map<String, MapShape> forContents(MapContents want) {
    Map<String, MapShape> out = new LinkedHashMap<>();
    for (String name : SIZED) {
      MapShape compiled = COMPILED.get(name);
      long need = (long) entries(want, name) * 5 / 4 + 1;
      long sized = Math.max(MIN_ENTRIES, Long.highestOneBit(need - 1) << 1);
      out.put(name, new MapShape((int) Math.min(sized, compiled.maxEntries()), compiled.flags()));
    }
    return out;
  }

  /** As {@link #forContents}, for a desired state (interfaces do not change a map's size). */
  public static Map<String, MapShape> forState(DatapathState desired) {
    return forContents(MapContents.of(desired, name -> 0));
  }

  /**
   * The maps of {@code want} that hold more entries than {@code shapes} allow, all named in one
   * message, or empty when everything fits.
   */
  public static Optional<String> overflow(MapContents want, Map<String, MapShape> shapes) {
    List<String> over = new ArrayList<>();
    for (String name : MapNames.STATE) {
      MapShape shape = shapes.get(name);
      int n = entries(want, name);
      if (shape != null && n > shape.maxEntries()) {
        over.add(name + " holds at most " + shape.maxEntries() + " entries, the state has " + n);
      }
    }
    return over.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", over));
  }

  static int entries(MapContents want, String name) {
    return switch (name) {
      case MapNames.IPCACHE -> want.hosts().size();
      case MapNames.IPCACHE_LPM -> want.cidrs().size();
      case MapNames.ENDPOINTS -> want.endpoints().size();
      case MapNames.POLICY -> want.policy().size();
      case MapNames.POLICY_EXACT -> want.policyExact().size();
      case MapNames.SERVICES -> want.services().size();
      case MapNames.BACKENDS -> want.backends().size();
      default -> throw new IllegalArgumentException("no state map " + name);
    };
  }
}
