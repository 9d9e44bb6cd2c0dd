package io.palisade.operator.inventory;

import io.palisade.operator.model.DesiredState;
import io.palisade.operator.model.NodeStateComputer;
import io.palisade.operator.model.PolicyRef;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.status.Enforcement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Inventory in, node state out: computes the desired state of the inventory's current version,
 * publishes it as a revision, and remembers which revision first carried each policy generation, so
 * that acks can say how far a generation is enforced.
 */
public final class Pipeline {

  private record Applied(long generation, long revision) {}

  private final ClusterInventory inventory;
  private final NodeStateComputer computer;
  private final NodeStateStore store;
  private final Map<PolicyRef, Applied> applied = new HashMap<>();
  private long computedVersion = -1;

  public Pipeline(ClusterInventory inventory, NodeStateComputer computer, NodeStateStore store) {
    this.inventory = inventory;
    this.computer = computer;
    this.store = store;
  }

  public ClusterInventory inventory() {
    return inventory;
  }

  public NodeStateStore store() {
    return store;
  }

  /**
   * Computes and publishes the inventory if it changed since the last run; returns the revision.
   */
  public synchronized long run() {
    if (inventory.version() == computedVersion) {
      return store.revision(); // Nothing new: no copy of the inventory, no computation.
    }
    ClusterInventory.Snapshot s = inventory.snapshot();
    DesiredState desired = computer.compute(s.cluster());
    long revision = store.publish(desired);
    applied.keySet().retainAll(s.generations().keySet());
    s.generations()
        .forEach(
            (ref, generation) -> {
              Applied a = applied.get(ref);
              if (a == null || a.generation() != generation) {
                applied.put(ref, new Applied(generation, revision));
              }
            });
    computedVersion = s.version();
    return revision;
  }

  /** The policies that must be enforced on {@code node}. */
  public List<PolicyRef> policiesOn(String node) {
    List<PolicyRef> out = new ArrayList<>();
    store
        .desired()
        .policyNodes()
        .forEach(
            (ref, nodes) -> {
              if (nodes.contains(node)) {
                out.add(ref);
              }
            });
    return out;
  }

  /**
   * How far generation {@code generation} of {@code policy} is enforced; empty until the pipeline
   * has published it.
   */
  public synchronized Optional<Enforcement> enforcement(PolicyRef policy, long generation) {
    Applied a = applied.get(policy);
    if (a == null || a.generation() != generation) {
      return Optional.empty();
    }
    Set<String> nodes = store.desired().nodesOf(policy);
    List<String> failures = new ArrayList<>();
    for (String node : new TreeSet<>(nodes)) {
      store
          .status(node)
          .filter(s -> !s.lastError().isEmpty() && store.effectiveRevision(node) < a.revision())
          .ifPresent(s -> failures.add(node + ": " + s.lastError()));
    }
    return Optional.of(
        new Enforcement(
            nodes.size(), store.enforcedCount(nodes, a.revision()), a.revision(), failures));
  }
}
