package io.palisade.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.rules.PolicyMode;
import io.palisade.policy.rules.PolicyRule;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The annotation {@code palisade.io/enforcement} puts a policy of each kind into audit mode, its
 * absence or {@code enforce} keeps it enforced, and any other value is an error at its path.
 */
class AuditAnnotationTest {

  private static final String DOCS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: cnp-audit, namespace: prod, annotations: {palisade.io/enforcement: audit}}
      specs:
      - endpointSelector: {matchLabels: {app: web}}
        ingress: [{fromEndpoints: [{}]}]
      - endpointSelector: {matchLabels: {app: db}}
        ingress: [{fromEndpoints: [{}]}]
      ---
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: ccnp-audit, annotations: {palisade.io/enforcement: audit}}
      spec:
        endpointSelector: {}
        egressDeny: [{toCIDR: [10.0.0.0/8]}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: np-audit, namespace: prod, annotations: {palisade.io/enforcement: audit}}
      spec: {podSelector: {}, policyTypes: [Ingress]}
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: cnp-enforce, namespace: prod, annotations: {palisade.io/enforcement: enforce}}
      spec:
        endpointSelector: {}
        ingress: [{fromEndpoints: [{}]}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: np-plain, namespace: prod}
      spec: {podSelector: {}, policyTypes: [Ingress]}
      """;

  @Test
  void theAnnotationSetsTheModeOfEveryRuleOfThePolicy() {
    LoadResult r = new PolicyLoader().load("p.yaml", DOCS);
    assertThat(r.errors()).isEmpty();
    Map<String, List<PolicyMode>> modes =
        r.policySet().rules().stream()
            .collect(
                Collectors.groupingBy(
                    p -> p.origin().name(),
                    Collectors.mapping(PolicyRule::mode, Collectors.toList())));
    assertThat(modes)
        .containsEntry("cnp-audit", List.of(PolicyMode.AUDIT, PolicyMode.AUDIT))
        .containsEntry("ccnp-audit", List.of(PolicyMode.AUDIT))
        .containsEntry("np-audit", List.of(PolicyMode.AUDIT))
        .containsEntry("cnp-enforce", List.of(PolicyMode.ENFORCE))
        .containsEntry("np-plain", List.of(PolicyMode.ENFORCE));
  }

  @Test
  void anyOtherValueIsAnErrorNamingTheAnnotationAndTheAllowedValues() {
    String bad =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: p, namespace: prod, annotations: {palisade.io/enforcement: Audit}}
        spec:
          endpointSelector: {}
          ingress: [{fromEndpoints: [{}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: np, namespace: prod, annotations: {palisade.io/enforcement: "off"}}
        spec: {podSelector: {}}
        """;
    LoadResult r = new PolicyLoader().load("bad.yaml", bad);
    assertThat(r.errors().stream().map(DocumentError::format))
        .containsExactly(
            "bad.yaml: CiliumNetworkPolicy prod/p: metadata.annotations[\"palisade.io/enforcement\"]:"
                + " \"Audit\" is not an enforcement mode; use \"enforce\" or \"audit\"",
            "bad.yaml: NetworkPolicy prod/np: metadata.annotations[\"palisade.io/enforcement\"]:"
                + " \"off\" is not an enforcement mode; use \"enforce\" or \"audit\"");
    assertThat(r.policySet().rules()).isEmpty();
  }
}
