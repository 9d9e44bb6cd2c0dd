package io.palisade.node.bpf;

/**
 * The size and creation flags of one BPF map, set before the object is loaded. A hash map's bucket
 * array is sized by {@code maxEntries} (rounded up to a power of two) whatever it holds, so a map
 * sized to its contents keeps a lookup's memory, and the TLB entries that map it, small.
 *
 * @param maxEntries the most entries the map holds, 1 to 2^31 - 1
 * @param flags {@code BPF_F_*} creation flags; only {@link #NO_PREALLOC} is set by Palisade
 */
public record MapShape(int maxEntries, int flags) {

  /** {@code BPF_F_NO_PREALLOC}: elements are allocated on insert instead of all at creation. */
  public static final int NO_PREALLOC = 1;

  public MapShape {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries: " + maxEntries + " is not at least 1");
    }
    if ((flags & ~NO_PREALLOC) != 0) {
      throw new IllegalArgumentException(
          "flags: 0x" + Integer.toHexString(flags) + " has bits other than BPF_F_NO_PREALLOC");
    }
  }

  /** Whether elements are allocated on insert. */
  public boolean noPrealloc() {
    return (flags & NO_PREALLOC) != 0;
  }

  @Override
  public String toString() {
    return maxEntries + (noPrealloc() ? " entries, no prealloc" : " entries, preallocated");
  }
}
