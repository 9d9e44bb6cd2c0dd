package io.palisade.operator.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.pipeline.Enforcement;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.L7Proxy;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.xds.Target;
import io.palisade.xds.XdsPublisher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where a policy's L7 rules count as enforced: on a node whose daemon runs the embedded proxy and
 * holds the revision (HTTP, Kafka and DNS), on a node whose Envoy acknowledged it (HTTP only), and
 * nowhere else.
 */
class L7EnforcementTest {

  private static final String KAFKA =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: rule1, namespace: default}
      spec:
        endpointSelector: {matchLabels: {org: empire, class: deathstar}}
        ingress:
          - fromEndpoints: [{matchLabels: {org: empire}}]
            toPorts:
              - ports: [{port: "9092", protocol: TCP}]
                rules:
                  kafka: [{role: produce, topic: deathstar-plans}]
      """;

  private static final String DNS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: rule1, namespace: default}
      spec:
        endpointSelector: {matchLabels: {org: empire, class: deathstar}}
        egress:
          - toEndpoints: [{matchLabels: {org: empire}}]
            toPorts:
              - ports: [{port: "53", protocol: ANY}]
                rules:
                  dns: [{matchPattern: "*.empire.local"}]
      """;

  private final ClusterInventory inventory = new ClusterInventory();
  private final NodeStateStore store = new NodeStateStore("e", 8);
  private final XdsPublisher xds = new XdsPublisher(new Target.Envoy());
  private final Pipeline pipeline =
      new Pipeline(inventory, new InMemoryIdentityAllocator(), new L7Applier(store, xds));
  private final PolicyRef rule1 = new PolicyRef("CiliumNetworkPolicy", "default", "rule1");

  @AfterEach
  void close() {
    xds.close();
  }

  private Enforcement enforce(String yaml) {
    inventory.putNamespace(new Namespace("default", Map.of()));
    for (Workload w : StarWars.workloads()) {
      inventory.putWorkload(w);
    }
    inventory.putPolicy(new PolicyValidation.Checked(rule1, 1, List.of(), StarWars.rules(yaml)));
    pipeline.run();
    return pipeline.enforcement(rule1, 1).orElseThrow();
  }

  private void ackAll(String node) {
    store.ack(node, store.status(node).orElseThrow().revision(), "");
  }

  @Test
  void aDaemonWithoutAProxyHoldsTheMapsButNotTheL7Rules() {
    enforce(L7Policies.DEATHSTAR_L7);
    store.connect("node-a", "", 0, L7Proxy.NONE);
    ackAll("node-a");
    Enforcement e = pipeline.enforcement(rule1, 1).orElseThrow();
    assertThat(e.l3l4Complete()).isTrue();
    assertThat(e.complete()).isFalse();
    assertThat(e.l7()).hasValueSatisfying(l7 -> assertThat(l7.enforced()).isZero());
    assertThat(e.message())
        .isEqualTo(
            "L3/L4 enforced on 1/1 node, L7 on 0/1 proxy at revision "
                + e.revision()
                + "; node-a: no L7 proxy runs on the node, so its redirected traffic is dropped");
  }

  @Test
  void theEmbeddedProxyHoldsTheL7RulesOnceItsDaemonHoldsTheRevision() {
    enforce(L7Policies.DEATHSTAR_L7);
    store.connect("node-a", "", 0, L7Proxy.EMBEDDED);
    Enforcement before = pipeline.enforcement(rule1, 1).orElseThrow();
    assertThat(before.l7().orElseThrow().enforced()).isZero();
    assertThat(before.l7().orElseThrow().failures()).as("on its way, not failed").isEmpty();
    ackAll("node-a");
    Enforcement after = pipeline.enforcement(rule1, 1).orElseThrow();
    assertThat(after.complete()).isTrue();
    assertThat(after.message())
        .isEqualTo("L3/L4 enforced on 1/1 node, L7 on 1/1 proxy at revision " + after.revision());
  }

  @Test
  void anEnvoyNodeWaitsForItsProxysAck() {
    enforce(L7Policies.DEATHSTAR_L7);
    store.connect("node-a", "", 0, L7Proxy.ENVOY);
    ackAll("node-a");
    Enforcement e = pipeline.enforcement(rule1, 1).orElseThrow();
    assertThat(e.l3l4Complete()).isTrue();
    assertThat(e.complete()).as("the Envoy has acknowledged nothing").isFalse();
    assertThat(e.l7().orElseThrow().failures()).isEmpty();
    assertThat(xds.current("node-a")).as("its config is set for it").isPresent();
  }

  @Test
  void theEmbeddedProxyOfAnOperatorFedNodeHoldsKafkaRulesOnceItsDaemonHoldsTheRevision() {
    enforce(KAFKA);
    store.connect("node-a", "", 0, L7Proxy.EMBEDDED);
    assertThat(pipeline.enforcement(rule1, 1).orElseThrow().complete()).isFalse();
    ackAll("node-a");
    Enforcement e = pipeline.enforcement(rule1, 1).orElseThrow();
    assertThat(e.complete()).isTrue();
    assertThat(e.message())
        .isEqualTo("L3/L4 enforced on 1/1 node, L7 on 1/1 proxy at revision " + e.revision());
  }

  @Test
  void theEmbeddedProxyHoldsDnsRules() {
    enforce(DNS);
    store.connect("node-a", "", 0, L7Proxy.EMBEDDED);
    ackAll("node-a");
    assertThat(pipeline.enforcement(rule1, 1).orElseThrow().complete()).isTrue();
  }

  @Test
  void kafkaRulesOnAnEnvoyNodeHoldNowhereSinceEnvoyCannotCheckThem() {
    enforce(KAFKA);
    store.connect("node-a", "", 0, L7Proxy.ENVOY);
    ackAll("node-a");
    Enforcement e = pipeline.enforcement(rule1, 1).orElseThrow();
    assertThat(e.l3l4Complete()).isTrue();
    assertThat(e.complete()).isFalse();
    assertThat(e.l7().orElseThrow().enforced()).isZero();
    assertThat(e.l7().orElseThrow().failures())
        .containsExactly(
            "node-a: its [kafka] rules are enforced by no proxy on the node (its proxy takes"
                + " [http]), so the traffic they select is dropped");
  }

  @Test
  void kafkaRulesOnANodeWithoutAProxySayNoProxyRuns() {
    enforce(KAFKA);
    store.connect("node-a", "", 0, L7Proxy.NONE);
    ackAll("node-a");
    assertThat(pipeline.enforcement(rule1, 1).orElseThrow().l7().orElseThrow().failures())
        .containsExactly(
            "node-a: no L7 proxy runs on the node, so its redirected traffic is dropped");
  }
}
