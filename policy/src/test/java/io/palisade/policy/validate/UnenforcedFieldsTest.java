package io.palisade.policy.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.rules.Entities;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field that Palisade reads but does not enforce is refused at its path with the reason, and
 * the policy then contributes no rule at all: one row per field and place it can appear. Fields
 * that are enforced, or accepted because they can only narrow, are rows with no error.
 */
class UnenforcedFieldsTest {

  private static final String CNP =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: prod}
      """;

  private static final String CCNP =
      """
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: p}
      """;

  private static final String TO_SERVICES =
      "Palisade selects a Service's backends in allow rules only; in a deny, write toEndpoints"
          + " with the Service's selector (or toCIDRSet with its endpoints' addresses)";

  private static final String TAIL = "; the policy is refused rather than enforced partially";

  static Stream<Arguments> refused() {
    return Stream.of(
        cnp(
            "toServices in a deny",
            "egressDeny: [{toServices: [{k8sService: {serviceName: db}}]}]",
            "spec.egressDeny[0].toServices",
            TO_SERVICES),
        cnp(
            "toGroups",
            "egress: [{toGroups: [{aws: {securityGroupsIds: [sg-1]}}]}]",
            "spec.egress[0].toGroups",
            "Palisade does not resolve cloud provider groups"),
        cnp(
            "toGroups in a deny",
            "egressDeny: [{toGroups: [{aws: {labels: {env: prod}}}]}]",
            "spec.egressDeny[0].toGroups",
            "Palisade does not resolve cloud provider groups"),
        cnp(
            "fromGroups",
            "ingress: [{fromGroups: [{aws: {securityGroupsNames: [web]}}]}]",
            "spec.ingress[0].fromGroups",
            "Palisade does not resolve cloud provider groups"),
        cnp(
            "fromGroups in a deny",
            "ingressDeny: [{fromGroups: [{aws: {region: eu-west-1}}]}]",
            "spec.ingressDeny[0].fromGroups",
            "Palisade does not resolve cloud provider groups"),
        cnp(
            "toNodes",
            "egress: [{toNodes: [{matchLabels: {role: db}}]}]",
            "spec.egress[0].toNodes",
            "Palisade does not select nodes by their labels"),
        cnp(
            "toNodes in a deny",
            "egressDeny: [{toNodes: [{}]}]",
            "spec.egressDeny[0].toNodes",
            "Palisade does not select nodes by their labels"),
        cnp(
            "fromNodes",
            "ingress: [{fromNodes: [{}]}]",
            "spec.ingress[0].fromNodes",
            "Palisade does not select nodes by their labels"),
        cnp(
            "fromNodes in a deny",
            "ingressDeny: [{fromNodes: [{matchLabels: {zone: a}}]}]",
            "spec.ingressDeny[0].fromNodes",
            "Palisade does not select nodes by their labels"),
        deniedEntity("ingressDeny", "fromEntities", "host"),
        deniedEntity("ingressDeny", "fromEntities", "remote-node"),
        deniedEntity("egressDeny", "toEntities", "kube-apiserver"),
        deniedEntity("egressDeny", "toEntities", "health"),
        deniedEntity("ingressDeny", "fromEntities", "ingress"),
        deniedEntity("ingressDeny", "fromEntities", "init"),
        deniedEntity("egressDeny", "toEntities", "unmanaged"),
        cnp(
            "the cluster entity in a deny",
            "egressDeny: [{toEntities: [cluster]}]",
            "spec.egressDeny[0].toEntities[0]",
            "Palisade does not know the addresses of entity \"cluster\" beyond its pods, so this"
                + " deny would not cover them"),
        cnp(
            "mutual authentication on ingress",
            "ingress: [{fromEndpoints: [{}], authentication: {mode: required}}]",
            "spec.ingress[0].authentication",
            "Palisade does not enforce mutual authentication (mode \"required\")"),
        cnp(
            "mutual authentication on egress",
            "egress: [{toEndpoints: [{}], authentication: {mode: test-always-fail}}]",
            "spec.egress[0].authentication",
            "Palisade does not enforce mutual authentication (mode \"test-always-fail\")"),
        cnp(
            "TLS server names",
            "egress: [{toPorts: [{ports: [{port: \"443\"}], serverNames: [api.example.com]}]}]",
            "spec.egress[0].toPorts[0].serverNames",
            "Palisade does not match TLS server names (SNI)"),
        cnp(
            "terminatingTLS",
            "ingress: [{toPorts: [{ports: [{port: \"443\"}], terminatingTLS: {secret: {name:"
                + " s}}}]}]",
            "spec.ingress[0].toPorts[0].terminatingTLS",
            "Palisade does not terminate or originate TLS"),
        cnp(
            "originatingTLS",
            "egress: [{toPorts: [{ports: [{port: \"443\"}], originatingTLS: {secret: {name:"
                + " s}}}]}]",
            "spec.egress[0].toPorts[0].originatingTLS",
            "Palisade does not terminate or originate TLS"),
        cnp(
            "an Envoy listener",
            "egress: [{toPorts: [{ports: [{port: \"80\"}], listener: {envoyConfig: {kind:"
                + " CiliumEnvoyConfig, name: e}, name: l}}]}]",
            "spec.egress[0].toPorts[0].listener",
            "Palisade does not redirect to Envoy listeners"),
        Arguments.of(
            "a host policy",
            CCNP
                + """
                spec:
                  nodeSelector: {matchLabels: {role: worker}}
                  ingress: [{fromEntities: [cluster]}]
                """,
            List.of(
                "spec.nodeSelector: not supported yet: Palisade does not enforce host policies"
                    + " (Cilium's host firewall)"
                    + TAIL)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void isRefusedAtItsPath(String name, String yaml, List<String> expected) {
    LoadResult result = new PolicyLoader().load("p.yaml", yaml);
    assertThat(result.errors().stream().map(e -> e.error().toString()))
        .containsExactlyElementsOf(expected);
    assertThat(result.policySet().rules()).isEmpty();
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of(
            "an allow of an entity Palisade cannot place narrows",
            "ingress: [{fromEntities: [host, remote-node, kube-apiserver, health, ingress, init, unmanaged, cluster]}]"),
        Arguments.of(
            "a deny of the world, of all and of none",
            "egressDeny: [{toEntities: [world, world-ipv4, world-ipv6, all, none]}]"),
        Arguments.of(
            "toFQDNs peers are the addresses the node's DNS proxy learns",
            "egress: [{toFQDNs: [{matchName: api.example.com}, {matchPattern: \"*.example.org\"}]}]"),
        Arguments.of(
            "DNS rules redirect to the node's DNS proxy",
            "egress: [{toEndpoints: [{}], toPorts: [{ports: [{port: \"53\", protocol: UDP}],"
                + " rules: {dns: [{matchPattern: \"*\"}]}}]}]"),
        Arguments.of(
            "authentication disabled asks for nothing",
            "ingress: [{fromEndpoints: [{}], authentication: {mode: disabled}}]"),
        Arguments.of(
            "HTTP rules redirect, and drop while no proxy serves them",
            "ingress: [{toPorts: [{ports: [{port: \"80\", protocol: TCP}], rules: {http: [{method:"
                + " GET, path: /}]}}]}]"),
        Arguments.of(
            "Kafka rules likewise",
            "ingress: [{toPorts: [{ports: [{port: \"9092\", protocol: TCP}], rules: {kafka:"
                + " [{role: produce, topic: t}]}}]}]"),
        Arguments.of(
            "toServices in an allow, resolved from the cluster's Services (none without one)",
            "egress: [{toServices: [{k8sService: {serviceName: db, namespace: prod}},"
                + " {k8sServiceSelector: {selector: {matchLabels: {tier: db}}}}]}]"),
        Arguments.of(
            "ICMP types and deny ports",
            "ingressDeny: [{fromEndpoints: [{}], icmps: [{fields: [{type: EchoRequest}]}]}, {toPorts: [{ports: [{port: \"22\"}]}]}]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void isAccepted(String name, String section) {
    LoadResult result =
        new PolicyLoader().load("p.yaml", CNP + "spec:\n  endpointSelector: {}\n  " + section);
    assertThat(result.errors()).isEmpty();
    assertThat(result.policySet().rules()).hasSize(1);
  }

  @Test
  void everyRefusalOfAnElementIsReportedAtOnce() {
    LoadResult result =
        new PolicyLoader()
            .load(
                "p.yaml",
                CNP
                    + """
                    spec:
                      endpointSelector: {}
                      egress:
                      - toFQDNs: [{matchName: a.example.com}]
                        toPorts:
                        - ports: [{port: "443"}]
                          serverNames: [a.example.com]
                          originatingTLS: {secret: {name: ca}}
                    """);
    assertThat(result.errors().stream().map(e -> e.error().path()))
        .containsExactly(
            "spec.egress[0].toPorts[0].originatingTLS", "spec.egress[0].toPorts[0].serverNames");
  }

  private static Arguments cnp(String name, String section, String path, String reason) {
    String yaml = CNP + "spec:\n  endpointSelector: {}\n  " + section + "\n";
    return Arguments.of(name, yaml, List.of(path + ": not supported yet: " + reason + TAIL));
  }

  private static Arguments deniedEntity(String section, String field, String entity) {
    return cnp(
        entity + " in a deny",
        section + ": [{" + field + ": [" + entity + "]}]",
        "spec." + section + "[0]." + field + "[0]",
        Entities.placedByObjects(entity)
            ? "Palisade knows entity \""
                + entity
                + "\" only by the addresses Node and EndpointSlice objects list, which need not"
                + " be every address its traffic comes from, so this deny could miss some of it"
            : "Palisade does not know the addresses of entity \""
                + entity
                + "\", so this deny would not cover them");
  }
}
