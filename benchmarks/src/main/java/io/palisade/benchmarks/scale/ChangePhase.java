package io.palisade.benchmarks.scale;

import io.palisade.pipeline.inventory.ClusterInventory;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Runs policy changes one after the other and times each from the inventory put to the last ack of
 * the nodes that must enforce it. Warm-up changes are run and discarded first; a phase stops at its
 * count or its time budget, whichever comes first (a fifth of the budget for the warm-up).
 */
final class ChangePhase {

  static final Duration ACK_TIMEOUT = Duration.ofMinutes(5);

  private record Timing(PolicyChanges.Kind kind, long changeToAcks, long publish, int nodes) {}

  private final ClusterInventory inventory;
  private final AckWaiter waiter;
  private final Fleet fleet;
  private final PolicyChanges changes;
  private final PrintStream progress;

  ChangePhase(
      ClusterInventory inventory,
      AckWaiter waiter,
      Fleet fleet,
      PolicyChanges changes,
      PrintStream progress) {
    this.inventory = inventory;
    this.waiter = waiter;
    this.fleet = fleet;
    this.changes = changes;
    this.progress = progress;
  }

  PhaseResult run(Publication publication, int warmups, int count, Duration budget)
      throws InterruptedException {
    long start = System.nanoTime();
    int warmed = 0;
    while (warmed < Math.max(1, warmups) && elapsed(start) < budget.toNanos() / 5) {
      change(publication);
      warmed++;
    }
    Fleet.Traffic from = fleet.traffic();
    Samples toAcks = new Samples();
    Samples publish = new Samples();
    Samples nodes = new Samples();
    Map<PolicyChanges.Kind, PhaseResult.OfKind> kinds = new EnumMap<>(PolicyChanges.Kind.class);
    while (toAcks.count() < count && elapsed(start) < budget.toNanos()) {
      Timing t = change(publication);
      toAcks.add(t.changeToAcks());
      publish.add(t.publish());
      nodes.add(t.nodes());
      PhaseResult.OfKind ofKind = kinds.computeIfAbsent(t.kind(), k -> new PhaseResult.OfKind());
      ofKind.changeToAcks().add(t.changeToAcks());
      ofKind.publish().add(t.publish());
      if (toAcks.count() % 50 == 0 || t.changeToAcks() > 1_000_000_000L) {
        progress.printf(
            "  %s: %d/%d changes, last %.1f ms%n",
            publication.name(), toAcks.count(), count, t.changeToAcks() / 1e6);
      }
    }
    Fleet.Traffic to = fleet.traffic();
    Samples applies = new Samples();
    applies.addAll(to.applyNanos());
    return new PhaseResult(
        publication.name(),
        warmed,
        toAcks,
        publish,
        nodes,
        to.messages() - from.messages(),
        to.bytes() - from.bytes(),
        applies,
        kinds,
        toAcks.count() < count);
  }

  /** One change: put, publish, and wait for the nodes where the policy was or is to be enforced. */
  private Timing change(Publication publication) throws InterruptedException {
    PolicyChanges.Change change = changes.next();
    Set<String> nodes = new HashSet<>(publication.nodesOf().apply(change.ref()));
    long start = System.nanoTime();
    change.applyTo(inventory);
    long revision = publication.publish().getAsLong();
    long published = System.nanoTime();
    nodes.addAll(publication.nodesOf().apply(change.ref()));
    long acked = waiter.await(nodes, revision, ACK_TIMEOUT);
    return new Timing(change.kind(), acked - start, published - start, nodes.size());
  }

  private static long elapsed(long start) {
    return System.nanoTime() - start;
  }
}
