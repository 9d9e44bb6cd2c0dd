package io.palisade.policy.flow;

import static io.palisade.policy.flow.KubernetesPolicySemanticsTest.check;
import static io.palisade.policy.flow.KubernetesPolicySemanticsTest.policy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.palisade.crds.api.Rule;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.labels.Label;
import io.palisade.policy.rules.CidrGroups;
import io.palisade.policy.rules.CiliumRuleTranslator;
import io.palisade.policy.rules.KubernetesPolicyTranslator;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.validate.KubernetesPolicyValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an address block means to each policy kind. A Kubernetes NetworkPolicy ipBlock is every
 * address in it, pods' included (the upstream e2e suite's "egress access to server in CIDR block",
 * "except clause" and "IP overlapping both IPBlock.CIDR and IPBlock.Except" cases); a
 * CiliumNetworkPolicy CIDR rule never matches a pod. Three servers share one set of labels, two
 * inside 10.1.0.0/16 and one outside it, and two clients share another, so that a verdict right for
 * one pod and wrong for its twin shows the ipBlock widened to a whole identity. Every verdict is
 * checked on the engine's MapState and on the reference evaluator.
 */
class IpBlockSemanticsTest {

  private static final Cluster CLUSTER =
      new Cluster(
          List.of(new Namespace("prod", Map.of()), new Namespace("dev", Map.of())),
          List.of(
              pod("client", "10.0.0.2", "client"),
              pod("client2", "10.0.0.3", "client"),
              pod("server-a", "10.1.0.10", "server"),
              pod("server-b", "10.1.0.20", "server"),
              pod("server-c", "10.2.0.30", "server")));

  private static Pod pod(String name, String ip, String app) {
    return new Pod("prod", name, Map.of("app", app), Optional.empty(), Optional.of(ip), Set.of());
  }

  private static final String CLIENT_EGRESS =
      "podSelector: {matchLabels: {app: client}}\npolicyTypes: [Egress]\n";

