package io.palisade.pipeline.local;

import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a cluster file's namespaces and pods into the inventory, as the operator's informers write
 * the API's: what is new or changed is put, what is gone is removed. Pods run on the one node this
 * process stands for. Not thread-safe: it is its inventory's one writer of workloads.
 */
public final class ClusterIntake {

  private final ClusterInventory inventory;
  private final String node;
  private Set<String> namespaces = Set.of();
  private Set<String> workloads = Set.of();

  public ClusterIntake(ClusterInventory inventory, String node) {
    this.inventory = inventory;
    this.node = node;
  }

  public void accept(Cluster cluster) {
    Set<String> nextNamespaces = new HashSet<>();
    for (Namespace ns : cluster.namespaces()) {
      inventory.putNamespace(ns);
      nextNamespaces.add(ns.name());
    }
    Set<String> nextWorkloads = new HashSet<>();
    for (Pod pod : cluster.pods()) {
      Workload w = new Workload(pod, Optional.of(node), pod.ip().map(List::of).orElse(List.of()));
      inventory.putWorkload(w);
      nextWorkloads.add(w.id());
    }
    workloads.stream().filter(w -> !nextWorkloads.contains(w)).forEach(inventory::removeWorkload);
    namespaces.stream()
        .filter(n -> !nextNamespaces.contains(n))
        .forEach(inventory::removeNamespace);
    namespaces = nextNamespaces;
    workloads = nextWorkloads;
  }
}
