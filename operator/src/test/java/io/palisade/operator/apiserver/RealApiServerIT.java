package io.palisade.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.palisade.crds.cilium.CiliumIdentity;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.operator.MockCluster;
import io.palisade.operator.identity.CiliumIdentityAllocator;
import io.palisade.operator.inventory.ClusterWatch;
import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.nodestate.TestDaemon;
import io.palisade.operator.reconcile.CiliumNetworkPolicyReconciler;
import io.palisade.operator.status.PolicyConditions;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator against a real kube-apiserver and etcd (fabric8 kube-api-test, offline), with
 * server-side apply as in production. Runs where the binaries are installed under {@code
 * $KUBE_API_TEST_DIR/k8s/<version>/} (default {@code ~/.kubeapitest}); skipped, saying so,
 * elsewhere.
 */
class RealApiServerIT {

  private static KubeAPIServer apiServer;
  private static KubernetesClient client;

  static Path testDir() {
    String dir = System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_DIR);
    return dir != null
        ? Path.of(dir)
        : Path.of(System.getProperty("user.home"), KubeAPIServerConfigBuilder.DIRECTORY_NAME);
  }

  static boolean binariesInstalled() {
    Path k8s = testDir().resolve("k8s");
    if (!Files.isDirectory(k8s)) {
      return false;
    }
    try (Stream<Path> versions = Files.list(k8s)) {
      return versions.anyMatch(
          v ->
              Stream.of("kube-apiserver", "etcd", "kubectl")
                  .allMatch(b -> Files.isExecutable(v.resolve(b))));
    } catch (IOException e) {
      return false;
    }
  }

  @BeforeAll
  static void startApiServer() {
    if (!binariesInstalled()) {
      return;
    }
    apiServer =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(testDir().toString())
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .build());
    apiServer.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
            .build();
    MockCluster.installCrds(client);
  }

  @AfterAll
  static void stopApiServer() {
    if (client != null) {
      client.close();
    }
    if (apiServer != null) {
      apiServer.stop();
    }
  }

  @BeforeEach
  void needsTheBinaries() {
    Assumptions.assumeTrue(
        client != null,
        "no kube-apiserver, etcd and kubectl under "
            + testDir().resolve("k8s")
            + "/<version>/: the real API server test is skipped");
  }

  @Test
  void aPolicyIsEnforcedAndIdentitiesSurviveARestart() throws IOException {
    NodeStateStore store = new NodeStateStore();
    ClusterInventory inventory = new ClusterInventory();
    PolicyValidation validation = new PolicyValidation();
    Pipeline pipeline = new Pipeline(inventory, new CiliumIdentityAllocator(client), store);
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    Operator operator =
        new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    try (ClusterWatch watch = new ClusterWatch(client, inventory, validation).start();
        NodeStateServer server =
            NodeStateServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                store,
                NodeStateSecurity.insecurePlainText());
        TestDaemon daemon = new TestDaemon(server.port(), true, false)) {
      loop.scheduleWithFixedDelay(pipeline::run, 0, 20, TimeUnit.MILLISECONDS);
      operator.register(new CiliumNetworkPolicyReconciler(pipeline, validation, client));
      operator.start();
      for (var w : StarWars.workloads()) {
        var pod =
            client
                .pods()
                .resource(
                    new PodBuilder()
                        .withNewMetadata()
                        .withName(w.pod().name())
                        .withNamespace("default")
                        .withLabels(w.pod().labels())
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName(w.node().orElseThrow())
                        .addNewContainer()
                        .withName("c")
                        .withImage("example.invalid/c")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
        pod.setStatus(
            new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withPhase("Running")
                .withPodIP(w.addresses().getFirst())
                .build());
        client.pods().resource(pod).updateStatus();
      }
      client
          .resources(CiliumNetworkPolicy.class)
          .resource(
              client
                  .getKubernetesSerialization()
                  .unmarshal(StarWars.RULE1, CiliumNetworkPolicy.class))
          .create();
      daemon.hello("node-a", "", 0);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                PolicyStatus s =
                    client
                        .resources(CiliumNetworkPolicy.class)
                        .inNamespace("default")
                        .withName("rule1")
                        .get()
                        .getStatus();
                return s != null
                    && PolicyConditions.condition(s, "Ready")
                        .map(c -> c.status().equals("True"))
                        .orElse(false);
              });

      List<CiliumIdentity> before = client.resources(CiliumIdentity.class).list().getItems();
      assertThat(before).hasSize(3);
      CiliumIdentityAllocator restarted = new CiliumIdentityAllocator(client);
      for (CiliumIdentity ci : before) {
        var id = CiliumIdentityAllocator.toIdentity(ci).orElseThrow();
        assertThat(restarted.allocate(id.labels()).id()).isEqualTo(id.id());
      }
    } finally {
      operator.stop();
      loop.shutdownNow();
    }
  }
}
