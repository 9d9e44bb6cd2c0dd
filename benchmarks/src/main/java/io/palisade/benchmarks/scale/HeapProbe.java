package io.palisade.benchmarks.scale;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap in use after full collections, marked after each structure is built, so that the difference
 * between two marks is what the structure built between them retains.
 */
final class HeapProbe {

  /** The heap in use after {@code what} was built. */
  record Mark(String what, long usedBytes) {}

  private final List<Mark> marks = new ArrayList<>();

  Mark mark(String what) {
    Mark m = new Mark(what, usedAfterGc());
    marks.add(m);
    return m;
  }

  List<Mark> marks() {
    return List.copyOf(marks);
  }

  /** Several collections: one may leave what a finalizer or reference queue frees only later. */
  static long usedAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
