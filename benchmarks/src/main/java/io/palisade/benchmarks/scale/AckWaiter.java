package io.palisade.benchmarks.scale;

import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.pipeline.NodeStateApplier;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Waits until each node of a set holds a revision, told by the store's acks rather than by polling,
 * and notes the instant the last of them acked it.
 */
final class AckWaiter implements NodeStateApplier.Listener {

  private final NodeStateStore store;
  private final Set<String> pending = new HashSet<>();
  private long target = Long.MAX_VALUE;
  private long completedAt;

  AckWaiter(NodeStateStore store) {
    this.store = store;
    store.addListener(this);
  }

  /**
   * Blocks until every one of {@code nodes} holds {@code revision} or a later one; returns the
   * {@link System#nanoTime} of the ack that completed the set (now, when they all held it already).
   *
   * @throws IllegalStateException when some node has not got there within {@code timeout}
   */
  synchronized long await(Collection<String> nodes, long revision, Duration timeout)
      throws InterruptedException {
    pending.clear();
    target = revision;
    // An ack that came before this point is in the store already; a later one calls acked().
    for (String node : nodes) {
      if (store.effectiveRevision(node) < revision) {
        pending.add(node);
      }
    }
    completedAt = System.nanoTime();
    long deadline = completedAt + timeout.toNanos();
    while (!pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        List<String> some = pending.stream().sorted().limit(5).toList();
        throw new IllegalStateException(
            pending.size()
                + " nodes did not ack revision "
                + revision
                + " in "
                + timeout
                + ": "
                + some);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return completedAt;
  }

  @Override
  public synchronized void acked(String node, long revision) {
    // The store's view, not the acked number: a node whose own state did not change at the target
    // holds it once it acks its own last change.
    if (pending.contains(node) && store.effectiveRevision(node) >= target) {
      pending.remove(node);
      if (pending.isEmpty()) {
        completedAt = System.nanoTime();
        notifyAll();
      }
    }
  }
}
