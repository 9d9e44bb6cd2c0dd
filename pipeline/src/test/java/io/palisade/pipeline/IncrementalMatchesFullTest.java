package io.palisade.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.resolve.NamedPort;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's incremental path publishes, after every change of a random sequence (namespaces
 * relabelled, pods added, moved, relabelled and removed, policies added, changed and deleted,
 * nodes, Services and EndpointSlices put and removed), exactly the desired state the full
 * computation derives from the same inventory: the same ipcache, the same Service frontends, the
 * same local state on every node (its NodePorts included), and the same nodes for every policy.
 */
class IncrementalMatchesFullTest {

  private static final List<String> NAMESPACES = List.of("default", "prod", "dev");
  private static final List<String> APPS = List.of("web", "db", "cache", "api");
  private static final List<String> NODES = List.of("node-a", "node-b", "node-c", "node-d");
  private static final int SEQUENCES = 8;
  private static final int STEPS = 100;

  @Test
  void everyChangeLeavesTheSameStateAsAFullComputation() {
    long seed = Long.getLong("palisade.seed", new Random().nextLong());
    Random random = new Random(seed);
    int compared = 0;
    for (int sequence = 0; sequence < SEQUENCES; sequence++) {
      InMemoryIdentityAllocator allocator = new InMemoryIdentityAllocator();
      ClusterInventory inventory = new ClusterInventory();
      InMemoryNodeState store = new InMemoryNodeState();
      Pipeline pipeline = new Pipeline(inventory, allocator, store);
      NodeStateComputer full = new NodeStateComputer(allocator);
      Map<PolicyRef, Long> generations = new HashMap<>();
      for (int step = 0; step < STEPS; step++) {
        change(random, inventory, generations);
        pipeline.run();
        ClusterInventory.Snapshot snapshot = inventory.snapshot();
        DesiredState expected = full.compute(snapshot.cluster());
        String where = "seed %d (replay with -Dpalisade.seed=%d), sequence %d, step %d";
        Object[] args = {seed, seed, sequence, step};
        assertThat(store.ipcache()).as(where, args).isEqualTo(expected.ipcache());
        assertThat(store.services()).as(where + ", services", args).isEqualTo(expected.services());
        for (String node : NODES) {
          assertThat(store.local(node))
              .as(where + ", " + node, args)
              .isEqualTo(expected.node(node));
        }
        Map<String, Set<PolicyRef>> onNode = new HashMap<>();
        for (PolicyRef ref : snapshot.generations().keySet()) {
          assertThat(pipeline.nodesOf(ref))
              .as(where + ", " + ref, args)
              .isEqualTo(expected.nodesOf(ref));
          expected
              .nodesOf(ref)
              .forEach(n -> onNode.computeIfAbsent(n, k -> new HashSet<>()).add(ref));
        }
        for (String node : NODES) {
          assertThat(Set.copyOf(pipeline.policiesOn(node)))
              .as(where + ", policies on " + node, args)
              .isEqualTo(onNode.getOrDefault(node, Set.of()));
        }
        compared++;
      }
    }
    System.out.printf("incremental = full after %d changes (seed %d)%n", compared, seed);
  }

  private static void change(
      Random random, ClusterInventory inventory, Map<PolicyRef, Long> generations) {
    int kind = random.nextInt(14);
    if (kind >= 10) {
      ServiceChanges.change(random, inventory, NAMESPACES, NODES);
    } else if (kind == 0) {
      String ns = pick(random, NAMESPACES);
      if (random.nextInt(4) == 0) {
        inventory.removeNamespace(ns);
      } else {
        inventory.putNamespace(
            new Namespace(
                ns, random.nextBoolean() ? Map.of() : Map.of("tier", pick(random, APPS))));
      }
    } else if (kind < 6) {
      String name = "pod-" + random.nextInt(24);
      String ns = NAMESPACES.get(Math.floorMod(name.hashCode(), NAMESPACES.size()));
      if (random.nextInt(5) == 0) {
        inventory.removeWorkload(ns + "/" + name);
      } else {
        inventory.putWorkload(workload(random, ns, name));
      }
    } else {
      boolean knp = random.nextInt(3) == 0;
      PolicyRef ref =
          new PolicyRef(
              knp ? "NetworkPolicy" : "CiliumNetworkPolicy",
              pick(random, NAMESPACES),
              (knp ? "np" : "p") + random.nextInt(knp ? 4 : 8));
      if (random.nextInt(4) == 0) {
        inventory.removePolicy(ref);
        generations.remove(ref);
      } else {
        long generation = generations.merge(ref, 1L, Long::sum);
        String yaml = knp ? networkPolicy(random, ref) : policy(random, ref);
        inventory.putPolicy(
            new PolicyValidation.Checked(ref, generation, List.of(), StarWars.rules(yaml)));
      }
    }
  }

