package io.palisade.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.crds.palisade.PolicySourceSpec;
import io.palisade.operator.MockCluster;
import io.palisade.operator.nodestate.NodeStateStore;
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
    assertThat(metrics.body())
        .contains(
            "palisade_policysource_syncs_total{namespace=\"default\",name=\"boot\",outcome=\"InvalidSpec\"}");
  }
}
