package io.palisade.pipeline.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.mapstate.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@code cidrGroupRef} selects what the cluster's group holds now: nothing before the group
 * exists, its CIDRs once it does, the new ones when it changes, nothing once it is gone.
 */
class CidrGroupsTest {

  private static final String POLICY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: partners-only, namespace: default}
      spec:
        endpointSelector: {matchLabels: {class: deathstar}}
        egress:
          - toCIDRSet: [{cidrGroupRef: partners}]
      """;

  private final ClusterInventory inventory = new ClusterInventory();
  private final InMemoryNodeState state = new InMemoryNodeState();
  private final Pipeline pipeline = new Pipeline(inventory, new InMemoryIdentityAllocator(), state);

  @Test
  void aGroupReferenceFollowsTheGroup() {
    inventory.putNamespace(new Namespace("default", Map.of()));
    StarWars.workloads().forEach(inventory::putWorkload);
    inventory.putPolicy(new PolicyValidation().check(object(POLICY)));
    pipeline.run();
    assertThat(state.ipcache()).doesNotContainKey("203.0.113.0/24");
    assertThat(allowedPeers()).isEmpty();

    inventory.putCidrGroup(group("203.0.113.0/24"));
    pipeline.run();
    long partners = state.ipcache().get("203.0.113.0/24");
    assertThat(allowedPeers()).containsExactly(partners);

    inventory.putCidrGroup(group("198.51.100.0/24"));
    pipeline.run();
    assertThat(state.ipcache()).doesNotContainKey("203.0.113.0/24");
    assertThat(allowedPeers()).containsExactly(state.ipcache().get("198.51.100.0/24"));

    inventory.removeCidrGroup("partners");
    pipeline.run();
    assertThat(state.ipcache()).doesNotContainKey("198.51.100.0/24");
    assertThat(allowedPeers()).isEmpty();
  }

  /** The peers the deathstar's egress allows. */
  private List<Long> allowedPeers() {
    var local = state.local("node-a");
    IdentityPolicy p = local.policies().get(local.endpoints().get("default/deathstar").identity());
    assertThat(p.enforces(Direction.EGRESS)).isTrue();
    return p.entries().entrySet().stream()
        .filter(e -> e.getKey().direction() == Direction.EGRESS)
        .filter(e -> e.getValue().verdict() == Verdict.ALLOW)
        .map(e -> e.getKey().identity())
        .toList();
  }

  private static CiliumCIDRGroup group(String cidr) {
    return (CiliumCIDRGroup)
        object(
            """
            apiVersion: cilium.io/v2
            kind: CiliumCIDRGroup
            metadata: {name: partners}
            spec: {externalCIDRs: ["%s"]}
            """
                .formatted(cidr));
  }

  private static HasMetadata object(String yaml) {
    var loaded = new PolicyLoader().load("test.yaml", yaml);
    assertThat(loaded.errors()).isEmpty();
    return loaded.documents().getFirst().object().orElseThrow();
  }
}
