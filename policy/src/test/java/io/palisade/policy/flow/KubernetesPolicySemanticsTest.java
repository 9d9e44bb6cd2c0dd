package io.palisade.policy.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.resolve.NamedPort;
import io.palisade.policy.rules.KubernetesPolicyTranslator;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.PolicySet;
import io.palisade.policy.validate.KubernetesPolicyValidator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kubernetes' NetworkPolicy semantics on a small cluster: each row is the spec of one policy in
 * namespace prod and the verdicts it must give. Every verdict is checked on the engine's MapState
 * and on the reference evaluator.
 */
class KubernetesPolicySemanticsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Cluster CLUSTER =
      new Cluster(
          List.of(
              new Namespace("prod", Map.of("team", "a")),
              new Namespace("dev", Map.of("team", "b"))),
          List.of(
              pod(
                  "prod",
                  "web",
                  "10.0.0.1",
                  Map.of("app", "web"),
                  new NamedPort("http", Protocol.TCP, 8080)),
              pod("prod", "client", "10.0.0.2", Map.of("app", "client")),
              pod("dev", "client", "10.0.0.3", Map.of("app", "client")),
              pod(
                  "dev",
                  "db",
                  "10.0.0.4",
                  Map.of("app", "db"),
                  new NamedPort("sql", Protocol.TCP, 5432))));

  private static Pod pod(
      String ns, String name, String ip, Map<String, String> labels, NamedPort... ports) {
    return new Pod(ns, name, labels, Optional.empty(), Optional.of(ip), Set.of(ports));
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row(
            "no rules: ingress is covered and denied for every pod of the namespace",
            "podSelector: {}",
            "prod/client>prod/web:80 DENIED",
            "dev/client>prod/client:80 DENIED",
            "192.168.1.1>prod/web:80 DENIED",
            "prod/web>dev/client:80 ALLOWED",
            "dev/client>dev/db:80 ALLOWED"),
        row(
            "policyTypes [Egress] without rules denies egress and leaves ingress open",
            "podSelector: {}\npolicyTypes: [Egress]",
            "prod/web>dev/client:80 DENIED",
            "prod/web>8.8.8.8:443 DENIED",
            "dev/client>prod/web:80 ALLOWED"),
        row(
            "the podSelector picks the subjects, in the policy's namespace only",
            "podSelector: {matchLabels: {app: client}}",
            "prod/web>prod/client:80 DENIED",
            "dev/client>prod/web:80 ALLOWED",
            "prod/web>dev/client:80 ALLOWED"),
        row(
            "ingress: [{}] allows everything, the world included",
            "podSelector: {}\ningress: [{}]",
            "dev/client>prod/web:80 ALLOWED",
            "192.168.1.1>prod/web:9999/UDP ALLOWED"),
        row(
            "a podSelector peer alone stays in the policy's namespace",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]",
            "prod/client>prod/web:80 ALLOWED",
            "dev/client>prod/web:80 DENIED",
            "192.168.1.1>prod/web:80 DENIED"),
        row(
            "an empty podSelector peer is every pod of the policy's namespace",
            "podSelector: {matchLabels: {app: web}}\ningress: [{from: [{podSelector: {}}]}]",
            "prod/client>prod/web:80 ALLOWED",
            "dev/db>prod/web:80 DENIED"),
        row(
            "a namespaceSelector peer alone is every pod of the matching namespaces",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}]}]",
            "dev/client>prod/web:80 ALLOWED",
            "dev/db>prod/web:80 ALLOWED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "namespaces are selectable by their automatic metadata.name label",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{namespaceSelector: {matchExpressions: "
                + "[{key: kubernetes.io/metadata.name, operator: In, values: [dev]}]}}]}]",
            "dev/client>prod/web:80 ALLOWED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "an empty namespaceSelector is every pod of every namespace, not the world",
            "podSelector: {matchLabels: {app: web}}\ningress: [{from: [{namespaceSelector: {}}]}]",
            "dev/client>prod/web:80 ALLOWED",
            "prod/client>prod/web:80 ALLOWED",
            "192.168.1.1>prod/web:80 DENIED"),
        row(
            "namespaceSelector and podSelector in one peer are ANDed",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}},"
                + " podSelector: {matchLabels: {app: client}}}]}]",
            "dev/client>prod/web:80 ALLOWED",
            "dev/db>prod/web:80 DENIED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "separate peers are ORed",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}},"
                + " {podSelector: {matchLabels: {app: client}}}]}]",
            "dev/client>prod/web:80 ALLOWED",
            "dev/db>prod/web:80 ALLOWED",
            "prod/client>prod/web:80 ALLOWED"),
        row(
            "matchExpressions on pods: NotIn and DoesNotExist",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{namespaceSelector: {}, podSelector: {matchExpressions: "
                + "[{key: app, operator: NotIn, values: [db]}, {key: tier, operator: DoesNotExist}]}}]}]",
            "dev/client>prod/web:80 ALLOWED",
            "dev/db>prod/web:80 DENIED"),
        row(
            "an ipBlock with an exception selects outside addresses, not pods",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16, except: [192.168.2.0/24]}}]}]",
            "192.168.1.1>prod/web:80 ALLOWED",
            "192.168.2.1>prod/web:80 DENIED",
            "8.8.8.8>prod/web:80 DENIED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "ipBlock 0.0.0.0/0 is the whole IPv4 world",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]",
            "8.8.8.8>prod/web:80 ALLOWED",
            "192.168.1.1>prod/web:80 ALLOWED"),
        row(
            "ports without from admit anyone on those ports; TCP is the default protocol",
            "podSelector: {matchLabels: {app: web}}\ningress: [{ports: [{port: 80}]}]",
            "dev/client>prod/web:80 ALLOWED",
            "192.168.1.1>prod/web:80 ALLOWED",
            "dev/client>prod/web:81 DENIED",
            "dev/client>prod/web:80/UDP DENIED"),
        row(
            "UDP and SCTP ports",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{ports: [{port: 53, protocol: UDP}, {port: 9000, protocol: SCTP}]}]",
            "prod/client>prod/web:53/UDP ALLOWED",
            "prod/client>prod/web:53 DENIED",
            "prod/client>prod/web:9000/SCTP ALLOWED",
            "prod/client>prod/web:9000 DENIED"),
        row(
            "a protocol without a port is every port of that protocol",
            "podSelector: {matchLabels: {app: web}}\ningress: [{ports: [{protocol: UDP}]}]",
            "prod/client>prod/web:1/UDP ALLOWED",
            "prod/client>prod/web:65535/UDP ALLOWED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "endPort makes a range, both ends included",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{ports: [{port: 8000, endPort: 8080, protocol: TCP}]}]",
            "prod/client>prod/web:7999 DENIED",
            "prod/client>prod/web:8000 ALLOWED",
            "prod/client>prod/web:8080 ALLOWED",
            "prod/client>prod/web:8081 DENIED"),
        row(
            "a named port resolves through the subject's container ports on ingress",
            "podSelector: {matchLabels: {app: web}}\ningress: [{ports: [{port: http}]}]",
            "prod/client>prod/web:8080 ALLOWED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "peers times ports: only those peers on those ports",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{podSelector: {matchLabels: {app: client}}}],"
                + " ports: [{port: 80}]}]",
            "prod/client>prod/web:80 ALLOWED",
            "prod/client>prod/web:81 DENIED",
            "dev/client>prod/web:80 DENIED"),
        row(
            "separate rules are ORed, each with its own ports",
            "podSelector: {matchLabels: {app: web}}\n"
                + "ingress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: 80}]},"
                + " {from: [{namespaceSelector: {matchLabels: {team: b}}}], ports: [{port: 81}]}]",
            "prod/client>prod/web:80 ALLOWED",
            "prod/client>prod/web:81 DENIED",
            "dev/client>prod/web:81 ALLOWED",
            "dev/client>prod/web:80 DENIED"),
        row(
            "egress rules without policyTypes cover egress, and ingress too",
            "podSelector: {matchLabels: {app: web}}\n"
                + "egress: [{to: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: 80}]}]",
            "prod/web>prod/client:80 ALLOWED",
            "prod/web>prod/client:81 DENIED",
            "prod/web>dev/client:80 DENIED",
            "prod/web>8.8.8.8:80 DENIED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "policyTypes [Ingress] ignores egress rules",
            "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Ingress]\n"
                + "egress: [{to: [{podSelector: {matchLabels: {app: client}}}]}]",
            "prod/web>8.8.8.8:443 ALLOWED",
            "prod/client>prod/web:80 DENIED"),
        row(
            "egress: [{}] allows all egress",
            "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress: [{}]",
            "prod/web>8.8.8.8:443 ALLOWED",
            "prod/web>dev/db:5432 ALLOWED"),
        row(
            "egress to an ipBlock",
            "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\n"
                + "egress: [{to: [{ipBlock: {cidr: 192.168.1.0/24}}], ports: [{port: 443}]}]",
            "prod/web>192.168.1.1:443 ALLOWED",
            "prod/web>192.168.1.1:80 DENIED",
            "prod/web>192.168.2.1:443 DENIED",
            "prod/web>prod/client:443 DENIED"),
        row(
            "an egress named port resolves through the peer's container ports",
            "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\n"
                + "egress: [{to: [{namespaceSelector: {}}], ports: [{port: sql}]}]",
            "prod/web>dev/db:5432 ALLOWED",
            "prod/web>dev/db:80 DENIED"));
  }

  private static Arguments row(String name, String spec, String... flows) {
    return Arguments.of(name, spec, List.of(flows));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void verdicts(String name, String spec, List<String> flows) throws Exception {
    NetworkPolicy np = policy("prod", "p", spec);
    assertThat(KubernetesPolicyValidator.validate(np)).isEmpty();
    check(new PolicySet().add(KubernetesPolicyTranslator.translate(np)), flows);
  }

  @Test
  void policiesSelectingTheSamePodAreUnioned() throws Exception {
    PolicySet set =
        new PolicySet()
            .add(
                KubernetesPolicyTranslator.translate(
                    policy(
                        "prod",
                        "from-clients",
                        "podSelector: {matchLabels: {app: web}}\n"
                            + "ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]")))
            .add(
                KubernetesPolicyTranslator.translate(
                    policy(
                        "prod",
                        "from-dev",
                        "podSelector: {}\n"
                            + "ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}]}]")))
            .add(
                KubernetesPolicyTranslator.translate(policy("dev", "deny-all", "podSelector: {}")));
    check(
        set,
        List.of(
            "prod/client>prod/web:80 ALLOWED",
            "dev/client>prod/web:80 ALLOWED",
            "192.168.1.1>prod/web:80 DENIED",
            "prod/web>prod/client:80 DENIED",
            "dev/db>prod/client:80 ALLOWED",
            "prod/client>dev/db:80 DENIED"));
  }

  @Test
  void originsNameTheKindThePolicyAndTheRule() throws Exception {
    var rule =
        KubernetesPolicyTranslator.rule(
            policy("prod", "p", "podSelector: {}\ningress: [{}, {ports: [{port: 80}]}]"));
    assertThat(rule.origin().toString()).isEqualTo("NetworkPolicy prod/p spec");
    assertThat(rule.sections(Direction.INGRESS).stream().map(Object::toString))
        .containsExactly(
            "NetworkPolicy prod/p spec.ingress[0]", "NetworkPolicy prod/p spec.ingress[1]");
  }

  static NetworkPolicy policy(String namespace, String name, String spec) throws Exception {
    String yaml =
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            + "metadata: {name: "
            + name
            + ", namespace: "
            + namespace
            + "}\nspec:\n"
            + spec.indent(2);
    return YAML.readValue(yaml, NetworkPolicy.class);
  }

  /** Checks each flow on the engine's MapState and on the reference evaluator. */
  static void check(PolicySet set, List<String> flows) {
    check(CLUSTER, set.rules(), flows);
  }

  /**
   * Checks each flow ({@code src>dst:port[/PROTO] ALLOWED|DENIED|REDIRECTED}, an end being {@code
   * namespace/pod} or an address) on the engine's MapState and on the reference evaluator.
   */
  static void check(Cluster cluster, List<PolicyRule> rules, List<String> flows) {
    ClusterPolicy cp = new ClusterPolicy(cluster, rules, new InMemoryIdentityAllocator());
    for (String flow : flows) {
      String[] parts = flow.split("[> ]");
      String[] dst = parts[1].split(":");
      String[] portProto = dst[1].split("/");
      Protocol proto =
          portProto.length > 1 ? Protocol.parse(portProto[1]).orElseThrow() : Protocol.TCP;
      FlowEndpoint src = cp.endpoint(parts[0]).orElseThrow();
      FlowEndpoint to = cp.endpoint(dst[0]).orElseThrow();
      int port = Integer.parseInt(portProto[0]);
      FlowVerdict v = cp.decide(src, to, proto.number(), port);
      assertThat(v.outcome().name()).as(flow).isEqualTo(parts[2]);
      Verdict egress = cp.explain(Direction.EGRESS, src, to, proto.number(), port).verdict();
      Verdict ingress = cp.explain(Direction.INGRESS, to, src, proto.number(), port).verdict();
      Verdict reference = egress.outranks(ingress) ? egress : ingress;
      assertThat(Outcome.of(reference).name()).as("reference: " + flow).isEqualTo(parts[2]);
    }
  }
}
