package io.palisade.policy.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each row is a CNP (its {@code spec} given) and every error it must produce, exactly, in order:
 * the field path and a message naming the offending value.
 */
class ValidationTest {

  private static final String HEAD =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: p
        namespace: prod
      """;

  static Stream<Arguments> rows() {
    return Stream.of(
        row(
            "a valid rule",
            """
            spec:
              endpointSelector: {matchLabels: {app: web}}
              ingress:
              - fromEndpoints: [{matchLabels: {app: api}}]
                toPorts: [{ports: [{port: "80", protocol: TCP}]}]
            """),
        row(
            "a prefix longer than 32 bits",
            """
            spec:
              endpointSelector: {}
              egress:
              - toEndpoints: [{}]
              - toCIDRSet: [{cidr: 10.0.0.0/33}]
            """,
            "spec.egress[1].toCIDRSet[0].cidr: \"10.0.0.0/33\" is not a valid CIDR: prefix length"
                + " out of range"),
        row(
            "the ipblock label source is Palisade's own and cannot be selected",
            """
            spec:
              endpointSelector: {}
              egress:
              - toEndpoints: [{matchLabels: {ipblock:10.1.0.0/16: ""}}]
              - toEndpoints: [{matchExpressions: [{key: ipblock:10.2.0.0/16, operator: Exists}]}]
            """,
            "spec.egress[0].toEndpoints[0].matchLabels.ipblock:10.1.0.0/16: \"ipblock:10.1.0.0/16\""
                + " uses the label source \"ipblock\", which Palisade keeps for the pods inside"
                + " Kubernetes NetworkPolicy ipBlocks; select pods by their labels, or addresses"
                + " with toCIDR/toCIDRSet",
            "spec.egress[1].toEndpoints[0].matchExpressions[0].key: \"ipblock:10.2.0.0/16\" uses"
                + " the label source \"ipblock\", which Palisade keeps for the pods inside"
                + " Kubernetes NetworkPolicy ipBlocks; select pods by their labels, or addresses"
                + " with toCIDR/toCIDRSet"),
        row(
            "a typo is an unknown field, with a hint",
            """
            spec:
              endpointSelector: {}
              ingress:
              - fromEndpoint: [{matchLabels: {app: api}}]
            """,
            "spec.ingress[0].fromEndpoint: unknown field \"fromEndpoint\" (did you mean"
                + " \"fromEndpoints\"?)"),
        row(
            "every error of the document at once",
            """
            spec:
              endpointSelector:
                matchExpressions: [{key: app, operator: Is, values: [a]}]
              ingress:
              - fromCIDR: [300.1.1.1]
                toPorts: [{ports: [{port: "70000"}, {port: "80", endPort: 70}, {port: "x_y"}]}]
              egress:
              - toEntities: [planet]
              - toCIDRSet: [{cidr: 10.0.0.0/8, except: [11.0.0.0/16]}]
            """,
            "spec.endpointSelector.matchExpressions[0].operator: \"Is\" is not a valid operator"
                + " (In, NotIn, Exists, DoesNotExist)",
            "spec.ingress[0].fromCIDR[0]: \"300.1.1.1\" is not a valid CIDR: IPv4 field has value"
                + " >255",
            "spec.ingress[0].toPorts[0].ports[0].port: \"70000\" is out of range (0-65535)",
            "spec.ingress[0].toPorts[0].ports[1].endPort: 70 is lower than port 80",
            "spec.ingress[0].toPorts[0].ports[2].port: \"x_y\" is neither a port number (0-65535)"
                + " nor a port name",
            "spec.egress[0].toEntities[0]: unsupported entity \"planet\"",
            "spec.egress[1].toCIDRSet[0].except[0]: \"11.0.0.0/16\" is not inside the allowed CIDR"
                + " \"10.0.0.0/8\""),
        row(
            "a misspelt field does not hide the errors of meaning beside it",
            """
            spec:
              endpointSelector: {}
              ingress:
              - fromEndpoint: [{matchLabels: {app: api}}]
                toPorts: [{ports: [{port: "80", protocol: TPC}]}]
              egress:
              - toCIDR: [10.0.0.0/33]
            """,
            "spec.ingress[0].fromEndpoint: unknown field \"fromEndpoint\" (did you mean"
                + " \"fromEndpoints\"?)",
            "spec.ingress[0].toPorts[0].ports[0].protocol: \"TPC\" is not a valid protocol (TCP,"
                + " UDP, SCTP, ICMP, ICMPv6, ANY)",
            "spec.egress[0].toCIDR[0]: \"10.0.0.0/33\" is not a valid CIDR: prefix length out of range"),
        row(
            "a value of the wrong shape is left out, and the rest still checked",
            """
            spec:
              endpointSelector: {}
              egress:
              - toCIDR: [{cidr: 10.0.0.0/8}, 10.0.0.0/40]
                toPorts: [{ports: [{port: "80", endPort: "90"}, {port: "99999"}]}]
            """,
            "spec.egress[0].toCIDR[0]: expected a string, got an object",
            "spec.egress[0].toPorts[0].ports[0].endPort: expected an integer, got \"90\"",
            "spec.egress[0].toCIDR[1]: \"10.0.0.0/40\" is not a valid CIDR: prefix length out of range",
            "spec.egress[0].toPorts[0].ports[1].port: \"99999\" is out of range (0-65535)"),
        row(
            "wrong shapes",
            """
            spec:
              endpointSelector: {matchLabels: {app: [web]}}
              ingress: {fromEndpoints: []}
              enableDefaultDeny: {ingress: "yes"}
            """,
            "spec.endpointSelector.matchLabels.app: expected a string, got a list",
            "spec.ingress: expected a list, got an object",
            "spec.enableDefaultDeny.ingress: expected true or false, got \"yes\""),
        row(
            "fromRequires is gone",
            """
            spec:
              endpointSelector: {}
              ingress:
              - fromRequires: [{matchLabels: {env: prod}}]
            """,
            "spec.ingress[0].fromRequires: fromRequires was removed in Cilium 1.19; require the"
                + " labels in every fromEndpoints selector instead"),
        row(
            "two L3 kinds in one element",
            """
            spec:
              endpointSelector: {}
              egress:
              - toEndpoints: [{}]
                toCIDR: [10.0.0.0/8]
            """,
            "spec.egress[0]: combining toEndpoints and toCIDR is not supported yet; use one element"
                + " for each"),
        row(
            "a rule with nothing to enforce",
            """
            spec:
              endpointSelector: {}
            """,
            "spec: rule must have at least one of ingress, ingressDeny, egress, egressDeny"),
        row("no spec at all", "spec:\n", "spec or specs must be provided"),
        row(
            "a CNP selecting nodes",
            """
            spec:
              nodeSelector: {}
              ingress: [{fromEntities: [world]}]
            """,
            "spec.nodeSelector: only a CiliumClusterwideNetworkPolicy may select nodes; use"
                + " endpointSelector here"),
        row(
            "L7 rules where the proxy cannot go",
            """
            spec:
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports: [{port: "53", protocol: UDP}]
                  rules: {dns: [{matchName: "a.com"}]}
                - ports: [{port: "0", protocol: TCP}]
                  rules:
                    http: [{path: "/("}]
                    kafka: [{topic: t}]
            """,
            "spec.ingress[0].toPorts[0].rules.dns: L7 protocol DNS is not supported on ingress",
            "spec.ingress[0].toPorts[1].rules: multiple L7 protocol rule types specified in single"
                + " rule",
            "spec.ingress[0].toPorts[1].rules: L7 rules can not be used when a port is 0",
            "spec.ingress[0].toPorts[1].rules.http[0].path: \"/(\" is not a valid RE2 regular"
                + " expression: missing closing )"),
        row(
            "icmps beside toPorts, and a bad ICMP type",
            """
            spec:
              endpointSelector: {}
              egress:
              - icmps: [{fields: [{type: Echo, family: IPv7}, {type: NoSuchType}]}]
                toPorts: [{ports: [{port: "80"}]}]
            """,
            "spec.egress[0].icmps[0].fields[0].family: \"IPv7\" is not a family (IPv4 or IPv6)",
            "spec.egress[0].icmps[0].fields[1].type: \"NoSuchType\" is not an IPv4 ICMP type (0-255"
                + " or a name such as EchoRequest)",
            "spec.egress[0].icmps: may only be present without toPorts; define a separate rule to"
                + " use toPorts"),
        row(
            "selector requirements",
            """
            spec:
              endpointSelector:
                matchExpressions:
                - {key: app, operator: In}
                - {key: app, operator: Exists, values: [x]}
                - {key: "-bad", operator: Exists}
              egress: [{toEntities: [world]}]
            """,
            "spec.endpointSelector.matchExpressions[0].values: must be non-empty when operator is"
                + " In",
            "spec.endpointSelector.matchExpressions[1].values: must be empty when operator is"
                + " Exists",
            "spec.endpointSelector.matchExpressions[2].key: \"-bad\" is not a valid label key (an"
                + " optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' or"
                + " '.')"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void reportsEveryError(String name, String spec, List<String> expected) {
    LoadResult result = new PolicyLoader().load("p.yaml", HEAD + spec);
    List<String> actual = result.errors().stream().map(e -> e.error().toString()).toList();
    assertThat(actual).containsExactlyElementsOf(expected);
    assertThat(result.policyDocuments()).isEqualTo(1);
    for (DocumentError e : result.errors()) {
      assertThat(e.format()).startsWith("p.yaml: CiliumNetworkPolicy prod/p: ");
    }
  }

  private static Arguments row(String name, String spec, String... errors) {
    return Arguments.of(name, spec, List.of(errors));
  }
}
