package io.palisade.operator.nodestate;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.SequencedSet;
import java.util.function.LongSupplier;

/**
 * Bounds how many nodes are taking a snapshot at once, from its sending until the node's ack, so
 * that a thousand daemons connecting together are synced a few at a time at full speed instead of
 * all at once at a crawl (two cores, and every snapshot's buffers held together). A node refused a
 * place is woken, in the order it asked, when one frees; deltas never wait here. A node that holds
 * its place longer than the lease (a stuck daemon that never acks) loses it to the next, so that a
 * few stuck daemons cannot stop everyone's sync.
 */
final class SnapshotGate {

  /** Snapshots in flight at once unless said otherwise. */
  static final int DEFAULT_PERMITS = 32;

  static final Duration LEASE = Duration.ofSeconds(10);

  private final int permits;
  private final long leaseNanos;
  private final LongSupplier clock;
  // Holders in the order they entered, with when: the first is the first whose lease runs out.
  private final Map<Runnable, Long> holders = new LinkedHashMap<>();
  private final SequencedSet<Runnable> waiting = new LinkedHashSet<>();

  SnapshotGate(int permits) {
    this(permits, LEASE, System::nanoTime);
  }

  SnapshotGate(int permits, Duration lease, LongSupplier clock) {
    if (permits < 1) {
      throw new IllegalArgumentException("snapshots in flight: " + permits + " (at least 1)");
    }
    this.permits = permits;
    this.leaseNanos = lease.toNanos();
    this.clock = clock;
  }

  /**
   * Takes a place for {@code holder} (true), or queues it to run once one frees (false). A holder
   * that already has a place keeps it.
   */
  synchronized boolean enter(Runnable holder) {
    long now = clock.getAsLong();
    if (holders.containsKey(holder)) {
      return true;
    }
    Iterator<Map.Entry<Runnable, Long>> oldest = holders.entrySet().iterator();
    while (holders.size() >= permits && oldest.hasNext()) {
      if (now - oldest.next().getValue() < leaseNanos) {
        break;
      }
      oldest.remove();
    }
    if (holders.size() < permits) {
      holders.put(holder, now);
      waiting.remove(holder);
      return true;
    }
    waiting.add(holder);
    return false;
  }

  /**
   * Gives {@code holder}'s place back (nothing if it has none, or lost it to its lease) and wakes
   * the longest waiting node, if any; a node that left while waiting is not woken.
   */
  void leave(Runnable holder) {
    Runnable next = null;
    synchronized (this) {
      waiting.remove(holder);
      if (holders.remove(holder) != null && !waiting.isEmpty()) {
        next = waiting.removeFirst();
      }
    }
    if (next != null) {
      next.run();
    }
  }

  synchronized int inFlight() {
    return holders.size();
  }
}