  static Stream<Arguments> networkPolicies() {
    return Stream.of(
        row(
            "egress to an ipBlock reaches the pods inside it, and no same-labelled pod outside",
            CLIENT_EGRESS + "egress: [{to: [{ipBlock: {cidr: 10.1.0.0/16}}], ports: [{port: 80}]}]",
            "prod/client>prod/server-a:80 ALLOWED",
            "prod/client>prod/server-b:80 ALLOWED",
            "prod/client>prod/server-a:81 DENIED",
            "prod/client>prod/server-c:80 DENIED",
            "prod/client>10.1.5.5:80 ALLOWED",
            "prod/client>10.2.5.5:80 DENIED"),
        row(
            "except refuses the pod inside it, and only that one of the same-labelled pods",
            CLIENT_EGRESS
                + "egress: [{to: [{ipBlock: {cidr: 10.1.0.0/16, except: [10.1.0.20/32]}}]}]",
            "prod/client>prod/server-a:80 ALLOWED",
            "prod/client>prod/server-b:80 DENIED",
            "prod/client>prod/server-c:80 DENIED",
            "prod/client>10.1.5.5:80 ALLOWED"),
        row(
            "an address in one ipBlock's except and another ipBlock's cidr is allowed",
            CLIENT_EGRESS
                + "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.20/32]}},"
                + " {ipBlock: {cidr: 10.1.0.20/32}}]}]",
            "prod/client>prod/server-b:80 ALLOWED",
            "prod/client>prod/server-a:80 ALLOWED",
            "prod/client>prod/server-c:80 ALLOWED",
            "prod/client>8.8.8.8:80 DENIED"),
        row(
            "0.0.0.0/0 with an except is every IPv4 pod but those in the except",
            CLIENT_EGRESS + "egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.1.0.0/16]}}]}]",
            "prod/client>prod/server-c:80 ALLOWED",
            "prod/client>prod/client2:80 ALLOWED",
            "prod/client>prod/server-a:80 DENIED",
            "prod/client>8.8.8.8:80 ALLOWED",
            "prod/client>10.1.5.5:80 DENIED"),
        row(
            "ingress from an ipBlock admits the pods inside it, not their twin in the except",
            "podSelector: {matchLabels: {app: server}}\n"
                + "ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.3/32]}}]}]",
            "prod/client>prod/server-a:80 ALLOWED",
            "prod/client>prod/server-c:80 ALLOWED",
            "prod/client2>prod/server-a:80 DENIED",
            "10.0.0.9>prod/server-b:80 ALLOWED",
            "prod/server-b>prod/server-a:80 DENIED"),
        row(
            "an ipBlock beside pod selectors: each peer admits its own",
            "podSelector: {matchLabels: {app: server}}\n"
                + "ingress: [{from: [{podSelector: {matchLabels: {app: server}}},"
                + " {ipBlock: {cidr: 10.0.0.2/32}}]}]",
            "prod/client>prod/server-a:80 ALLOWED",
            "prod/client2>prod/server-a:80 DENIED",
            "prod/server-c>prod/server-a:80 ALLOWED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networkPolicies")
  void networkPolicyIpBlocksMatchPodAddresses(String name, String spec, List<String> flows)
      throws Exception {
    check(CLUSTER, List.of(networkPolicy("p", spec)), flows);
  }

  @Test
  void aSecondPolicyAllowingTheExceptedPodAllowsIt() throws Exception {
    // The e2e case's shape: the except is in one policy, the pod's own block in another.
    PolicyRule excepting =
        networkPolicy(
            "allow-but-b",
            CLIENT_EGRESS
                + "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.20/32]}}]}]");
    PolicyRule allowingB =
        networkPolicy(
            "allow-b", CLIENT_EGRESS + "egress: [{to: [{ipBlock: {cidr: 10.1.0.20/32}}]}]");
    check(CLUSTER, List.of(excepting), List.of("prod/client>prod/server-b:80 DENIED"));
    check(
        CLUSTER,
        List.of(excepting, allowingB),
        List.of("prod/client>prod/server-b:80 ALLOWED", "prod/client>prod/server-a:80 ALLOWED"));
  }

  private static final String CLIENT = "endpointSelector: {matchLabels: {app: client}}\n";

  static Stream<Arguments> ciliumRules() {
    return Stream.of(
        row(
            "toCIDRSet reaches outside addresses only, never the pods inside it",
            CLIENT + "egress: [{toCIDRSet: [{cidr: 10.1.0.0/16}]}]",
            "prod/client>prod/server-a:80 DENIED",
            "prod/client>prod/server-b:80 DENIED",
            "prod/client>10.1.5.5:80 ALLOWED",
            "prod/client>10.2.5.5:80 DENIED"),
        row(
            "toCIDRSet with an except: still no pod",
            CLIENT + "egress: [{toCIDRSet: [{cidr: 10.1.0.0/16, except: [10.1.0.20/32]}]}]",
            "prod/client>prod/server-a:80 DENIED",
            "prod/client>prod/server-b:80 DENIED",
            "prod/client>10.1.5.5:80 ALLOWED"),
        row(
            "an address in one CIDR set's except and another's cidr: outside addresses only",
            CLIENT
                + "egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.20/32]},"
                + " {cidr: 10.1.0.20/32}]}]",
            "prod/client>prod/server-b:80 DENIED",
            "prod/client>prod/server-a:80 DENIED",
            "prod/client>10.2.5.5:80 ALLOWED"),
        row(
            "toCIDR 0.0.0.0/0 is the world, no pod",
            CLIENT + "egress: [{toCIDR: [0.0.0.0/0]}]",
            "prod/client>prod/server-c:80 DENIED",
            "prod/client>8.8.8.8:80 ALLOWED"),
        row(
            "fromCIDRSet admits outside addresses, not the pods inside it",
            "endpointSelector: {matchLabels: {app: server}}\n"
                + "ingress: [{fromCIDRSet: [{cidr: 10.0.0.0/24, except: [10.0.0.3/32]}]}]",
            "prod/client>prod/server-a:80 DENIED",
            "prod/client2>prod/server-a:80 DENIED",
            "10.0.0.9>prod/server-a:80 ALLOWED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ciliumRules")
  void ciliumCidrRulesNeverMatchPods(String name, String rule, List<String> flows)
      throws Exception {
    check(CLUSTER, List.of(ciliumRule(rule)), flows);
  }

  @Test
  void podsInsideAnIpBlockStayOutOfCiliumRulesBeside() throws Exception {
    // With this NetworkPolicy in force server-a and server-b carry ipblock:10.1.0.0/16.
    PolicyRule ipBlock =
        networkPolicy(
            "servers-to-block",
            "podSelector: {matchLabels: {app: server}}\npolicyTypes: [Egress]\n"
                + "egress: [{to: [{ipBlock: {cidr: 10.1.0.0/16}}]}]");
    check(
        CLUSTER,
        List.of(ipBlock, ciliumRule(CLIENT + "egress: [{toCIDRSet: [{cidr: 10.1.0.0/16}]}]")),
        List.of("prod/client>prod/server-a:80 DENIED", "prod/client>10.1.5.5:80 ALLOWED"));
    // "10.1.0.0/16" is also a valid label key; without a source it means any source but ipblock.
    check(
        CLUSTER,
        List.of(
            ipBlock,
            ciliumRule(
                CLIENT
                    + "egress: [{toEndpoints: [{matchExpressions:"
                    + " [{key: 10.1.0.0/16, operator: Exists}]}]}]")),
        List.of("prod/client>prod/server-a:80 DENIED"));
    check(
        CLUSTER,
        List.of(
            ipBlock,
            ciliumRule(
                CLIENT
                    + "egress: [{toEndpoints: [{matchLabels: {app: server}, matchExpressions:"
                    + " [{key: 10.1.0.0/16, operator: DoesNotExist}]}]}]")),
        List.of("prod/client>prod/server-a:80 ALLOWED", "prod/client>prod/server-c:80 ALLOWED"));
  }

  @Test
  void onlyPodsInsideAnIpBlockChangeIdentity() throws Exception {
    Map<String, Identity> without = identities(List.of());
    Map<String, Identity> with =
        identities(
            List.of(
                networkPolicy(
                    "p", CLIENT_EGRESS + "egress: [{to: [{ipBlock: {cidr: 10.1.0.0/16}}]}]")));
    for (String outside : List.of("prod/client", "prod/client2", "prod/server-c")) {
      assertThat(with.get(outside)).as(outside).isEqualTo(without.get(outside));
    }
    // Same labels and the same blocks: one identity, with the block's label on top of the old.
    assertThat(with.get("prod/server-a")).isEqualTo(with.get("prod/server-b"));
    assertThat(with.get("prod/server-a").id()).isNotEqualTo(without.get("prod/server-a").id());
    assertThat(with.get("prod/server-a").labels().asList())
        .containsAll(without.get("prod/server-a").labels().asList())
        .contains(new Label(Label.IPBLOCK, "10.1.0.0/16", ""));
    // Another allocator over the same cluster and rules hands out the same numbers.
    assertThat(identities(List.of(networkPolicy("p", CLIENT_EGRESS + "egress: []"))))
        .isEqualTo(without);
  }

  @Test
  void anExceptSplitsSameLabelledPodsIntoTwoIdentities() throws Exception {
    Map<String, Identity> ids =
        identities(
            List.of(
                networkPolicy(
                    "p",
                    CLIENT_EGRESS
                        + "egress: [{to: [{ipBlock: {cidr: 10.1.0.0/16,"
                        + " except: [10.1.0.20/32]}}]}]")));
    assertThat(ids.get("prod/server-a").id()).isNotEqualTo(ids.get("prod/server-b").id());
    assertThat(ids.get("prod/server-b").labels().asList())
        .contains(
            new Label(Label.IPBLOCK, "10.1.0.0/16", ""),
            new Label(Label.IPBLOCK, "10.1.0.20/32", ""));
  }

  private static Map<String, Identity> identities(List<PolicyRule> rules) {
    ClusterPolicy cp = new ClusterPolicy(CLUSTER, rules, new InMemoryIdentityAllocator());
    Map<String, Identity> out = new TreeMap<>();
    cp.pods().forEach(p -> out.put(p.name(), p.identity()));
    return out;
  }

  private static PolicyRule networkPolicy(String name, String spec) throws Exception {
    var np = policy("prod", name, spec);
    assertThat(KubernetesPolicyValidator.validate(np)).isEmpty();
    return KubernetesPolicyTranslator.rule(np);
  }

  private static PolicyRule ciliumRule(String yaml) throws Exception {
    Rule rule = new ObjectMapper(new YAMLFactory()).readValue(yaml, Rule.class);
    return new CiliumRuleTranslator("CiliumNetworkPolicy", "prod", "r", CidrGroups.none())
        .translate(rule, "spec");
  }

  private static Arguments row(String name, String spec, String... flows) {
    return Arguments.of(name, spec, new ArrayList<>(List.of(flows)));
  }
}
