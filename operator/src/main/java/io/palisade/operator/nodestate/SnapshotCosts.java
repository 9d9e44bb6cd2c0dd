package io.palisade.operator.nodestate;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * What the snapshots sent so far cost the operator: how many were made and sent, the time its
 * senders spent making them and handing them to gRPC (which encodes each on the sender's thread),
 * and when the last one was handed over. Any thread may record; readers get a consistent enough sum
 * for a report, not a transaction.
 */
public final class SnapshotCosts {

  /**
   * The totals so far.
   *
   * @param made snapshots made, sent or not (one made while the gate is full is thrown away)
   * @param sent snapshots handed to gRPC
   * @param busy the senders' time making and handing over snapshots, all threads added up
   * @param lastSentAt the {@link System#nanoTime} the last one was handed over; 0 for none
   */
  public record Totals(long made, long sent, Duration busy, long lastSentAt) {}

  private final AtomicLong made = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong busyNanos = new AtomicLong();
  private final LongAccumulator lastSentAt = new LongAccumulator(Math::max, 0);

  void made(long nanos) {
    made.incrementAndGet();
    busyNanos.addAndGet(nanos);
  }

  void sent(long nanos) {
    made.incrementAndGet();
    sent.incrementAndGet();
    busyNanos.addAndGet(nanos);
    lastSentAt.accumulate(System.nanoTime());
  }

  public Totals totals() {
    return new Totals(made.get(), sent.get(), Duration.ofNanos(busyNanos.get()), lastSentAt.get());
  }
}
