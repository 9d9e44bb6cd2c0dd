package io.palisade.policy.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.palisade.crds.api.Rule;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.resolve.NamedPort;
import io.palisade.policy.rules.CidrGroups;
import io.palisade.policy.rules.CiliumRuleTranslator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cilium's semantics on a small cluster, one rule of prod/web's (or a CCNP's) at a time: each row
 * is a rule and the verdicts it must give for flows toward (or from) prod/web.
 */
class PolicySemanticsTest {

  private static final Cluster CLUSTER =
      new Cluster(
          List.of(new Namespace("prod", Map.of("team", "a")), new Namespace("dev", Map.of())),
          List.of(
              pod(
                  "prod",
                  "web",
                  "10.0.0.1",
                  Map.of("app", "web"),
                  new NamedPort("http", Protocol.TCP, 8080)),
              pod("prod", "client", "10.0.0.2", Map.of("app", "client")),
              pod("dev", "client", "10.0.0.3", Map.of("app", "client"))));

  private static Pod pod(
      String ns, String name, String ip, Map<String, String> labels, NamedPort... ports) {
    return new Pod(ns, name, labels, Optional.empty(), Optional.of(ip), Set.of(ports));
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row(
            "ingress: [{}] turns default deny on and allows nothing",
            "ingress: [{}]",
            "prod/client>prod/web:80 DENIED",
            "192.168.1.1>prod/web:80 DENIED",
            "prod/web>dev/client:80 ALLOWED"),
        row(
            "an empty peer list selects nothing",
            "ingress: [{fromEndpoints: []}]",
            "prod/client>prod/web:80 DENIED"),
        row(
            "[{}] in a CNP selects the policy's namespace only",
            "ingress: [{fromEndpoints: [{}]}]",
            "prod/client>prod/web:80 ALLOWED",
            "dev/client>prod/web:80 DENIED",
            "192.168.1.1>prod/web:80 DENIED"),
        row(
            "ports without peers allow any peer, the world included",
            "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}]}]}]",
            "dev/client>prod/web:80 ALLOWED",
            "192.168.1.1>prod/web:80 ALLOWED",
            "dev/client>prod/web:81 DENIED",
            "dev/client>prod/web:80/UDP DENIED"),
        row(
            "a namespace selector reaches across namespaces",
            "ingress: [{fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: dev}}]}]",
            "dev/client>prod/web:80 ALLOWED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "namespace labels select namespaces",
            "ingress: [{fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.team: a}}]}]",
            "prod/client>prod/web:80 ALLOWED",
            "dev/client>prod/web:80 DENIED"),
        row(
            "a deny wins over an allow it overlaps",
            "ingress: [{fromEndpoints: [{}]}]\ningressDeny: [{toPorts: [{ports: [{port: '80'}]}]}]",
            "prod/client>prod/web:80 DENIED",
            "prod/client>prod/web:81 ALLOWED"),
        row(
            "a deny alone turns default deny on",
            "ingressDeny: [{fromEndpoints: [{matchLabels: {app: client}}]}]",
            "prod/client>prod/web:80 DENIED",
            "192.168.1.1>prod/web:80 DENIED"),
        row(
            "enableDefaultDeny false keeps other traffic flowing; denies still apply",
            "enableDefaultDeny: {ingress: false}\n"
                + "ingressDeny: [{fromEndpoints: [{matchLabels: {app: client}}]}]",
            "prod/client>prod/web:80 DENIED",
            "192.168.1.1>prod/web:80 ALLOWED"),
        row(
            "port ranges",
            "ingress: [{toPorts: [{ports: [{port: '80', endPort: 90, protocol: TCP}]}]}]",
            "prod/client>prod/web:79 DENIED",
            "prod/client>prod/web:80 ALLOWED",
            "prod/client>prod/web:90 ALLOWED",
            "prod/client>prod/web:91 DENIED"),
        row(
            "named ports resolve through the subject's container ports on ingress",
            "ingress: [{toPorts: [{ports: [{port: http}]}]}]",
            "prod/client>prod/web:8080 ALLOWED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "L7 rules redirect to the proxy",
            "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{method: GET}]}}]}]",
            "prod/client>prod/web:80 REDIRECTED",
            "prod/client>prod/web:81 DENIED"),
        row(
            "the world entity is every outside address, not pods",
            "ingress: [{fromEntities: [world]}]",
            "192.168.1.1>prod/web:80 ALLOWED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "the cluster entity is every pod, not the world",
            "ingress: [{fromEntities: [cluster]}]",
            "dev/client>prod/web:80 ALLOWED",
            "192.168.1.1>prod/web:80 DENIED"),
        row(
            "a CIDR with an exception",
            "ingress: [{fromCIDRSet: [{cidr: 192.168.0.0/16, except: [192.168.2.0/24]}]}]",
            "192.168.1.1>prod/web:80 ALLOWED",
            "192.168.2.1>prod/web:80 DENIED",
            "8.8.8.8>prod/web:80 DENIED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "egress to a CIDR; replies are not this engine's concern",
            "egress: [{toCIDR: [192.168.1.0/24]}]",
            "prod/web>192.168.1.1:443 ALLOWED",
            "prod/web>192.168.2.1:443 DENIED",
            "prod/web>prod/client:80 DENIED"),
        row(
            "egress named ports resolve through the peer's container ports",
            "egress: [{toEndpoints: [{}], toPorts: [{ports: [{port: http}]}]}]",
            "prod/web>prod/web:8080 ALLOWED"),
        row(
            "ICMP types",
            "ingress: [{icmps: [{fields: [{type: EchoRequest}]}]}]",
            "prod/client>prod/web:8/ICMP ALLOWED",
            "prod/client>prod/web:0/ICMP DENIED",
            "prod/client>prod/web:80 DENIED"));
  }

  private static Arguments row(String name, String rule, String... flows) {
    return Arguments.of(name, rule, List.of(flows));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void verdicts(String name, String ruleBody, List<String> flows) throws Exception {
    String yaml = "endpointSelector: {matchLabels: {app: web}}\n" + ruleBody;
    Rule rule = new ObjectMapper(new YAMLFactory()).readValue(yaml, Rule.class);
    ClusterPolicy cp =
        new ClusterPolicy(
            CLUSTER,
            List.of(
                new CiliumRuleTranslator("CiliumNetworkPolicy", "prod", "r", CidrGroups.none())
                    .translate(rule, "spec")),
            new InMemoryIdentityAllocator());
    for (String flow : flows) {
      String[] parts = flow.split("[> ]");
      String[] dst = parts[1].split(":");
      String[] portProto = dst[1].split("/");
      Protocol proto =
          portProto.length > 1 ? Protocol.parse(portProto[1]).orElseThrow() : Protocol.TCP;
      FlowVerdict v =
          cp.decide(
              cp.endpoint(parts[0]).orElseThrow(),
              cp.endpoint(dst[0]).orElseThrow(),
              proto.number(),
              Integer.parseInt(portProto[0]));
      assertThat(v.outcome().name()).as(flow).isEqualTo(parts[2]);
    }
  }
}
