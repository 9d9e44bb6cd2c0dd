package io.palisade.operator.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.palisade.crds.cilium.CiliumIdentity;
import io.palisade.operator.MockCluster;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CiliumIdentityAllocatorTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void crds() {
    MockCluster.installCrds(client);
  }

  private static List<Labels> labelSets(int n) {
    List<Labels> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          Labels.of(
              Label.k8s("app", "app-" + i),
              Label.k8s("io.kubernetes.pod.namespace", "ns-" + (i % 3))));
    }
    return out;
  }

  @Test
  void anIdentityIsAnObjectNamedByItsNumberHoldingItsLabels() {
    Labels labels = Labels.of(Label.k8s("org", "empire"), Label.k8s("class", "deathstar"));
    Identity id = new CiliumIdentityAllocator(client).allocate(labels);

    CiliumIdentity ci =
        client.resources(CiliumIdentity.class).withName(Long.toString(id.id())).get();
    assertThat(ci.getSecurityLabels())
        .isEqualTo(Map.of("k8s:org", "empire", "k8s:class", "deathstar"));
    assertThat(ci.getMetadata().getLabels())
        .containsEntry(
            CiliumIdentityAllocator.LABELS_DIGEST, CiliumIdentityAllocator.digest(labels))
        .containsEntry(CiliumIdentityAllocator.MANAGED_BY, "palisade");
    // The same number the engine's deterministic in-memory allocator gives.
    assertThat(id).isEqualTo(new InMemoryIdentityAllocator().allocate(labels));
  }

  @Test
  void aRestartedOperatorKeepsEveryNumber() {
    CiliumIdentityAllocator first = new CiliumIdentityAllocator(client, l -> 0);
    Map<Labels, Long> before = new HashMap<>();
    for (Labels l : labelSets(10)) {
      before.put(l, first.allocate(l).id());
    }
    // Reversed order and colliding start slots: only the objects can give the same answer.
    CiliumIdentityAllocator restarted = new CiliumIdentityAllocator(client, l -> 0);
    List<Labels> reversed = new ArrayList<>(labelSets(10));
    Collections.reverse(reversed);
    for (Labels l : reversed) {
      assertThat(restarted.allocate(l).id()).isEqualTo(before.get(l));
    }
    CiliumIdentityAllocator resynced = new CiliumIdentityAllocator(client);
    resynced.resync();
    before.forEach((l, id) -> assertThat(resynced.lookup(l).orElseThrow().id()).isEqualTo(id));
    assertThat(client.resources(CiliumIdentity.class).list().getItems()).hasSize(10);
  }

  @Test
  void twoRacingOperatorsAgreeOnEveryNumber() throws Exception {
    race(l -> CiliumIdentityAllocator.digest(l).hashCode(), 40);
  }

  @Test
  void twoRacingOperatorsAgreeEvenWhenEveryLabelSetCollides() throws Exception {
    race(l -> 7, 15);
  }

  private void race(java.util.function.ToLongFunction<Labels> slot, int sets) throws Exception {
    KubernetesClient otherClient = server.createClient();
    List<CiliumIdentityAllocator> operators =
        List.of(
            new CiliumIdentityAllocator(client, slot),
            new CiliumIdentityAllocator(otherClient, slot));
    List<Labels> labels = labelSets(sets);
    Map<Labels, Set<Long>> answers = new ConcurrentHashMap<>();
    int threads = 6;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        CiliumIdentityAllocator op = operators.get(t % 2);
        List<Labels> order = new ArrayList<>(labels);
        Collections.shuffle(order, new java.util.Random(t));
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (Labels l : order) {
                    answers
                        .computeIfAbsent(l, k -> ConcurrentHashMap.newKeySet())
                        .add(op.allocate(l).id());
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      otherClient.close();
    }

    // One number per label set, and no number for two sets.
    Set<Long> numbers = new HashSet<>();
    for (Labels l : labels) {
      assertThat(answers.get(l)).as("numbers given to %s", l).hasSize(1);
      numbers.add(answers.get(l).iterator().next());
    }
    assertThat(numbers).hasSize(sets);
    // And the API holds exactly those objects, each with its own label set.
    List<CiliumIdentity> objects = client.resources(CiliumIdentity.class).list().getItems();
    assertThat(objects).hasSize(sets);
    Map<Labels, Long> stored = new HashMap<>();
    for (CiliumIdentity ci : objects) {
      Identity id = CiliumIdentityAllocator.toIdentity(ci).orElseThrow();
      assertThat(stored.put(id.labels(), id.id())).isNull();
      assertThat(answers.get(id.labels())).containsExactly(id.id());
    }
  }

  @Test
  void aNumberFreedEarlierInTheProbeSequenceGivesNoSecondNumber() {
    Labels squatter = Labels.of(Label.k8s("app", "squatter"));
    Labels labels = Labels.of(Label.k8s("app", "late"));
    CiliumIdentityAllocator a = new CiliumIdentityAllocator(client, l -> 0);
    assertThat(a.allocate(squatter).id()).isEqualTo(256);
    assertThat(a.allocate(labels).id()).isEqualTo(257);
    a.release(256);
    CiliumIdentityAllocator b = new CiliumIdentityAllocator(client, l -> 0);
    assertThat(b.allocate(labels).id()).isEqualTo(257);
    assertThat(b.allocate(squatter).id()).isEqualTo(256);
  }

  @Test
  void releaseDeletesTheObject() {
    CiliumIdentityAllocator a = new CiliumIdentityAllocator(client);
    Identity id = a.allocate(labelSets(1).getFirst());
    a.release(id.id());
    assertThat(client.resources(CiliumIdentity.class).list().getItems()).isEmpty();
    assertThat(a.lookup(id.id())).isEmpty();
  }
}
