package io.palisade.policy.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.palisade.crds.api.Rule;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.rules.CidrGroups;
import io.palisade.policy.rules.CiliumRuleTranslator;
import io.palisade.policy.rules.KubernetesPolicyTranslator;
import io.palisade.policy.rules.PolicyMode;
import io.palisade.policy.rules.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The engine's MapState lookup gives the reference evaluator's verdict on random policies (Cilium
 * rules and Kubernetes NetworkPolicies whose ipBlocks cut through the pods' addresses), random
 * clusters and random flows. The seed is printed on failure; {@code -Dpalisade.seed=N} replays it.
 */
class EngineMatchesReferenceTest {

  private static final int POLICY_SETS = 1_000;
  private static final int FLOWS_PER_SET = 100;
  private static final List<Integer> PORTS = List.of(0, 53, 80, 81, 85, 90, 180, 443, 8080);

  @Test
  void mapStateLookupEqualsTheReferenceOnOneHundredThousandCases() throws Exception {
    long seed = Long.getLong("palisade.seed", new Random().nextLong());
    Random random = new Random(seed);
    RandomPolicies gen = new RandomPolicies(random);
    RandomNetworkPolicies knps = new RandomNetworkPolicies(random);
    int cases = 0;
    int podsInIpBlocks = 0;
    int audited = 0;
    int[] outcomes = new int[Verdict.values().length];
    for (int set = 0; set < POLICY_SETS; set++) {
      Cluster cluster = gen.cluster();
      List<Object> raw = new ArrayList<>();
      List<PolicyRule> rules = new ArrayList<>();
      int n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        if (random.nextInt(4) == 0) {
          NetworkPolicy np = knps.policy(gen.pick(RandomPolicies.NAMESPACES), "np" + i);
          raw.add(np);
          rules.add(mode(random, KubernetesPolicyTranslator.rule(np)));
          continue;
        }
        Rule rule = gen.rule();
        raw.add(rule);
        String ns = random.nextInt(4) == 0 ? "" : gen.pick(RandomPolicies.NAMESPACES);
        String kind = ns.isEmpty() ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy";
        rules.add(
            mode(
                random,
                new CiliumRuleTranslator(kind, ns, "p" + i, CidrGroups.none())
                    .translate(rule, "spec")));
      }
      ClusterPolicy cp = new ClusterPolicy(cluster, rules, new InMemoryIdentityAllocator());
      Set<CidrPrefix> blocks = PolicyRule.ipBlockPrefixesOf(rules);
      List<FlowEndpoint> ends = new ArrayList<>(cp.pods());
      for (String a : RandomPolicies.OUTSIDE) {
        ends.add(cp.endpoint(a).orElseThrow());
      }
      for (int f = 0; f < FLOWS_PER_SET; f++) {
        FlowEndpoint src = gen.pick(ends);
        FlowEndpoint dst =
            src.isLocal() && random.nextInt(4) == 0 ? gen.pick(ends) : gen.pick(cp.pods());
        Protocol proto =
            gen.pick(List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP, Protocol.ICMP));
        int port = proto == Protocol.ICMP ? gen.pick(List.of(0, 8)) : gen.pick(PORTS);
        FlowVerdict decided = cp.decide(src, dst, proto.number(), port);
        Verdict engine = decided.verdict();
        DirectionVerdict eg = cp.explain(Direction.EGRESS, src, dst, proto.number(), port);
        DirectionVerdict in = cp.explain(Direction.INGRESS, dst, src, proto.number(), port);
        Verdict expected = eg.verdict().outranks(in.verdict()) ? eg.verdict() : in.verdict();
        boolean expectAudit =
            expected == Verdict.ALLOW && (eg.audit().isPresent() || in.audit().isPresent());
        if (engine != expected || decided.audited() != expectAudit) {
          throw new AssertionError(
              String.format(
                  "seed %d (replay with -Dpalisade.seed=%d), policy set %d: %s -> %s %s/%d:"
                      + " engine %s%s, reference %s%s (egress %s, ingress %s)%n"
                      + "rules (audit-mode: %s):%n%s%ncluster: %s%n"
                      + "source policy:%n%s%ndestination policy:%n%s",
                  seed,
                  seed,
                  set,
                  src,
                  dst,
                  proto,
                  port,
                  engine,
                  decided.audited() ? " AUDIT" : "",
                  expected,
                  expectAudit ? " AUDIT" : "",
                  eg.verdict(),
                  in.verdict(),
                  rules.stream().filter(PolicyRule::audited).map(r -> r.origin().name()).toList(),
                  yaml(raw),
                  cluster,
                  src.isLocal() ? cp.engine().policyFor(src.identity().id()) : "-",
                  cp.engine().policyFor(dst.identity().id())));
        }
        outcomes[engine.ordinal()]++;
        audited += decided.audited() ? 1 : 0;
        cases++;
        if (inAnIpBlock(src, blocks) || inAnIpBlock(dst, blocks)) {
          podsInIpBlocks++;
        }
      }
    }
    System.out.printf(
        "engine = reference on %d cases (seed %d): %d allowed, %d redirected, %d denied;"
            + " an end was a pod inside an ipBlock in %d; %d allowed flows audited%n",
        cases, seed, outcomes[0], outcomes[1], outcomes[2], podsInIpBlocks, audited);
    assertThat(audited).isGreaterThan(cases / 1000);
    assertThat(cases).isGreaterThanOrEqualTo(100_000);
    assertThat(podsInIpBlocks).isGreaterThan(cases / 100);
    // Random policies must exercise every verdict, or the comparison proves little.
    for (int count : outcomes) {
      assertThat(count).isGreaterThan(cases / 1000);
    }
  }

  /** One rule in five is in audit mode, so that engine and reference agree on audit reports. */
  private static PolicyRule mode(Random random, PolicyRule rule) {
    return random.nextInt(5) == 0 ? rule.withMode(PolicyMode.AUDIT) : rule;
  }

  /** Whether {@code end} is a pod whose address lies in one of the rules' ipBlocks. */
  private static boolean inAnIpBlock(FlowEndpoint end, Set<CidrPrefix> blocks) {
    Optional<byte[]> address = end.pod().flatMap(p -> p.ip()).flatMap(CidrPrefix::parseAddress);
    return address.isPresent() && blocks.stream().anyMatch(b -> b.containsAddress(address.get()));
  }

  private static String yaml(List<Object> rules) throws Exception {
    return new ObjectMapper(new YAMLFactory()).writeValueAsString(rules);
  }
}
