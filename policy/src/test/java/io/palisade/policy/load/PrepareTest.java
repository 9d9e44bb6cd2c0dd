package io.palisade.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.validate.PolicyKind;
import org.junit.jupiter.api.Test;

/** A loader prepared ahead of its first document reports exactly what an unprepared one does. */
class PrepareTest {

  private static final String BROKEN =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: default}
      spec:
        endpointSelector: {matchLabels: {app: a}}
        ingress:
          - fromEndpoint: [{matchLabels: {app: b}}]
            toPorts: [{ports: [{port: "70000", protocol: TCP}]}]
        egress:
          - toCIDR: [10.0.0.0/33]
      """;

  @Test
  void preparingEveryKindChangesNoVerdict() {
    PolicyLoader prepared = new PolicyLoader();
    for (PolicyKind kind : PolicyKind.values()) {
      prepared.prepare(kind);
    }
    LoadResult before = new PolicyLoader().load("p.yaml", BROKEN);
    LoadResult after = prepared.load("p.yaml", BROKEN);
    assertThat(before.errors()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(after.errors()).isEqualTo(before.errors());
  }

  @Test
  void aPreparedLoaderStillLoadsValidDocuments() {
    PolicyLoader prepared = new PolicyLoader();
    prepared.prepare(PolicyKind.CILIUM_NETWORK_POLICY);
    LoadResult r =
        prepared.load(
            "ok.yaml",
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: ok, namespace: default}
            spec:
              endpointSelector: {matchLabels: {app: a}}
              ingress: [{fromEndpoints: [{matchLabels: {app: b}}]}]
            """);
    assertThat(r.errors()).isEmpty();
    assertThat(r.policyDocuments()).isEqualTo(1);
  }
}
