package io.palisade.operator.inventory;

import io.palisade.operator.model.ClusterSnapshot;
import io.palisade.operator.model.PolicyRef;
import io.palisade.operator.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.rules.PolicyRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The objects the pipeline works from, as the watches last saw them: namespaces, workloads, and
 * every policy generation with its validation. Each change bumps a version, so the pipeline knows
 * when there is something to compute.
 */
public final class ClusterInventory {

  /** The inventory at one version, with the generation of every valid policy it holds. */
  public record Snapshot(long version, ClusterSnapshot cluster, Map<PolicyRef, Long> generations) {}

  private final Map<String, Namespace> namespaces = new TreeMap<>();
  private final Map<String, Workload> workloads = new TreeMap<>();
  private final Map<PolicyRef, PolicyValidation.Checked> policies =
      new TreeMap<>(Comparator.comparing(PolicyRef::toString));
  private long version;

  public synchronized long version() {
    return version;
  }

  public synchronized boolean putNamespace(Namespace ns) {
    return changed(!Objects.equals(namespaces.put(ns.name(), ns), ns));
  }

  public synchronized boolean removeNamespace(String name) {
    return changed(namespaces.remove(name) != null);
  }

  public synchronized boolean putWorkload(Workload w) {
    return changed(!Objects.equals(workloads.put(w.id(), w), w));
  }

  public synchronized boolean removeWorkload(String id) {
    return changed(workloads.remove(id) != null);
  }

  public synchronized boolean putPolicy(PolicyValidation.Checked checked) {
    PolicyValidation.Checked before = policies.put(checked.ref(), checked);
    return changed(
        before == null
            || before.generation() != checked.generation()
            || !before.errors().equals(checked.errors()));
  }

  public synchronized boolean removePolicy(PolicyRef ref) {
    return changed(policies.remove(ref) != null);
  }

  public synchronized Snapshot snapshot() {
    List<PolicyRule> rules = new ArrayList<>();
    Map<PolicyRef, Long> generations = new TreeMap<>(Comparator.comparing(PolicyRef::toString));
    for (PolicyValidation.Checked c : policies.values()) {
      if (c.valid()) {
        rules.addAll(c.rules());
        generations.put(c.ref(), c.generation());
      }
    }
    return new Snapshot(
        version,
        new ClusterSnapshot(
            List.copyOf(namespaces.values()), List.copyOf(workloads.values()), rules),
        generations);
  }

  private boolean changed(boolean changed) {
    if (changed) {
      version++;
    }
    return changed;
  }
}
