package io.palisade.pipeline.model;

import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.rules.PolicyRule;
import java.util.List;

/** Everything desired state is computed from: namespaces, workloads, and the rules of policies. */
public record ClusterSnapshot(
    List<Namespace> namespaces, List<Workload> workloads, List<PolicyRule> rules) {

  public ClusterSnapshot {
    namespaces = List.copyOf(namespaces);
    workloads = List.copyOf(workloads);
    rules = List.copyOf(rules);
  }
}
