package io.palisade.pipeline;

import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.rules.PolicyRule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The Star Wars demo as test data: the deathstar on node-a, both ships on node-b. */
public final class StarWars {

  public static final String RULE1 =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: rule1
        namespace: default
      spec:
        endpointSelector:
          matchLabels: {org: empire, class: deathstar}
        ingress:
          - fromEndpoints:
              - matchLabels: {org: empire}
            toPorts:
              - ports: [{port: "80", protocol: TCP}]
      """;

  private StarWars() {}

  public static Workload workload(String name, String node, String ip, Map<String, String> labels) {
    Pod pod = new Pod("default", name, labels, Optional.empty(), Optional.of(ip), Set.of());
    return new Workload(pod, Optional.of(node), List.of(ip));
  }

  public static List<Workload> workloads() {
    return List.of(
        workload(
            "deathstar", "node-a", "10.42.0.10", Map.of("org", "empire", "class", "deathstar")),
        workload(
            "tiefighter", "node-b", "10.42.0.11", Map.of("org", "empire", "class", "tiefighter")),
        workload("xwing", "node-b", "10.42.0.12", Map.of("org", "alliance", "class", "xwing")));
  }

  public static List<PolicyRule> rules(String... yaml) {
    if (yaml.length == 0) {
      return List.of(); // No file at all: an empty one would be an error of its own.
    }
    LoadResult r = new PolicyLoader().load("test.yaml", String.join("\n---\n", yaml));
    if (!r.valid()) {
      throw new IllegalArgumentException(r.errors().toString());
    }
    return r.policySet().rules();
  }

  public static ClusterSnapshot snapshot(List<Workload> workloads, String... policies) {
    return new ClusterSnapshot(
        List.of(new Namespace("default", Map.of())), workloads, rules(policies));
  }
}
