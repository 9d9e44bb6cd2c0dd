package io.palisade.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.crds.palisade.PolicySourceSpec;
import io.palisade.node.harness.PrometheusText;
import io.palisade.operator.MockCluster;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.nodestate.TestDaemon;
import io.palisade.operator.status.PolicyConditions;
import io.palisade.pipeline.StarWars;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The packaged operator, booted by Quarkus against the mock API server: the wiring works. */
@QuarkusTest
@WithKubernetesTestServer(setup = OperatorBootTest.Crds.class)
class OperatorBootTest {

  /** The Cilium CRDs exist before the operator starts, as in a cluster. */
  public static final class Crds implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      MockCluster.installCrds(server.getClient());
    }
  }

  @Inject KubernetesClient client;
  @Inject NodeStateStore store;
  @Inject OperatorRuntime runtime;

  @TestHTTPResource("/")
  URL http;

  @Test
  void aPolicyCreatedThroughTheApiReachesTheNodeStateAndGetsStatus() {
    client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("deathstar")
                .withNamespace("default")
                .addToLabels("org", "empire")
                .addToLabels("class", "deathstar")
                .endMetadata()
                .withNewSpec()
                .withNodeName("node-a")
                .endSpec()
                .withNewStatus()
                .withPodIP("10.42.0.10")
                .endStatus()
                .build())
        .create();
    client
        .resources(CiliumNetworkPolicy.class)
        .resource(
            client
                .getKubernetesSerialization()
                .unmarshal(StarWars.RULE1, CiliumNetworkPolicy.class))
        .create();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              PolicyStatus s =
                  client
                      .resources(CiliumNetworkPolicy.class)
                      .inNamespace("default")
                      .withName("rule1")
                      .get()
                      .getStatus();
              return s != null && s.desiredNodes() != null;
            });
    PolicyStatus s =
        client
            .resources(CiliumNetworkPolicy.class)
            .inNamespace("default")
            .withName("rule1")
            .get()
            .getStatus();
    assertThat(PolicyConditions.condition(s, "Valid").orElseThrow().status()).isEqualTo("True");
    assertThat(s.desiredNodes()).isEqualTo(1);
    assertThat(store.local("node-a").endpoints().get("default/deathstar").enforceIngress())
        .isTrue();
  }

  @Test
  void metricsAreInThePrometheusFormatAndMoveWithReconcilesRunsStreamsAndAcks() throws Exception {
    PrometheusText before = scrape();
    createPod("metered", "node-m", "10.42.0.20");
    CiliumNetworkPolicy cnp =
        client
            .getKubernetesSerialization()
            .unmarshal(
                StarWars.RULE1
                    .replace("rule1", "metered")
                    .replace("class: deathstar", "class: metered"),
                CiliumNetworkPolicy.class);
    client.resources(CiliumNetworkPolicy.class).resource(cnp).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !store.local("node-m").endpoints().isEmpty());
    try (TestDaemon daemon =
        new TestDaemon(runtime.nodeStatePort(), false, false).hello("node-m", store.epoch(), 0)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> daemon.lastRevision() > 0);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> scrape().sum("palisade_nodestate_streams", Map.of()) >= 1);
      daemon.ack(daemon.lastRevision(), "pal_policy is full");
      daemon.ack(daemon.lastRevision(), "");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> scrape().sum("palisade_nodestate_acks_total", Map.of()) > 0);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                scrape()
                        .sum(
                            "palisade_reconciles_total",
                            Map.of("kind", "CiliumNetworkPolicy", "outcome", "success"))
                    > before.sum(
                        "palisade_reconciles_total",
                        Map.of("kind", "CiliumNetworkPolicy", "outcome", "success")));
    PrometheusText after = scrape();
    assertThat(after.type("palisade_pipeline_run_seconds")).contains("histogram");
    assertThat(after.sum("palisade_pipeline_run_seconds_count", Map.of("outcome", "success")))
        .isGreaterThan(before.sum("palisade_pipeline_run_seconds_count", Map.of()));
    assertThat(after.type("palisade_reconcile_duration_seconds")).contains("histogram");
    assertThat(
            after.find(
                "palisade_reconcile_duration_seconds_count",
                Map.of("kind", "CiliumNetworkPolicy", "operation", "reconcile")))
        .isNotEmpty();
    assertThat(after.sum("palisade_nodestate_acks_total", Map.of()))
        .isGreaterThan(before.sum("palisade_nodestate_acks_total", Map.of()));
    assertThat(after.sum("palisade_nodestate_nacks_total", Map.of()))
        .isGreaterThan(before.sum("palisade_nodestate_nacks_total", Map.of()));
    assertThat(after.sum("palisade_identities", Map.of())).isPositive();
    assertThat(after.find("palisade_nodestate_streams", Map.of())).hasSize(1);
    assertThat(after.find("jvm_memory_used_bytes", Map.of())).isNotEmpty();
  }

  @Test
  void anL7PolicyReachesTheNodesProxyOverAds() throws Exception {
    createPod("porter", "node-x", "10.42.0.30");
    CiliumNetworkPolicy cnp =
        client
            .getKubernetesSerialization()
            .unmarshal(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: porter-l7, namespace: default}
                spec:
                  endpointSelector: {matchLabels: {org: empire, class: metered}}
                  ingress:
                    - fromEndpoints: [{matchLabels: {org: empire}}]
                      toPorts:
                        - ports: [{port: "80", protocol: TCP}]
                          rules:
                            http: [{method: POST, path: /v1/request-landing}]
                """,
                CiliumNetworkPolicy.class);
    client.resources(CiliumNetworkPolicy.class).resource(cnp).create();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", runtime.xdsPort()).usePlaintext().build();
    BlockingQueue<DiscoveryResponse> received = new LinkedBlockingQueue<>();
    try {
      StreamObserver<DiscoveryRequest> ads =
          AggregatedDiscoveryServiceGrpc.newStub(channel)
              .streamAggregatedResources(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(DiscoveryResponse r) {
                      received.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      ads.onNext(
          DiscoveryRequest.newBuilder()
              .setNode(Node.newBuilder().setId("node-x"))
              .setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
              .build());
      // The pod may reach the proxy's config before the policy does: ack and wait for more.
      List<String> listeners = List.of();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!listeners.contains("palisade/http/ingress") && System.nanoTime() < deadline) {
        DiscoveryResponse lds = received.poll(1, TimeUnit.SECONDS);
        if (lds == null) {
          continue;
        }
        listeners = new ArrayList<>();
        for (var any : lds.getResourcesList()) {
          listeners.add(any.unpack(Listener.class).getName());
        }
        ads.onNext(
            DiscoveryRequest.newBuilder()
                .setNode(Node.newBuilder().setId("node-x"))
                .setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
                .setVersionInfo(lds.getVersionInfo())
                .setResponseNonce(lds.getNonce())
                .build());
      }
      assertThat(listeners).as("the listeners of node-x's proxy").contains("palisade/http/ingress");
      ads.onCompleted();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void theProbesAnswerOnceTheInventoryIsWhole() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> get("q/health/ready").statusCode() == 200);
    HttpResponse<String> ready = get("q/health/ready");
    assertThat(ready.body())
        .contains("\"palisade-pipeline\"")
        .contains("inventory synced, node state served");
    HttpResponse<String> live = get("q/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).contains("\"palisade-pipeline-loop\"").contains("\"UP\"");
    assertThat(get("q/health/started").statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(http + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private PrometheusText scrape() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(http + "metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return PrometheusText.parse(r.body());
  }

  private void createPod(String name, String node, String ip) {
    client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .addToLabels("org", "empire")
                .addToLabels("class", "metered")
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .withNewStatus()
                .withPodIP(ip)
                .endStatus()
                .build())
        .create();
  }

  @Test
  void aPolicySourceIsReconciledAndTheWebhookAndMetricsRoutesAnswer() throws Exception {
    PolicySource source = new PolicySource();
    source.getMetadata().setName("boot");
    source.getMetadata().setNamespace("default");
    source.setSpec(PolicySourceSpec.of("git@example.com:net/policies.git"));
    client.resource(source).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var s =
                  client
                      .resources(PolicySource.class)
                      .inNamespace("default")
                      .withName("boot")
                      .get()
                      .getStatus();
              return s != null
                  && s.conditions().stream()
                      .anyMatch(c -> c.type().equals("Stalled") && c.status().equals("True"));
            });
    var stalled =
        client
            .resources(PolicySource.class)
            .inNamespace("default")
            .withName("boot")
            .get()
            .getStatus()
            .conditions()
            .stream()
            .filter(c -> c.type().equals("Stalled"))
            .findFirst()
            .orElseThrow();
    assertThat(stalled.message()).contains("spec.url").contains("scp-like");

    HttpClient h = HttpClient.newHttpClient();
    HttpResponse<String> hook =
        h.send(
            HttpRequest.newBuilder(URI.create(http + "hook/" + "0".repeat(64)))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(hook.statusCode()).isEqualTo(404);
    HttpResponse<String> metrics =
        h.send(
            HttpRequest.newBuilder(URI.create(http + "metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(
            PrometheusText.parse(metrics.body())
                .sum(
                    "palisade_policysource_syncs_total",
                    Map.of("namespace", "default", "name", "boot", "outcome", "InvalidSpec")))
        .isPositive();
  }
}
