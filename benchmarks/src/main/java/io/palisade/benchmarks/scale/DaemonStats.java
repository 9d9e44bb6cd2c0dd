package io.palisade.benchmarks.scale;

import java.util.concurrent.atomic.LongAdder;

/** What all daemons of a fleet received and sent, and their apply times since the last drain. */
final class DaemonStats {

  private final LongAdder messages = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder acks = new LongAdder();
  private long[] applyNanos = new long[1024];
  private int applies;

  void received(long wireBytes) {
    messages.increment();
    bytes.add(Math.max(0, wireBytes));
  }

  void sent() {
    acks.increment();
  }

  synchronized void applied(long nanos) {
    if (applies == applyNanos.length) {
      applyNanos = java.util.Arrays.copyOf(applyNanos, applies * 2);
    }
    applyNanos[applies++] = nanos;
  }

  synchronized Fleet.Traffic drain() {
    long[] out = java.util.Arrays.copyOf(applyNanos, applies);
    applies = 0;
    return new Fleet.Traffic(messages.sum(), bytes.sum(), acks.sum(), out);
  }
}
