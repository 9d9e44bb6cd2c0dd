package io.palisade.policy.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.palisade.crds.api.Rule;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.rules.CidrGroups;
import io.palisade.policy.rules.CiliumRuleTranslator;
import io.palisade.policy.rules.PolicyMode;
import io.palisade.policy.rules.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Audit mode, cell by cell: each row is a set of policies of prod/web (an {@code audit:} policy is
 * in audit mode, an {@code enforce:} one enforced) and the outcome each flow must get, {@code AUDIT
 * a,b} naming the audit-mode policies the report names. The engine's MapState lookup (what the
 * datapath does) and the reference evaluator must both give every cell.
 */
class AuditSemanticsTest {

  private static final Cluster CLUSTER =
      new Cluster(
          List.of(new Namespace("prod", Map.of()), new Namespace("dev", Map.of())),
          List.of(
              pod("prod", "web", "10.0.0.1", Map.of("app", "web")),
              pod("prod", "client", "10.0.0.2", Map.of("app", "client")),
              pod("dev", "client", "10.0.0.3", Map.of("app", "client"))));

  private static Pod pod(String ns, String name, String ip, Map<String, String> labels) {
    return new Pod(ns, name, labels, Optional.empty(), Optional.of(ip), Set.of());
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row(
            "only an audit policy selects: what it does not allow passes and is reported",
            List.of("audit a: ingress: [{fromEndpoints: [{matchLabels: {app: client}}]}]"),
            "prod/client>prod/web:80 ALLOWED",
            "dev/client>prod/web:80 AUDIT a",
            "192.168.1.1>prod/web:80 AUDIT a",
            "prod/web>dev/client:80 ALLOWED"),
        row(
            "the same policy enforced drops those flows",
            List.of("enforce a: ingress: [{fromEndpoints: [{matchLabels: {app: client}}]}]"),
            "prod/client>prod/web:80 ALLOWED",
            "dev/client>prod/web:80 DENIED",
            "192.168.1.1>prod/web:80 DENIED"),
        row(
            "an enforced policy keeps its default deny: an audit allow never widens it",
            List.of(
                "enforce e: ingress: [{fromEndpoints: [{matchLabels: {app: client}}],"
                    + " toPorts: [{ports: [{port: '80', protocol: TCP}]}]}]",
                "audit a: ingress: [{fromEndpoints: [{}]}]"),
            "prod/client>prod/web:80 ALLOWED",
            "prod/client>prod/web:81 DENIED",
            "dev/client>prod/web:80 DENIED",
            "192.168.1.1>prod/web:80 DENIED"),
        row(
            "an audit deny of a flow an enforced policy allows passes and is reported",
            List.of(
                "enforce e: ingress: [{fromEndpoints: [{}]}]",
                "audit a: ingressDeny: [{toPorts: [{ports: [{port: '80'}]}]}]"),
            "prod/client>prod/web:80 AUDIT a",
            "prod/client>prod/web:80/UDP AUDIT a",
            "prod/client>prod/web:81 ALLOWED",
            "dev/client>prod/web:80 DENIED",
            "dev/client>prod/web:81 DENIED"),
        row(
            "an enforced deny still drops what an audit policy allows",
            List.of(
                "enforce e: enableDefaultDeny: {ingress: false}\n"
                    + "ingressDeny: [{fromEndpoints: [{matchLabels: {app: client}}]}]",
                "audit a: ingress: [{fromEndpoints: [{matchLabels: {app: client}}]}]"),
            "prod/client>prod/web:80 DENIED",
            "192.168.1.1>prod/web:80 AUDIT a"),
        row(
            "an enforced policy without default deny leaves the audit policy's default deny audited",
            List.of(
                "enforce e: enableDefaultDeny: {ingress: false}\n"
                    + "ingress: [{fromEndpoints: [{matchLabels: {app: client}}]}]",
                "audit a: ingress: [{fromCIDR: [192.168.1.0/24]}]"),
            "prod/client>prod/web:80 ALLOWED",
            "dev/client>prod/web:80 AUDIT a",
            "192.168.1.1>prod/web:80 ALLOWED",
            "192.168.2.1>prod/web:80 AUDIT a"),
        row(
            "two audit policies: a flow neither allows names both",
            List.of(
                "audit a: ingress: [{fromEndpoints: [{matchLabels: {app: client}}]}]",
                "audit b: ingress: [{fromCIDR: [192.168.1.0/24]}]"),
            "prod/client>prod/web:80 ALLOWED",
            "192.168.1.1>prod/web:80 ALLOWED",
            "192.168.2.1>prod/web:80 AUDIT a,b"),
        row(
            "audit mode is per direction: an egress audit policy leaves ingress alone",
            List.of(
                "enforce e: ingress: [{fromEndpoints: [{}]}]",
                "audit a: egress: [{toEndpoints: [{}]}]"),
            "prod/web>prod/client:80 ALLOWED",
            "prod/web>dev/client:80 AUDIT a",
            "prod/web>8.8.8.8:53/UDP AUDIT a",
            "dev/client>prod/web:80 DENIED"),
        row(
            "an audit policy's L7 port is not audited per request; its other ports are",
            List.of(
                "audit a: ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}],"
                    + " rules: {http: [{method: GET}]}}]}]"),
            "prod/client>prod/web:80 ALLOWED",
            "prod/client>prod/web:81 AUDIT a"),
        row(
            "an enforced L7 redirect stays a redirect under an audit deny",
            List.of(
                "enforce e: ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}],"
                    + " rules: {http: [{method: GET}]}}]}]",
                "audit a: ingressDeny: [{fromEndpoints: [{}]}]"),
            "prod/client>prod/web:80 REDIRECTED",
            "prod/client>prod/web:81 DENIED"));
  }

  private static Arguments row(String name, List<String> policies, String... flows) {
    return Arguments.of(name, policies, List.of(flows));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyCell(String name, List<String> policies, List<String> flows) throws Exception {
    List<PolicyRule> rules = new ArrayList<>();
    for (String p : policies) {
      String[] head = p.substring(0, p.indexOf(':')).split(" ");
      String body = p.substring(p.indexOf(':') + 1).strip();
      Rule rule =
          new ObjectMapper(new YAMLFactory())
              .readValue("endpointSelector: {matchLabels: {app: web}}\n" + body, Rule.class);
      PolicyRule r =
          new CiliumRuleTranslator("CiliumNetworkPolicy", "prod", head[1], CidrGroups.none())
              .translate(rule, "spec");
      rules.add(head[0].equals("audit") ? r.withMode(PolicyMode.AUDIT) : r);
    }
    ClusterPolicy cp = new ClusterPolicy(CLUSTER, rules, new InMemoryIdentityAllocator());
    for (String flow : flows) {
      String[] parts = flow.split(" ", 2);
      String[] ends = parts[0].split(">");
      String[] dst = ends[1].split(":");
      String[] portProto = dst[1].split("/");
      Protocol proto =
          portProto.length > 1 ? Protocol.parse(portProto[1]).orElseThrow() : Protocol.TCP;
      int port = Integer.parseInt(portProto[0]);
      FlowEndpoint src = cp.endpoint(ends[0]).orElseThrow();
      FlowEndpoint to = cp.endpoint(dst[0]).orElseThrow();

      FlowVerdict engine = cp.decide(src, to, proto.number(), port);
      assertThat(describe(engine.audited(), engine.outcome().name(), engine.auditedBy()))
          .as("engine: " + flow)
          .isEqualTo(parts[1]);

      DirectionVerdict eg = cp.explain(Direction.EGRESS, src, to, proto.number(), port);
      DirectionVerdict in = cp.explain(Direction.INGRESS, to, src, proto.number(), port);
      Verdict v = eg.verdict().outranks(in.verdict()) ? eg.verdict() : in.verdict();
      List<String> names = new ArrayList<>();
      for (DirectionVerdict side : List.of(eg, in)) {
        side.audit().ifPresent(f -> names.addAll(f.policies()));
      }
      boolean audited = v == Verdict.ALLOW && !names.isEmpty();
      assertThat(describe(audited, Outcome.of(v).name(), names))
          .as("reference: " + flow)
          .isEqualTo(parts[1]);
    }
  }

  private static String describe(boolean audited, String outcome, List<String> policies) {
    if (!audited) {
      return outcome;
    }
    return "AUDIT "
        + String.join(
            ",", policies.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).toList());
  }
}
