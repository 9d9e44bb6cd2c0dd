package io.palisade.benchmarks;

import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.identity.ReservedIdentity;
import io.palisade.policy.resolve.NamedPort;
import io.palisade.policy.resolve.PolicyEngine;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.PolicySet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The input of the benchmarks: rules translated from generated CiliumNetworkPolicies, the pod
 * identities with their named ports, the identities every node has anyway (reserved ones and those
 * of the CIDRs the rules name), and spare pod identities to add one at a time.
 *
 * @param subjects the pod identities some rule selects: the ones that get a policy
 */
public record Workload(
    List<PolicyRule> rules,
    List<Identity> infrastructure,
    List<PodIdentity> pods,
    List<PodIdentity> arrivals,
    List<Long> subjects) {

  /** Cilium's {@code BenchmarkRegeneratePolicyRules} shape: 1,000 rules and 3,000 identities. */
  public static final int RULES = 1_000;

  public static final int IDENTITIES = 3_000;

  /** How many spare identities the incremental benchmark cycles through. */
  public static final int ARRIVALS = 64;

  public static final long SEED = 20_260_522L;

  /** One pod identity and the named container ports of its pods. */
  public record PodIdentity(Identity identity, Set<NamedPort> ports) {}

  public Workload {
    rules = List.copyOf(rules);
    infrastructure = List.copyOf(infrastructure);
    pods = List.copyOf(pods);
    arrivals = List.copyOf(arrivals);
    subjects = List.copyOf(subjects);
  }

  /** The standard shape, the same in every run. */
  public static Workload standard() {
    return generate(new Random(SEED), RULES, IDENTITIES);
  }

  public static Workload generate(Random random, int ruleCount, int identityCount) {
    ClusterGenerator cluster = new ClusterGenerator(random);
    List<ClusterGenerator.Workload> drawn = cluster.workloads(identityCount + ARRIVALS);
    List<ClusterGenerator.Workload> present = drawn.subList(0, identityCount);
    InMemoryIdentityAllocator allocator = new InMemoryIdentityAllocator();
    List<PodIdentity> pods = new ArrayList<>();
    List<PodIdentity> arrivals = new ArrayList<>();
    for (int i = 0; i < drawn.size(); i++) {
      ClusterGenerator.Workload w = drawn.get(i);
      var pod = cluster.pod(w, i);
      PodIdentity pi = new PodIdentity(cluster.identity(w, pod, allocator), pod.ports());
      (i < identityCount ? pods : arrivals).add(pi);
    }
    PolicySet set = new PolicySet();
    for (CiliumNetworkPolicy cnp : new RuleGenerator(random, present).policies(ruleCount)) {
      set.add(cnp);
    }
    List<PolicyRule> rules = set.rules();
    List<Identity> infrastructure = new ArrayList<>();
    for (ReservedIdentity r : ReservedIdentity.values()) {
      infrastructure.add(r.identity());
    }
    for (CidrPrefix prefix : PolicyRule.prefixesOf(rules)) {
      infrastructure.add(allocator.allocateCidr(prefix));
    }
    List<Long> subjects = new ArrayList<>();
    for (PodIdentity p : pods) {
      if (rules.stream().anyMatch(r -> r.selects(p.identity()))) {
        subjects.add(p.identity().id());
      }
    }
    return new Workload(rules, infrastructure, pods, arrivals, subjects);
  }

  /** A new engine over the rules, told every identity; no policy is computed yet. */
  public PolicyEngine loadEngine() {
    PolicyEngine engine = new PolicyEngine(rules);
    for (Identity id : infrastructure) {
      engine.upsertIdentity(id, List.of());
    }
    for (PodIdentity p : pods) {
      engine.upsertIdentity(p.identity(), p.ports());
    }
    return engine;
  }

  /** Every identity the engine knows after {@link #loadEngine()}. */
  public List<Identity> identities() {
    List<Identity> all = new ArrayList<>(infrastructure);
    pods.forEach(p -> all.add(p.identity()));
    return all;
  }

  /** The named ports of each pod identity. */
  public Map<Long, Set<NamedPort>> namedPorts() {
    Map<Long, Set<NamedPort>> out = new HashMap<>();
    pods.forEach(p -> out.put(p.identity().id(), p.ports()));
    return out;
  }

  /** Whether some rule selects {@code identity} as its subject. */
  public boolean isSubject(Identity identity) {
    return rules.stream().anyMatch(r -> r.selects(identity));
  }
}
