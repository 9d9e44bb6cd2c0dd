package io.palisade.node.datapath;

import io.palisade.node.bpf.BpfMap;
import io.palisade.node.maps.Layouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the conntrack entries whose lifetime has passed, as Cilium's conntrack garbage collector
 * does. The programs already treat an expired entry as absent, but the LRU map does not know it:
 * while expired entries fill {@code pal_ct}, every new flow makes the LRU evict one, which costs
 * the new flow a second bucket and list update (about 150 ns at 100k entries, see the verdict
 * benchmark); once they are deleted, inserts take free entries.
 */
public final class ConntrackCollector {

  private static final long EXPIRES = Layouts.offset(Layouts.CT_VALUE, "expires_ns");

  private final BpfMap ct;

  ConntrackCollector(BpfMap ct) {
    if (ct.keySize() != Layouts.CT_KEY.byteSize()) {
      throw new IllegalArgumentException(
          ct.name() + ": key size " + ct.keySize() + ", expected " + Layouts.CT_KEY.byteSize());
    }
    this.ct = ct;
  }

  /**
   * Deletes every entry that expired at or before {@code nowNanos}, a time on the programs' clock
   * ({@code bpf_ktime_get_ns}, CLOCK_MONOTONIC, which {@link System#nanoTime()} reads on Linux).
   *
   * @return how many entries were deleted
   */
  public int collect(long nowNanos) {
    List<MemorySegment> expired = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      ct.forEach(
          (key, value) -> {
            if (expired(value, nowNanos)) {
              expired.add(arena.allocate(key.byteSize()).copyFrom(key));
            }
          });
      MemorySegment value = arena.allocate(ct.valueBufferSize());
      int deleted = 0;
      for (MemorySegment key : expired) {
        // Read again just before deleting: a packet may have made a new entry under the same key
        // since the walk, and that one is live. (The window between this read and the delete
        // remains; losing an entry there costs the flow a new policy decision, never a pass.)
        if (ct.lookup(key, value) && expired(value, nowNanos) && ct.delete(key)) {
          deleted++;
        }
      }
      return deleted;
    }
  }

  private static boolean expired(MemorySegment value, long nowNanos) {
    // The programs keep an entry while expires_ns > now; unsigned, as bpf_ktime_get_ns is.
    return Long.compareUnsigned(value.get(ValueLayout.JAVA_LONG_UNALIGNED, EXPIRES), nowNanos) <= 0;
  }
}
