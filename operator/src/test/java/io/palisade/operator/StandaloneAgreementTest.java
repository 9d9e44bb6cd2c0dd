package io.palisade.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.crds.cilium.CiliumClusterwideNetworkPolicy;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.operator.identity.CiliumIdentityAllocator;
import io.palisade.operator.inventory.ClusterWatch;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.pipeline.model.LocalState;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.identity.IdentityAllocator;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator and standalone mode run one pipeline; this checks that their two ways in give the
 * same node state for the same inputs. Generated namespaces, pods, CIDR groups and policies of
 * every kind are read by standalone mode from files, and by the operator from the API (the fabric8
 * mock in CRUD mode) through its informers. Identity numbers of CIDRs are node-local and follow the
 * order things arrive in, so the states are compared with every identity named by its labels.
 */
@EnableKubernetesMockClient(crud = true)
class StandaloneAgreementTest {

  private static final String NODE = "local";

  KubernetesClient client;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void theOperatorAndStandaloneModeGiveTheSameNodeState(long seed) throws Exception {
    GeneratedInputs inputs = GeneratedInputs.of(new Random(seed), NODE);
    Path cluster = dir.resolve("cluster.yaml");
    Path policies = dir.resolve("policies");
    Files.createDirectories(policies);
    Files.writeString(cluster, inputs.cluster());
    Files.writeString(policies.resolve("policies.yaml"), inputs.policies());

    InMemoryNodeState standalone = new InMemoryNodeState();
    LocalPipeline local = new LocalPipeline(NODE, standalone, RemovalBudget.DEFAULT);
    LoadResult loaded = new PolicyLoader().load(List.of(policies));
    assertThat(loaded.errors()).as("generated policies are valid").isEmpty();
    local.accept(PolicySnapshot.of("files", loaded));
    ClusterParser.Result parsed = new ClusterParser().parse(cluster);
    assertThat(parsed.errors()).isEmpty();
    local.accept(parsed.cluster());
    local.run();
    Map<String, Object> expected = CanonicalNodeState.of(standalone, NODE, local.allocator());
    assertThat(standalone.local(NODE).endpoints()).hasSize(inputs.pods());

    MockCluster.installCrds(client);
    NodeStateStore store = new NodeStateStore("e", 8);
    ClusterInventory inventory = new ClusterInventory();
    CiliumIdentityAllocator allocator = new CiliumIdentityAllocator(client);
    Pipeline operator = new Pipeline(inventory, allocator, store);
    try (ClusterWatch watch = new ClusterWatch(client, inventory, new PolicyValidation()).start()) {
      for (HasMetadata object : objects(inputs.cluster() + "\n---\n" + inputs.policies())) {
        client.resource(object).create();
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      Map<String, Object> actual = Map.of();
      while (System.nanoTime() < deadline) {
        operator.run();
        actual = CanonicalNodeState.of(store, NODE, allocator);
        if (actual.equals(expected)) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(new TreeMap<>(actual)).isEqualTo(new TreeMap<>(expected));
    }
  }

  /** The documents of a YAML text as the API's typed objects. */
  private List<HasMetadata> objects(String yaml) {
    List<HasMetadata> out = new java.util.ArrayList<>();
    for (String doc : yaml.split("(?m)^---$")) {
      if (doc.isBlank()) {
        continue;
      }
      String kind = doc.lines().filter(l -> l.startsWith("kind:")).findFirst().orElseThrow();
      Class<? extends HasMetadata> type =
          switch (kind.substring(5).strip()) {
            case "Namespace" -> Namespace.class;
            case "Pod" -> Pod.class;
            case "NetworkPolicy" -> NetworkPolicy.class;
            case "CiliumNetworkPolicy" -> CiliumNetworkPolicy.class;
            case "CiliumClusterwideNetworkPolicy" -> CiliumClusterwideNetworkPolicy.class;
            case "CiliumCIDRGroup" -> CiliumCIDRGroup.class;
            default -> throw new IllegalArgumentException(kind);
          };
      out.add(client.getKubernetesSerialization().unmarshal(doc, type));
    }
    return out;
  }

  /** Node state with each identity number replaced by its labels. */
  static final class CanonicalNodeState {

    static Map<String, Object> of(
        InMemoryNodeState state, String node, IdentityAllocator allocator) {
      return of(state.ipcache(), state.local(node), allocator);
    }

    static Map<String, Object> of(NodeStateStore state, String node, IdentityAllocator allocator) {
      return of(state.ipcache(), state.local(node), allocator);
    }

    private static Map<String, Object> of(
        Map<String, Long> ipcache, LocalState local, IdentityAllocator allocator) {
      Map<String, Object> out = new TreeMap<>();
      ipcache.forEach((prefix, id) -> out.put("ipcache " + prefix, name(id, allocator)));
      local
          .endpoints()
          .forEach(
              (id, e) ->
                  out.put(
                      "endpoint " + id,
                      e.addresses()
                          + " "
                          + name(e.identity(), allocator)
                          + " in="
                          + e.enforceIngress()
                          + " out="
                          + e.enforceEgress()));
      local
          .policies()
          .forEach(
              (id, p) -> {
                String subject = "policy " + name(id, allocator);
                out.put(subject, "enforced " + new java.util.TreeSet<>(p.enforced()));
                p.entries()
                    .forEach(
                        (k, v) ->
                            out.put(
                                subject
                                    + " "
                                    + k.direction()
                                    + " "
                                    + (k.identity() == 0 ? "any" : name(k.identity(), allocator))
                                    + " "
                                    + k.protocol()
                                    + "/"
                                    + k.port()
                                    + "/"
                                    + k.portPrefixBits(),
                                v.toString()));
              });
      return out;
    }

    private static String name(long id, IdentityAllocator allocator) {
      return allocator
          .lookup(id)
          .map(i -> i.labels().toString())
          .orElseThrow(() -> new AssertionError("identity " + id + " has no labels"));
    }
  }
}
