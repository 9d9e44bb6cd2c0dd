package io.palisade.policy.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.api.Rule;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.reach.CellChange;
import io.palisade.policy.reach.CellPort;
import io.palisade.policy.reach.CellPorts;
import io.palisade.policy.reach.ReachabilityDiff;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.rules.CidrGroups;
import io.palisade.policy.rules.CiliumRuleTranslator;
import io.palisade.policy.rules.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The diff of two random policy sets over a random cluster is exactly the cells whose verdict, as
 * the reference evaluator gives it from the rules (not the engine's MapState the diff reads),
 * differs between them; the grouped count agrees with the listing. The seed is printed on failure;
 * {@code -Dpalisade.seed=N} replays it.
 */
class ReachabilityDiffMatchesReferenceTest {

  private static final int CASES = 150;

  @Test
  void theDiffIsTheCellsWhoseReferenceVerdictChanges() {
    long seed = Long.getLong("palisade.seed", new Random().nextLong());
    Random random = new Random(seed);
    RandomPolicies gen = new RandomPolicies(random);
    int changed = 0;
    int widened = 0;
    for (int n = 0; n < CASES; n++) {
      Cluster cluster = duplicated(gen.cluster(), random);
      List<PolicyRule> before = rules(gen, random, "a");
      List<PolicyRule> after =
          random.nextBoolean() ? mutate(before, gen, random) : rules(gen, random, "b");
      List<CellPort> ports = CellPorts.of(cluster, List.of(before, after));
      if (ports.isEmpty()) {
        ports = List.of(new CellPort(Protocol.TCP, 80));
      }
      ClusterPolicy was = new ClusterPolicy(cluster, before, new InMemoryIdentityAllocator());
      ClusterPolicy now = new ClusterPolicy(cluster, after, new InMemoryIdentityAllocator());
      List<CellChange> diff = ReachabilityDiff.changes(was, now, ports);

      Set<String> expected = new TreeSet<>();
      for (CellPort p : ports) {
        for (FlowEndpoint from : was.pods()) {
          for (FlowEndpoint to : was.pods()) {
            if (from.name().equals(to.name())) {
              continue;
            }
            Verdict v0 = reference(was, from.name(), to.name(), p);
            Verdict v1 = reference(now, from.name(), to.name(), p);
            if (v0 != v1) {
              expected.add(from.name() + ">" + to.name() + " " + p + " " + v0 + ">" + v1);
            }
          }
        }
      }
      Set<String> actual = new TreeSet<>();
      for (CellChange c : diff) {
        actual.add(
            c.from()
                + ">"
                + c.to()
                + " "
                + c.port()
                + " "
                + verdict(c.before())
                + ">"
                + verdict(c.after()));
        assertThat(c.rule()).as("seed %d: the rule of %s", seed, c).isNotBlank();
      }
      assertThat(actual)
          .as("seed %d (replay with -Dpalisade.seed=%d), case %d", seed, seed, n)
          .isEqualTo(expected);

      long w = diff.stream().filter(CellChange::widened).count();
      assertThat(diff.subList(0, (int) w)).allMatch(CellChange::widened);
      ReachabilityDiff.Counts counts = ReachabilityDiff.count(was, now, ports, Long.MAX_VALUE);
      assertThat(counts).isEqualTo(new ReachabilityDiff.Counts(w, diff.size() - w, true));
      changed += diff.size();
      widened += (int) w;
    }
    // The generator must produce both kinds of change, or the comparison proves little.
    assertThat(widened).isPositive();
    assertThat(changed - widened).isPositive();
  }

  @Test
  void aCountOverItsBudgetSaysItIsIncomplete() {
    Random random = new Random(7);
    RandomPolicies gen = new RandomPolicies(random);
    Cluster cluster = duplicated(gen.cluster(), random);
    ClusterPolicy was = new ClusterPolicy(cluster, List.of(), new InMemoryIdentityAllocator());
    ClusterPolicy now = new ClusterPolicy(cluster, List.of(), new InMemoryIdentityAllocator());
    List<CellPort> ports = List.of(new CellPort(Protocol.TCP, 80));
    assertThat(ReachabilityDiff.count(was, now, ports, 1).complete()).isFalse();
    assertThat(ReachabilityDiff.count(was, now, ports, Long.MAX_VALUE))
        .isEqualTo(new ReachabilityDiff.Counts(0, 0, true));
  }

  /** The reference evaluator's verdict of a flow: the worse of the two sides. */
  private static Verdict reference(ClusterPolicy cp, String from, String to, CellPort p) {
    FlowEndpoint src = cp.endpoint(from).orElseThrow();
    FlowEndpoint dst = cp.endpoint(to).orElseThrow();
    DirectionVerdict eg = cp.explain(Direction.EGRESS, src, dst, p.protocol().number(), p.port());
    DirectionVerdict in = cp.explain(Direction.INGRESS, dst, src, p.protocol().number(), p.port());
    return eg.verdict().outranks(in.verdict()) ? eg.verdict() : in.verdict();
  }

  private static Verdict verdict(Outcome o) {
    return switch (o) {
      case ALLOWED -> Verdict.ALLOW;
      case REDIRECTED -> Verdict.REDIRECT;
      case DENIED -> Verdict.DENY;
    };
  }

  /** Some pods twice (same labels, another name and address), so groups have several members. */
  private static Cluster duplicated(Cluster c, Random random) {
    List<Pod> pods = new ArrayList<>(c.pods());
    int i = 0;
    for (Pod p : c.pods()) {
      if (random.nextBoolean()) {
        pods.add(
            new Pod(
                p.namespace(),
                p.name() + "-twin",
                p.labels(),
                p.serviceAccount(),
                Optional.of("10.0.1." + (++i)),
                p.ports()));
      }
    }
    return new Cluster(c.namespaces(), pods);
  }

  private static List<PolicyRule> rules(RandomPolicies gen, Random random, String prefix) {
    List<PolicyRule> rules = new ArrayList<>();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      rules.add(rule(gen, random, prefix + i));
    }
    return rules;
  }

  /** The same rules with one replaced, dropped or added: a change as a pull request makes it. */
  private static List<PolicyRule> mutate(
      List<PolicyRule> rules, RandomPolicies gen, Random random) {
    List<PolicyRule> out = new ArrayList<>(rules);
    switch (random.nextInt(3)) {
      case 0 -> out.set(random.nextInt(out.size()), rule(gen, random, "m"));
      case 1 -> out.remove(random.nextInt(out.size()));
      default -> out.add(rule(gen, random, "m"));
    }
    return out;
  }

  private static PolicyRule rule(RandomPolicies gen, Random random, String name) {
    Rule rule = gen.rule();
    String ns = gen.pick(RandomPolicies.NAMESPACES);
    return new CiliumRuleTranslator("CiliumNetworkPolicy", ns, name, CidrGroups.none())
        .translate(rule, "spec");
  }
}
