package io.palisade.policy.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.api.Rule;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.cluster.SecurityLabels;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.identity.ReservedIdentity;
import io.palisade.policy.resolve.NamedPort;
import io.palisade.policy.resolve.PolicyEngine;
import io.palisade.policy.rules.CidrGroups;
import io.palisade.policy.rules.CiliumRuleTranslator;
import io.palisade.policy.rules.KubernetesPolicyTranslator;
import io.palisade.policy.rules.PolicyMode;
import io.palisade.policy.rules.PolicyRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An engine kept current by incremental changes (identity adds, relabels with new named ports and
 * removals; rule additions, replacements and removals) holds, after every change, exactly the
 * policies an engine built from scratch over the same identities and rules computes, and reports
 * every subject whose policy changed. The fresh engine computes its policies side by side ({@link
 * PolicyEngine#policiesFor}), and the live one does so every other step before it changes.
 */
class IncrementalMatchesFreshTest {

  private static final int POLICY_SETS = 300;

  @Test
  void incrementalUpdatesEqualAFreshResolution() {
    long seed = Long.getLong("palisade.seed", new Random().nextLong());
    Random random = new Random(seed);
    RandomPolicies gen = new RandomPolicies(random);
    RandomNetworkPolicies knps = new RandomNetworkPolicies(random);
    int changes = 0;
    for (int set = 0; set < POLICY_SETS; set++) {
      Cluster cluster = gen.cluster();
      List<PolicyRule> rules = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(4); i++) {
        rules.add(randomRule(gen, knps, "p" + i));
      }
      InMemoryIdentityAllocator allocator = new InMemoryIdentityAllocator();
      Map<Long, Identity> pool = new LinkedHashMap<>();
      Map<Long, Set<NamedPort>> ports = new HashMap<>();
      for (Pod pod : cluster.pods()) {
        // Labelled for every block the generator names, so that the ipBlocks of NetworkPolicies
        // added along the way select pods as they would with the blocks in force.
        Identity id =
            allocator.allocate(
                SecurityLabels.of(pod, cluster.namespace(pod.namespace()), EVERY_BLOCK));
        pool.put(id.id(), id);
        ports.computeIfAbsent(id.id(), k -> new HashSet<>()).addAll(pod.ports());
      }
      PolicyEngine live = new PolicyEngine(rules);
      Map<Long, Set<NamedPort>> present = new LinkedHashMap<>();
      for (ReservedIdentity r : ReservedIdentity.values()) {
        live.upsertIdentity(r.identity(), List.of());
      }
      List<Long> ids = new ArrayList<>(pool.keySet());
      for (int step = 0; step < 2 * ids.size(); step++) {
        long id = gen.pick(ids);
        if (step % 2 == 0) {
          // Computed side by side, the policies must be indexed for later changes all the same.
          live.policiesFor(present.keySet());
        }
        Map<Long, String> before = policies(live, present.keySet());
        Set<Long> reported;
        boolean ruleChange = random.nextInt(4) == 0;
        if (ruleChange) {
          List<PolicyRule> removed =
              rules.isEmpty() || random.nextInt(3) == 0
                  ? List.of()
                  : List.of(rules.remove(random.nextInt(rules.size())));
          List<PolicyRule> added =
              random.nextInt(3) == 0 ? List.of() : List.of(randomRule(gen, knps, "q" + step));
          rules.addAll(added);
          reported = live.replaceRules(removed, added);
        } else if (present.containsKey(id) && random.nextInt(3) == 0) {
          present.remove(id);
          reported = live.removeIdentity(id);
        } else {
          // A relabel keeps the number but may change the pods' named ports.
          Set<NamedPort> p = random.nextBoolean() ? ports.get(id) : Set.of();
          present.put(id, p);
          reported = live.upsertIdentity(pool.get(id), p);
        }
        Set<Long> others = new HashSet<>(before.keySet());
        if (!ruleChange) {
          others.remove(id);
        }
        assertThat(reported)
            .as("subjects reported changed, seed %d set %d step %d", seed, set, step)
            .containsAll(changedPolicies(live, before, others));
        PolicyEngine fresh = new PolicyEngine(rules);
        for (ReservedIdentity r : ReservedIdentity.values()) {
          fresh.upsertIdentity(r.identity(), List.of());
        }
        present.forEach((k, v) -> fresh.upsertIdentity(pool.get(k), v));
        Map<Long, String> now = policies(live, present.keySet());
        assertThat(now)
            .as("seed %d (replay with -Dpalisade.seed=%d), set %d, step %d", seed, seed, set, step)
            .isEqualTo(batch(fresh, present.keySet()));
        changes++;
      }
    }
    System.out.printf(
        "incremental = fresh after %d identity and rule changes (seed %d)%n", changes, seed);
    assertThat(changes).isGreaterThan(1000);
  }

  private static final List<CidrPrefix> EVERY_BLOCK =
      RandomNetworkPolicies.BLOCKS.stream().map(b -> CidrPrefix.parse(b).orElseThrow()).toList();

  /** A CiliumNetworkPolicy's rule, or one time in four a NetworkPolicy's; some in audit mode. */
  private static PolicyRule randomRule(
      RandomPolicies gen, RandomNetworkPolicies knps, String name) {
    PolicyRule rule = anyRule(gen, knps, name);
    // One in four audited: the audit MapState must stay current by the same increments.
    return gen.pick(List.of(1, 2, 3, 4)) == 1 ? rule.withMode(PolicyMode.AUDIT) : rule;
  }

  private static PolicyRule anyRule(RandomPolicies gen, RandomNetworkPolicies knps, String name) {
    if (gen.pick(List.of(1, 2, 3, 4)) == 1) {
      return KubernetesPolicyTranslator.rule(
          knps.policy(gen.pick(RandomPolicies.NAMESPACES), name));
    }
    Rule rule = gen.rule();
    String ns = gen.pick(RandomPolicies.NAMESPACES);
    return new CiliumRuleTranslator("CiliumNetworkPolicy", ns, name, CidrGroups.none())
        .translate(rule, "spec");
  }

  /** Every present subject's policy, computing any not yet computed. */
  private static Map<Long, String> policies(PolicyEngine engine, Set<Long> subjects) {
    Map<Long, String> out = new HashMap<>();
    for (long s : subjects) {
      out.put(s, engine.policyFor(s).toString());
    }
    return out;
  }

  /** Every present subject's policy from {@link PolicyEngine#policiesFor}, computed in parallel. */
  private static Map<Long, String> batch(PolicyEngine engine, Set<Long> subjects) {
    Map<Long, String> out = new HashMap<>();
    engine.policiesFor(subjects).forEach((s, p) -> out.put(s, p.toString()));
    return out;
  }

  /** The subjects whose policy text changed, which the engine's own report must cover. */
  private static Set<Long> changedPolicies(
      PolicyEngine engine, Map<Long, String> before, Set<Long> subjects) {
    Set<Long> changed = new HashSet<>();
    for (long s : subjects) {
      if (!engine.policyFor(s).toString().equals(before.get(s))) {
        changed.add(s);
      }
    }
    return changed;
  }
}
