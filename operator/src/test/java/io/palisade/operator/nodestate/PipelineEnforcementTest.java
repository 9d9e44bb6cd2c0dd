package io.palisade.operator.nodestate;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.parse.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineEnforcementTest {

  private final ClusterInventory inventory = new ClusterInventory();
  private final NodeStateStore store = new NodeStateStore("e", 8);
  private final Pipeline pipeline = new Pipeline(inventory, new InMemoryIdentityAllocator(), store);
  private final PolicyRef rule1 = new PolicyRef("CiliumNetworkPolicy", "default", "rule1");

  private void cluster() {
    inventory.putNamespace(new Namespace("default", Map.of()));
    for (Workload w : StarWars.workloads()) {
      inventory.putWorkload(w);
    }
  }

  private PolicyValidation.Checked rule1(long generation, String yaml) {
    return new PolicyValidation.Checked(rule1, generation, List.of(), StarWars.rules(yaml));
  }

  @Test
  void aGenerationIsEnforcedFromTheRevisionThatFirstCarriedIt() {
    cluster();
    inventory.putPolicy(rule1(1, StarWars.RULE1));
    assertThat(pipeline.enforcement(rule1, 1)).isEmpty();
    long r1 = pipeline.run();
    var e = pipeline.enforcement(rule1, 1).orElseThrow();
    assertThat(e.revision()).isEqualTo(r1);
    assertThat(e.desired()).isEqualTo(1);
    assertThat(e.enforced()).isZero();
    assertThat(pipeline.policiesOn("node-a")).containsExactly(rule1);
    assertThat(pipeline.policiesOn("node-b")).isEmpty();

    store.connect("node-a", "", 0);
    store.ack("node-a", store.status("node-a").orElseThrow().revision(), "policy map full");
    assertThat(pipeline.enforcement(rule1, 1).orElseThrow().message())
        .isEqualTo("enforced on 0/1 node at revision " + r1 + "; node-a: policy map full");
    store.ack("node-a", store.status("node-a").orElseThrow().revision(), "");
    assertThat(pipeline.enforcement(rule1, 1).orElseThrow().complete()).isTrue();
    assertThat(pipeline.enforcement(rule1, 2)).isEmpty();

    inventory.putPolicy(rule1(2, StarWars.RULE1.replace("\"80\"", "\"8080\"")));
    long r2 = pipeline.run();
    assertThat(r2).isGreaterThan(r1);
    assertThat(pipeline.enforcement(rule1, 2).orElseThrow().enforced()).isZero();
  }

  @Test
  void nothingNewIsNoNewRevision() {
    cluster();
    long r = pipeline.run();
    assertThat(pipeline.run()).isEqualTo(r);
    inventory.putWorkload(StarWars.workloads().getFirst());
    assertThat(pipeline.run()).isEqualTo(r);
    inventory.removePolicy(rule1);
    assertThat(pipeline.run()).isEqualTo(r);
  }

  @Test
  void anInvalidGenerationLeavesTheLastValidOneInForce() {
    cluster();
    inventory.putPolicy(rule1(1, StarWars.RULE1));
    pipeline.run();
    assertThat(store.local("node-a").endpoints().get("default/deathstar").enforceIngress())
        .isTrue();

    var invalid =
        new PolicyValidation.Checked(
            rule1, 2, List.of(new FieldError("spec.ingress[0].toPorts", "is broken")), List.of());
    assertThat(inventory.putPolicy(invalid)).isTrue();
    long r = pipeline.run();
    assertThat(store.local("node-a").endpoints().get("default/deathstar").enforceIngress())
        .isTrue();
    assertThat(inventory.generationInForce(rule1)).contains(1L);
    assertThat(pipeline.enforcement(rule1, 1).orElseThrow().revision()).isLessThanOrEqualTo(r);

    inventory.removePolicy(rule1);
    pipeline.run();
    assertThat(store.local("node-a").endpoints().get("default/deathstar").enforceIngress())
        .isFalse();
    assertThat(inventory.generationInForce(rule1)).isEmpty();
  }

  @Test
  void theIdentitiesInUseAreThoseOfTheWorkloads() {
    cluster();
    pipeline.run();
    assertThat(pipeline.identitiesInUse())
        .hasSize(3)
        .allMatch(id -> id >= 256 && id < (1L << 24))
        .containsExactlyInAnyOrderElementsOf(store.ipcache().values());
    inventory.removeWorkload("default/xwing");
    pipeline.run();
    assertThat(pipeline.identitiesInUse()).hasSize(2);
  }
}
