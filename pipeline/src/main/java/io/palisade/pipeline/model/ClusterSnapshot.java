package io.palisade.pipeline.model;

import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.rules.PolicyRule;
import java.util.List;

/**
 * Everything desired state is computed from: namespaces, workloads, the rules of policies, and the
 * nodes, Services and EndpointSlices that make the Service frontends.
 */
public record ClusterSnapshot(
    List<Namespace> namespaces,
    List<Workload> workloads,
    List<PolicyRule> rules,
    List<NodeInfo> nodes,
    List<ServiceInfo> services,
    List<ServiceEndpoints> endpointSlices) {

  public ClusterSnapshot {
    namespaces = List.copyOf(namespaces);
    workloads = List.copyOf(workloads);
    rules = List.copyOf(rules);
    nodes = List.copyOf(nodes);
    services = List.copyOf(services);
    endpointSlices = List.copyOf(endpointSlices);
  }

  /** A snapshot without nodes and Services. */
  public ClusterSnapshot(
      List<Namespace> namespaces, List<Workload> workloads, List<PolicyRule> rules) {
    this(namespaces, workloads, rules, List.of(), List.of(), List.of());
  }
}
