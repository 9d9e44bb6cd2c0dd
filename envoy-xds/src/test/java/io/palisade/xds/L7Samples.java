package io.palisade.xds;

import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sample cluster of the L7 tests: the Star Wars demo (deathstar on node-a, both ships on
 * node-b) and Cilium's gRPC example (the door manager on node-a, a public terminal on node-b), for
 * the policies of {@link L7Policies}.
 */
final class L7Samples {

  private L7Samples() {}

  static List<Workload> workloads() {
    List<Workload> w = new ArrayList<>(StarWars.workloads());
    w.add(StarWars.workload("cc-door-mgr", "node-a", "10.42.0.20", Map.of("app", "cc-door-mgr")));
    w.add(
        StarWars.workload(
            "public-terminal", "node-b", "10.42.0.21", Map.of("app", "public-terminal")));
    return w;
  }

  static DesiredState state(String... policies) {
    ClusterSnapshot snapshot =
        new ClusterSnapshot(
            List.of(new Namespace("default", Map.of())), workloads(), StarWars.rules(policies));
    return new NodeStateComputer(new InMemoryIdentityAllocator()).compute(snapshot);
  }

  static DesiredState all() {
    return state(
        L7Policies.DEATHSTAR_L7, L7Policies.CC_DOOR, L7Policies.HEADERS, L7Policies.EGRESS);
  }
}
