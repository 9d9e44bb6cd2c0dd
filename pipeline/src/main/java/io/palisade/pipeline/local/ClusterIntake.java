package io.palisade.pipeline.local;

import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.model.NodeInfo;
import io.palisade.pipeline.model.ServiceEndpoints;
import io.palisade.pipeline.model.ServiceInfo;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a cluster file's namespaces, pods, nodes, Services and EndpointSlices into the inventory,
 * as the operator's informers write the API's: what is new or changed is put, what is gone is
 * removed. Pods run on the one node this process stands for; the file's Node that is this machine
 * (named by {@code --node}, or the only one) lends that node its addresses, and every other Node is
 * a remote one. Not thread-safe: it is its inventory's one writer of these.
 */
public final class ClusterIntake {

  private final ClusterInventory inventory;
  private final String node;
  private final Optional<String> nodeObject;
  private Set<String> namespaces = Set.of();
  private Set<String> workloads = Set.of();
  private Set<String> nodes = Set.of();
  private Set<String> services = Set.of();
  private Set<String> slices = Set.of();

  /**
   * @param node the pipeline's name of the node this process stands for
   * @param nodeObject the name of the file's Node that is this machine; empty: its only Node
   */
  public ClusterIntake(ClusterInventory inventory, String node, Optional<String> nodeObject) {
    this.inventory = inventory;
    this.node = node;
    this.nodeObject = nodeObject;
  }

  /**
   * Takes the file's contents, or nothing of them.
   *
   * @throws IllegalArgumentException when the file does not say which Node this machine is
   */
  public void accept(ClusterFile.Contents contents) {
    Optional<NodeInfo> local = contents.localNode(nodeObject);
    Set<String> nextNamespaces = new HashSet<>();
    for (Namespace ns : contents.cluster().namespaces()) {
      inventory.putNamespace(ns);
      nextNamespaces.add(ns.name());
    }
    Set<String> nextWorkloads = new HashSet<>();
    for (Pod pod : contents.cluster().pods()) {
      Workload w = new Workload(pod, Optional.of(node), pod.ip().map(List::of).orElse(List.of()));
      inventory.putWorkload(w);
      nextWorkloads.add(w.id());
    }
    Set<String> nextNodes = new HashSet<>();
    for (NodeInfo n : contents.nodes()) {
      // The pods' node is this process's; the Node object that is this machine is put under its
      // name, so that its addresses are the host where the pods run.
      NodeInfo named =
          local.filter(n::equals).map(l -> new NodeInfo(node, l.addresses())).orElse(n);
      inventory.putNode(named);
      nextNodes.add(named.name());
    }
    Set<String> nextServices = new HashSet<>();
    for (ServiceInfo s : contents.services()) {
      inventory.putService(s);
      nextServices.add(s.id());
    }
    Set<String> nextSlices = new HashSet<>();
    for (ServiceEndpoints s : contents.endpointSlices()) {
      inventory.putEndpoints(s);
      nextSlices.add(s.id());
    }
    workloads.stream().filter(w -> !nextWorkloads.contains(w)).forEach(inventory::removeWorkload);
    namespaces.stream()
        .filter(n -> !nextNamespaces.contains(n))
        .forEach(inventory::removeNamespace);
    nodes.stream().filter(n -> !nextNodes.contains(n)).forEach(inventory::removeNode);
    services.stream().filter(s -> !nextServices.contains(s)).forEach(inventory::removeService);
    slices.stream().filter(s -> !nextSlices.contains(s)).forEach(inventory::removeEndpoints);
    namespaces = nextNamespaces;
    workloads = nextWorkloads;
    nodes = nextNodes;
    services = nextServices;
    slices = nextSlices;
  }
}