  private static Workload workload(Random random, String ns, String name) {
    Map<String, String> labels = new HashMap<>();
    labels.put("app", pick(random, APPS));
    if (random.nextBoolean()) {
      labels.put("role", random.nextBoolean() ? "front" : "back");
    }
    Set<NamedPort> ports =
        random.nextBoolean()
            ? Set.of(new NamedPort("http", Protocol.TCP, 8000 + random.nextInt(3)))
            : Set.of();
    // Few addresses for many pods: two pods sometimes share one, as a reused IP briefly does.
    Optional<String> ip =
        random.nextInt(6) == 0 ? Optional.empty() : Optional.of("10.0.0." + random.nextInt(30));
    Pod pod = new Pod(ns, name, labels, Optional.empty(), ip, ports);
    Optional<String> node =
        random.nextInt(8) == 0 ? Optional.empty() : Optional.of(pick(random, NODES));
    return new Workload(pod, node, ip.map(List::of).orElse(List.of()));
  }

  private static String policy(Random random, PolicyRef ref) {
    String subject =
        random.nextInt(5) == 0 ? "{}" : "{matchLabels: {app: " + pick(random, APPS) + "}}";
    String peer =
        switch (random.nextInt(6)) {
          case 0 -> "fromCIDR: [\"10.0.0." + random.nextInt(30) + "/32\", \"192.168.0.0/16\"]";
          case 5 ->
              "fromCIDRSet: [{cidr: 0.0.0.0/0, except: [\"10.0.0.0/"
                  + (27 + random.nextInt(4))
                  + "\"]}]";
          case 1 -> "fromEntities: [world]";
          case 2 -> "fromEndpoints: [{matchLabels: {role: front}}]";
          default -> "fromEndpoints: [{matchLabels: {app: " + pick(random, APPS) + "}}]";
        };
    String port =
        switch (random.nextInt(3)) {
          case 0 -> "";
          case 1 -> "\n      toPorts: [{ports: [{port: \"http\", protocol: TCP}]}]";
          default ->
              "\n      toPorts: [{ports: [{port: \""
                  + (80 + random.nextInt(3))
                  + "\", protocol: TCP}]}]";
        };
    String section = random.nextInt(4) == 0 ? "ingressDeny" : "ingress";
    String egress =
        random.nextBoolean()
            ? ""
            : "\n  egress:\n    - toEndpoints: [{matchLabels: {app: "
                + pick(random, APPS)
                + "}}]\n      toPorts: [{ports: [{port: \"http\", protocol: TCP}]}]";
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: %s, namespace: %s}
        spec:
          endpointSelector: %s
          %s:
            - %s%s%s
        """
        .formatted(ref.name(), ref.namespace(), subject, section, peer, port, egress);
  }

  /**
   * A NetworkPolicy whose ipBlocks cut through the pods' addresses (10.0.0.0 to 10.0.0.29), so that
   * putting, changing and removing it relabels the pods inside its blocks.
   */
  private static String networkPolicy(Random random, PolicyRef ref) {
    String subject =
        random.nextInt(4) == 0 ? "{}" : "{matchLabels: {app: " + pick(random, APPS) + "}}";
    return """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: %s, namespace: %s}
        spec:
          podSelector: %s
          policyTypes: [Ingress, Egress]
          ingress:
            - from: [{ipBlock: %s}]
          egress:
            - to: [{ipBlock: %s}, {ipBlock: %s}]
              ports: [{port: http}]
        """
        .formatted(
            ref.name(),
            ref.namespace(),
            subject,
            ipBlock(random),
            ipBlock(random),
            ipBlock(random));
  }

  /** A block of 10.0.0.0/27 (or the whole IPv4 space), sometimes with a smaller one excepted. */
  private static String ipBlock(Random random) {
    int length = pick(random, List.of(0, 27, 28, 29, 30, 32));
    int base = length == 0 ? 0 : random.nextInt(32) & -(1 << (32 - length));
    String cidr = length == 0 ? "0.0.0.0/0" : "10.0.0." + base + "/" + length;
    if (length == 32 || random.nextBoolean()) {
      return "{cidr: " + cidr + "}";
    }
    int inner = Math.max(length + 1, 29 + random.nextInt(4));
    int size = 1 << (32 - length == 32 ? 5 : 32 - length);
    int start = (length == 0 ? 0 : base) + (random.nextInt(size) & -(1 << (32 - inner)));
    return "{cidr: " + cidr + ", except: [10.0.0." + start + "/" + inner + "]}";
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
